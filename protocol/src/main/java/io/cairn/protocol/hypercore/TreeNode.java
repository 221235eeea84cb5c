package io.cairn.protocol.hypercore;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One node of the Merkle tree: its flat index, the byte length of the blocks under it, and its
 * 32-byte hash. The hash array is not copied, so that proofs and stores can pass nodes around
 * without allocating; nobody may write into it after construction.
 */
public record TreeNode(long index, long size, byte[] hash) {
  public TreeNode {
    if (index < 0 || size < 0) {
      throw new IllegalArgumentException("negative index or size: " + index + ", " + size);
    }
    if (hash == null || hash.length != Blake2b.HASH_LENGTH) {
      throw new IllegalArgumentException("a node hash has 32 bytes");
    }
  }

  /** Whether {@code other} has the same index, size and hash. */
  @Override
  public boolean equals(Object other) {
    return other instanceof TreeNode node
        && node.index == index
        && node.size == size
        && Arrays.equals(node.hash, hash);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(index) * 31 + Arrays.hashCode(hash);
  }

  @Override
  public String toString() {
    return "TreeNode[" + index + ", size " + size + ", " + HexFormat.of().formatHex(hash) + "]";
  }
}
