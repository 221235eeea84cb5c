package io.cairn.protocol.hypercore;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds proofs from stored nodes only: nothing is re-hashed. The caller supplies the block bytes
 * (blocks are stored outside the tree). Stateless apart from the store, so it is as thread-safe as
 * the store.
 */
public final class ProofBuilder {
  private final TreeStore store;

  public ProofBuilder(TreeStore store) {
    this.store = store;
  }

  /**
   * The proof Hypercore's {@code core.proof(request)} returns for {@code head}, with the upgrade
   * signed at {@code head.length()}.
   *
   * @param blockValue the bytes of the requested block; ignored without a block request
   * @throws IllegalArgumentException if the request does not fit the tree
   */
  public Proof build(TreeHead head, ProofRequest request, byte[] blockValue) {
    ProofRequest.Upgrade upgrade = request.upgrade();
    long from = 0;
    long to = head.length();
    if (upgrade != null) {
      from = upgrade.start();
      to = from + upgrade.length();
      if (upgrade.length() <= 0 || from < 0 || to > head.length()) {
        throw new IllegalArgumentException(
            "cannot upgrade " + from + "+" + upgrade.length() + " at length " + head.length());
      }
    }
    long[] upgradeIndexes = upgrade == null ? new long[0] : FlatTree.upgradeNodes(from, to);

    Proof.Block block = null;
    long rebuilt = -1;
    ProofRequest.Block wanted = request.block();
    if (wanted != null) {
      if (blockValue == null || wanted.index() < 0 || wanted.index() >= to) {
        throw new IllegalArgumentException("block " + wanted.index() + " not in length " + to);
      }
      long leaf = 2 * wanted.index();
      List<TreeNode> nodes = new ArrayList<>();
      if (upgrade == null || wanted.index() < from) {
        uncles(leaf, wanted.nodes(), to, nodes);
      } else {
        rebuilt = covering(upgradeIndexes, leaf);
        for (long node = leaf; node != rebuilt; node = FlatTree.parent(node)) {
          nodes.add(store.require(FlatTree.sibling(node)));
        }
      }
      block = new Proof.Block(wanted.index(), blockValue, nodes);
    }

    Proof.Upgrade upgradePart = null;
    if (upgrade != null) {
      List<TreeNode> nodes = new ArrayList<>(upgradeIndexes.length);
      for (long index : upgradeIndexes) {
        if (index != rebuilt) {
          nodes.add(store.require(index));
        }
      }
      List<TreeNode> additional = new ArrayList<>();
      for (long index : FlatTree.upgradeNodes(to, head.length())) {
        additional.add(store.require(index));
      }
      upgradePart = new Proof.Upgrade(from, upgrade.length(), nodes, additional, head.signature());
    }
    return new Proof(head.fork(), block, upgradePart);
  }

  /**
   * One proof for the consecutive blocks {@code start .. start + values.size() - 1} of {@code
   * head}: every subtree of the roots that lies wholly outside the range, in depth-first left to
   * right order, plus the signature.
   */
  public RangeProof buildRange(TreeHead head, long start, List<byte[]> values) {
    long end = start + values.size();
    if (values.isEmpty() || start < 0 || end > head.length()) {
      throw new IllegalArgumentException(
          "range " + start + "+" + values.size() + " not in length " + head.length());
    }
    List<TreeNode> nodes = new ArrayList<>();
    for (long root : FlatTree.fullRoots(head.length())) {
      collectOutside(root, 2 * start, 2 * end - 2, nodes);
    }
    return new RangeProof(head.fork(), head.length(), start, values, nodes, head.signature());
  }

  private void collectOutside(long index, long firstLeaf, long lastLeaf, List<TreeNode> out) {
    long left = FlatTree.leftSpan(index);
    long right = FlatTree.rightSpan(index);
    if (right < firstLeaf || left > lastLeaf) {
      out.add(store.require(index));
    } else if (left < firstLeaf || right > lastLeaf) {
      collectOutside(FlatTree.leftChild(index), firstLeaf, lastLeaf, out);
      collectOutside(FlatTree.rightChild(index), firstLeaf, lastLeaf, out);
    }
  }

  private void uncles(long leaf, int count, long length, List<TreeNode> out) {
    long node = leaf;
    for (int i = 0; i < count; i++) {
      long parent = FlatTree.parent(node);
      if (FlatTree.rightSpan(parent) >= 2 * length) {
        throw new IllegalArgumentException(count + " nodes reach past the roots of " + length);
      }
      out.add(store.require(FlatTree.sibling(node)));
      node = parent;
    }
  }

  private static long covering(long[] indexes, long leaf) {
    for (long index : indexes) {
      if (FlatTree.covers(index, leaf)) {
        return index;
      }
    }
    throw new IllegalStateException("no upgrade node covers leaf " + leaf);
  }
}
