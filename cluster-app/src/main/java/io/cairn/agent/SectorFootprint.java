package io.cairn.agent;

import io.cairn.protocol.pinning.NodeBuffer;
import io.cairn.protocol.pinning.ReplicaTree;

/**
 * What a hoster's replica of a range takes on disk, known before a block is read: from the range's
 * byte length, which its signed tree proves, an upper bound of every file {@link ReplicaStore}
 * writes for it (docs/protocol.md "Pinning: sealed replicas" for the layout).
 */
final class SectorFootprint {
  /** task.pb, commitment.pb and the directory: well under this. */
  private static final long SMALL_FILES = 4096;

  /** A proof's node: its index and size as varints, its hash, the protobuf tags: at most this. */
  private static final long PROOF_NODE = 64;

  /** A proof's signature, fork and framing, beside its nodes: at most this. */
  private static final long PROOF_FRAME = 256;

  private SectorFootprint() {}

  /** The bytes on disk of a replica of {@code assignment}'s range of {@code rangeBytes} bytes. */
  static long bytes(SealAssignment assignment, long rangeBytes) {
    long blocks = assignment.rangeEnd() - assignment.rangeStart();
    // the layout: each block behind its length as a varint, padded to whole nodes
    long layout = rangeBytes + blocks * varintLength(rangeBytes);
    long nodes = Math.max(1, (layout + NodeBuffer.NODE_BYTES - 1) / NodeBuffer.NODE_BYTES);
    long replica = nodes * NodeBuffer.NODE_BYTES;
    long tree =
        (long) ReplicaTree.keptNodeCount((int) Math.min(nodes, Integer.MAX_VALUE))
            * NodeBuffer.NODE_BYTES;
    // a block's proof from length 0: its path and the upgrade's, each at most the tree's height
    int height = 65 - Long.numberOfLeadingZeros(assignment.rangeEnd());
    long proofs = blocks * (3L * height * PROOF_NODE + PROOF_FRAME);
    long index = blocks * 24;
    return rangeBytes + replica + tree + proofs + index + SMALL_FILES;
  }

  private static int varintLength(long value) {
    int bits = 64 - Long.numberOfLeadingZeros(Math.max(1, value));
    return (bits + 6) / 7;
  }
}
