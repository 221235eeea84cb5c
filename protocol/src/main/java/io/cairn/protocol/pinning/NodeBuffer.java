package io.cairn.protocol.pinning;

import java.util.Arrays;

/**
 * A sector-sized array of 32-byte nodes (the layout {@code D}, a layer of labels, a replica {@code
 * R}). A Java array holds under 2 GiB and the sector cap is 4 GiB, so the bytes live in pages of
 * {@code 2^pageShift} nodes; a node never straddles two pages, which keeps the seal's inner loop to
 * one {@code arraycopy} per parent. Not thread-safe.
 */
public final class NodeBuffer implements NodeSource {
  /** Bytes in one node: a SHA-256 label, a Merkle leaf. */
  public static final int NODE_BYTES = 32;

  /** Pages of 2^25 nodes (1 GiB) in production; tests pass smaller pages to cross page edges. */
  static final int DEFAULT_PAGE_SHIFT = 25;

  private final byte[][] pages;
  private final int pageShift;
  private final int pageMask;
  private final int nodeCount;

  private NodeBuffer(int nodeCount, int pageShift) {
    if (nodeCount < 1) {
      throw new IllegalArgumentException("a node buffer holds at least 1 node, not " + nodeCount);
    }
    if (pageShift < 0 || pageShift > DEFAULT_PAGE_SHIFT) {
      throw new IllegalArgumentException("page shift must be in [0, 25], not " + pageShift);
    }
    this.nodeCount = nodeCount;
    this.pageShift = pageShift;
    this.pageMask = (1 << pageShift) - 1;
    int pageCount = (int) (((long) nodeCount + pageMask) >>> pageShift);
    pages = new byte[pageCount][];
    for (int i = 0; i < pageCount; i++) {
      int nodesInPage = Math.min(1 << pageShift, nodeCount - (i << pageShift));
      pages[i] = new byte[nodesInPage * NODE_BYTES];
    }
  }

  /** A zero-filled buffer of {@code nodeCount} nodes. */
  public static NodeBuffer allocate(int nodeCount) {
    return new NodeBuffer(nodeCount, DEFAULT_PAGE_SHIFT);
  }

  static NodeBuffer allocate(int nodeCount, int pageShift) {
    return new NodeBuffer(nodeCount, pageShift);
  }

  /** A buffer holding a copy of {@code bytes}, whose length must be a positive multiple of 32. */
  public static NodeBuffer copyOf(byte[] bytes) {
    if (bytes.length == 0 || bytes.length % NODE_BYTES != 0) {
      throw new IllegalArgumentException(
          "node bytes must be a positive multiple of 32 long, not " + bytes.length);
    }
    NodeBuffer buffer = allocate(bytes.length / NODE_BYTES);
    buffer.write(0, bytes, 0, bytes.length);
    return buffer;
  }

  @Override
  public int nodeCount() {
    return nodeCount;
  }

  public long byteLength() {
    return (long) nodeCount * NODE_BYTES;
  }

  /** Copies node {@code node} into {@code out[offset, offset + 32)}. */
  public void readNode(int node, byte[] out, int offset) {
    checkNode(node);
    System.arraycopy(
        pages[node >>> pageShift], (node & pageMask) * NODE_BYTES, out, offset, NODE_BYTES);
  }

  /** Overwrites node {@code node} with {@code in[offset, offset + 32)}. */
  public void writeNode(int node, byte[] in, int offset) {
    checkNode(node);
    System.arraycopy(
        in, offset, pages[node >>> pageShift], (node & pageMask) * NODE_BYTES, NODE_BYTES);
  }

  @Override
  public void read(long position, byte[] out, int offset, int length) {
    checkRange(position, length);
    while (length > 0) {
      int chunk = chunkAt(position, length);
      System.arraycopy(pageOf(position), offsetInPage(position), out, offset, chunk);
      position += chunk;
      offset += chunk;
      length -= chunk;
    }
  }

  /** Overwrites {@code length} bytes starting at byte {@code position} with {@code in[offset]}. */
  public void write(long position, byte[] in, int offset, int length) {
    checkRange(position, length);
    while (length > 0) {
      int chunk = chunkAt(position, length);
      System.arraycopy(in, offset, pageOf(position), offsetInPage(position), chunk);
      position += chunk;
      offset += chunk;
      length -= chunk;
    }
  }

  /** {@code this ^= other}, node by node; both must have the same node count. */
  public void xorWith(NodeBuffer other) {
    if (other.nodeCount != nodeCount) {
      throw new IllegalArgumentException(
          "cannot XOR " + other.nodeCount + " nodes into " + nodeCount);
    }
    byte[] chunk = new byte[64 * NODE_BYTES];
    long position = 0;
    while (position < byteLength()) {
      // Within one page of this buffer; the other's pages may be cut elsewhere.
      int length = chunkAt(position, (int) Math.min(chunk.length, byteLength() - position));
      other.read(position, chunk, 0, length);
      byte[] page = pageOf(position);
      int base = offsetInPage(position);
      for (int i = 0; i < length; i++) {
        page[base + i] ^= chunk[i];
      }
      position += length;
    }
  }

  /** An independent copy with the same page size. */
  public NodeBuffer copy() {
    NodeBuffer copy = new NodeBuffer(nodeCount, pageShift);
    for (int i = 0; i < pages.length; i++) {
      System.arraycopy(pages[i], 0, copy.pages[i], 0, pages[i].length);
    }
    return copy;
  }

  /** Whether both hold the same bytes (page sizes may differ). */
  public boolean sameContent(NodeBuffer other) {
    if (other.nodeCount != nodeCount) {
      return false;
    }
    byte[] mine = new byte[NODE_BYTES];
    byte[] theirs = new byte[NODE_BYTES];
    for (int node = 0; node < nodeCount; node++) {
      readNode(node, mine, 0);
      other.readNode(node, theirs, 0);
      if (!Arrays.equals(mine, theirs)) {
        return false;
      }
    }
    return true;
  }

  private byte[] pageOf(long position) {
    return pages[(int) (position >>> (pageShift + 5))];
  }

  private int offsetInPage(long position) {
    return (int) (position & (((long) pageMask << 5) | 31));
  }

  private int chunkAt(long position, int length) {
    int leftInPage = pageOf(position).length - offsetInPage(position);
    return Math.min(leftInPage, length);
  }

  private void checkNode(int node) {
    if (node < 0 || node >= nodeCount) {
      throw new IndexOutOfBoundsException("node " + node + " outside [0, " + nodeCount + ")");
    }
  }

  private void checkRange(long position, int length) {
    if (position < 0 || length < 0 || position + length > byteLength()) {
      throw new IndexOutOfBoundsException(
          "bytes ["
              + position
              + ", "
              + (position + length)
              + ") outside [0, "
              + byteLength()
              + ")");
    }
  }
}
