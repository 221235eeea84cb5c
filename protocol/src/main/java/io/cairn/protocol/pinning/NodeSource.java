package io.cairn.protocol.pinning;

/**
 * Read access to an array of 32-byte nodes, wherever it is held: a {@link NodeBuffer} in the heap
 * while a replica is sealed, a file on a hoster's disk afterwards, so that a hoster holds many
 * sectors without holding them in memory.
 */
public interface NodeSource {
  int nodeCount();

  /** Copies {@code length} bytes starting at byte {@code position} into {@code out[offset]}. */
  void read(long position, byte[] out, int offset, int length);
}
