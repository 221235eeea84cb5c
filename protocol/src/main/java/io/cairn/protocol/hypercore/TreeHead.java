package io.cairn.protocol.hypercore;

import java.util.Arrays;
import java.util.List;

/**
 * A tree at one signed length: what a writer has after an append, and what a verifier trusts after
 * an upgrade. The signature array is not copied; nobody may write into it.
 *
 * @param fork fork id (raised by every truncation)
 * @param length number of blocks
 * @param roots {@link FlatTree#fullRoots(long) the roots of length}, left to right
 * @param signature the stored signature form for (roots, length, fork), or {@code null} for the
 *     unsigned empty tree
 */
public record TreeHead(long fork, long length, List<TreeNode> roots, byte[] signature) {
  /** The empty, unsigned tree at fork 0, where a fresh verifier starts. */
  public static final TreeHead EMPTY = new TreeHead(0, 0, List.of(), null);

  public TreeHead {
    roots = List.copyOf(roots);
    if (fork < 0 || length < 0 || roots.size() != Long.bitCount(length)) {
      throw new IllegalArgumentException(
          "fork " + fork + ", length " + length + " with " + roots.size() + " roots");
    }
  }

  /** Total byte length of the blocks: the sum of the root sizes. */
  public long byteLength() {
    long total = 0;
    for (TreeNode root : roots) {
      total += root.size();
    }
    return total;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TreeHead h
        && h.fork == fork
        && h.length == length
        && h.roots.equals(roots)
        && Arrays.equals(h.signature, signature);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(length) * 31 + roots.hashCode();
  }
}
