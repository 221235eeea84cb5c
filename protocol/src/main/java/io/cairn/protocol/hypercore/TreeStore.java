package io.cairn.protocol.hypercore;

/**
 * Where the nodes of one core's Merkle tree live, by flat index. A writer puts every node it
 * computes; a proof builder reads them back instead of re-hashing blocks; a verifier may consult it
 * for nodes it already trusts. Implementations need not be thread-safe.
 */
public interface TreeStore {
  /** The node at {@code index}, or {@code null} if it is not stored. */
  TreeNode get(long index);

  /** The node at {@code index}, which a tree of the length the caller holds must have. */
  default TreeNode require(long index) {
    TreeNode node = get(index);
    if (node == null) {
      throw new IllegalStateException("tree store lacks node " + index);
    }
    return node;
  }

  /** Stores {@code node}, replacing any node with the same index. */
  void put(TreeNode node);

  /**
   * Forgets every node that covers block {@code length} or later, including the parents whose span
   * crosses the new end, because after a truncation they describe blocks that no longer exist.
   */
  void truncate(long length);
}
