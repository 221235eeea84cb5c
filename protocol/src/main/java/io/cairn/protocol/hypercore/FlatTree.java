package io.cairn.protocol.hypercore;

/**
 * Flat-tree numbering of a Hypercore Merkle tree: every node has one in-order index, leaves are
 * even ({@code block i -> 2i}), parents odd, and {@code depth} is the number of trailing 1-bits.
 * All methods are pure arithmetic on {@code long}.
 */
public final class FlatTree {
  /**
   * Largest tree length (in blocks) this implementation accepts. Far above any real core, and low
   * enough that {@code 2 * length} and every span computation stay inside a signed {@code long}.
   */
  public static final long MAX_LENGTH = 1L << 60;

  private FlatTree() {}

  /** Number of trailing 1-bits: 0 for leaves. */
  public static int depth(long index) {
    return Long.numberOfTrailingZeros(~index);
  }

  /** Position of the node among the nodes of its depth, counted from the left. */
  public static long offset(long index) {
    return index >>> (depth(index) + 1);
  }

  /** The index of the node at {@code depth} and {@code offset}. */
  public static long index(int depth, long offset) {
    return (offset << (depth + 1)) | ((1L << depth) - 1);
  }

  public static long parent(long index) {
    int depth = depth(index);
    return index(depth + 1, offset(index) >>> 1);
  }

  public static long sibling(long index) {
    int depth = depth(index);
    return index(depth, offset(index) ^ 1);
  }

  /** Left child of a parent node; a leaf has none. */
  public static long leftChild(long index) {
    int depth = depth(index);
    if (depth == 0) {
      throw new IllegalArgumentException("leaf " + index + " has no children");
    }
    return index(depth - 1, offset(index) << 1);
  }

  /** Right child of a parent node; a leaf has none. */
  public static long rightChild(long index) {
    int depth = depth(index);
    if (depth == 0) {
      throw new IllegalArgumentException("leaf " + index + " has no children");
    }
    return index(depth - 1, (offset(index) << 1) + 1);
  }

  /** Flat index of the leftmost leaf under the node. */
  public static long leftSpan(long index) {
    int depth = depth(index);
    return offset(index) << (depth + 1);
  }

  /** Flat index of the rightmost leaf under the node. */
  public static long rightSpan(long index) {
    int depth = depth(index);
    return (offset(index) << (depth + 1)) + (1L << (depth + 1)) - 2;
  }

  /** Whether the node's span covers the leaf with flat index {@code leaf}. */
  public static boolean covers(long index, long leaf) {
    return leftSpan(index) <= leaf && leaf <= rightSpan(index);
  }

  /**
   * Roots of a tree of {@code length} blocks, left to right: one perfect subtree per set bit of the
   * length, biggest first.
   */
  public static long[] fullRoots(long length) {
    long[] roots = new long[Long.bitCount(length)];
    long leafOffset = 0;
    int r = 0;
    for (int bit = 63; bit >= 0; bit--) {
      long width = 1L << bit;
      if ((length & width) != 0) {
        roots[r++] = 2 * leafOffset + width - 1;
        leafOffset += width;
      }
    }
    return roots;
  }

  /**
   * The nodes, in order, that turn the roots of a tree of {@code from} blocks into the roots of
   * {@code to} blocks: first the right siblings that grow the old last root (and, through merges,
   * the roots before it) into the first new root it belongs to, then every further new root left to
   * right. Both the upgrade part of a proof and its additional nodes are exactly this list.
   */
  public static long[] upgradeNodes(long from, long to) {
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("cannot upgrade from " + from + " to " + to);
    }
    long[] oldRoots = fullRoots(from);
    long[] newRoots = fullRoots(to);
    int shared = 0;
    while (shared < oldRoots.length && oldRoots[shared] == newRoots[shared]) {
      shared++;
    }
    long[] out = new long[64 + newRoots.length];
    int n = 0;
    int next = shared;
    if (shared < oldRoots.length) {
      long target = newRoots[shared];
      long node = oldRoots[oldRoots.length - 1];
      while (node != target) {
        long sibling = sibling(node);
        // A left sibling is one of the old roots, absorbed by the merge; only right ones are sent.
        if (sibling > node) {
          out[n++] = sibling;
        }
        node = parent(node);
      }
      next++;
    }
    for (int i = next; i < newRoots.length; i++) {
      out[n++] = newRoots[i];
    }
    return java.util.Arrays.copyOf(out, n);
  }
}
