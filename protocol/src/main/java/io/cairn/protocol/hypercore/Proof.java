package io.cairn.protocol.hypercore;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A Hypercore proof, as in the body of the replication {@code data} message: a block with the
 * uncles that connect it to a root, and/or an upgrade with the nodes that build the signed roots.
 * Arrays are not copied; nobody may write into them.
 *
 * @param fork the fork id of the tree the proof comes from
 * @param block the block part, or {@code null}
 * @param upgrade the upgrade part, or {@code null}
 */
public record Proof(long fork, Block block, Upgrade upgrade) {
  public Proof {
    nonNegative(fork, "fork");
  }

  /**
   * @param index block index
   * @param value the block bytes
   * @param nodes uncles of the leaf, bottom-up: the leaf's sibling, then its parent's sibling, and
   *     so on; the node they build is left out
   */
  public record Block(long index, byte[] value, List<TreeNode> nodes) {
    public Block {
      nonNegative(index, "block index");
      nodes = List.copyOf(nodes);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Block b
          && b.index == index
          && Arrays.equals(b.value, value)
          && b.nodes.equals(nodes);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(index) * 31 + nodes.hashCode();
    }

    @Override
    public String toString() {
      return "Block[" + index + ", " + value.length + " bytes, nodes " + nodes + "]";
    }
  }

  /**
   * @param start the length the receiver already trusts
   * @param length the number of blocks the upgrade adds
   * @param nodes {@link FlatTree#upgradeNodes(long, long) upgrade nodes} from start to start +
   *     length, minus the one the block rebuilds
   * @param additionalNodes upgrade nodes from start + length to the signed length (empty when those
   *     are equal)
   * @param signature the stored signature form for the signed length
   */
  public record Upgrade(
      long start,
      long length,
      List<TreeNode> nodes,
      List<TreeNode> additionalNodes,
      byte[] signature) {
    public Upgrade {
      nonNegative(start, "upgrade start");
      nonNegative(length, "upgrade length");
      nodes = List.copyOf(nodes);
      additionalNodes = List.copyOf(additionalNodes);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Upgrade u
          && u.start == start
          && u.length == length
          && u.nodes.equals(nodes)
          && u.additionalNodes.equals(additionalNodes)
          && Arrays.equals(u.signature, signature);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(start + length) * 31 + nodes.hashCode();
    }

    @Override
    public String toString() {
      return "Upgrade["
          + start
          + "+"
          + length
          + ", nodes "
          + nodes
          + ", additional "
          + additionalNodes
          + ", signature "
          + (signature == null ? "none" : HexFormat.of().formatHex(signature))
          + "]";
    }
  }

  private static void nonNegative(long value, String what) {
    if (value < 0) {
      throw new IllegalArgumentException(what + " cannot be negative: " + value);
    }
  }
}
