package io.cairn.protocol.hypercore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Merkle tree of one core as its holder keeps it: every node in a {@link TreeStore}, the
 * current roots, and the signed head. The writer grows it and signs; a node that stores cores for
 * others checks a writer's signed batch against it before accepting anything. Not thread-safe.
 */
public final class CoreTree {
  /**
   * What appending some blocks adds: the nodes each block completes (its leaf, then the parents it
   * closes, bottom-up) and the head of the longer tree, signed or not yet.
   */
  public record Growth(long start, List<List<TreeNode>> nodesPerBlock, TreeHead head) {
    public Growth {
      nodesPerBlock = List.copyOf(nodesPerBlock);
    }

    Growth signed(byte[] signature) {
      return new Growth(
          start, nodesPerBlock, new TreeHead(head.fork(), head.length(), head.roots(), signature));
    }
  }

  private final CoreIdentity identity;
  private final TreeStore store;
  private final MerkleHasher hasher = new MerkleHasher();
  private TreeHead head;

  private CoreTree(CoreIdentity identity, TreeStore store, TreeHead head) {
    this.identity = identity;
    this.store = store;
    this.head = head;
  }

  public static CoreTree empty(CoreIdentity identity, TreeStore store) {
    return new CoreTree(identity, store, TreeHead.EMPTY);
  }

  /** A tree whose nodes are already in {@code store} and whose last signed head is {@code head}. */
  public static CoreTree restore(CoreIdentity identity, TreeStore store, TreeHead head) {
    return new CoreTree(identity, store, head);
  }

  public CoreIdentity identity() {
    return identity;
  }

  public TreeHead head() {
    return head;
  }

  public TreeStore store() {
    return store;
  }

  /**
   * The nodes and unsigned head that appending {@code blocks} would give. Only the current roots
   * are read: a new leaf merges with the last root for as long as that root is its left sibling.
   * Nothing changes until {@link #apply}.
   */
  public Growth grow(List<byte[]> blocks) {
    long length = head.length();
    if (length + blocks.size() > FlatTree.MAX_LENGTH) {
      throw new IllegalArgumentException("core would exceed " + FlatTree.MAX_LENGTH + " blocks");
    }
    ArrayList<TreeNode> roots = new ArrayList<>(head.roots());
    List<List<TreeNode>> nodesPerBlock = new ArrayList<>(blocks.size());
    for (byte[] block : blocks) {
      List<TreeNode> added = new ArrayList<>(2);
      TreeNode node = hasher.leaf(length++, block);
      added.add(node);
      while (!roots.isEmpty()
          && roots.get(roots.size() - 1).index() == FlatTree.sibling(node.index())) {
        node = hasher.parent(roots.remove(roots.size() - 1), node);
        added.add(node);
      }
      roots.add(node);
      nodesPerBlock.add(added);
    }
    return new Growth(head.length(), nodesPerBlock, new TreeHead(head.fork(), length, roots, null));
  }

  /** The bytes the core's signers sign for {@code head}: its tree hash, length and fork. */
  public byte[] signable(TreeHead unsigned) {
    return identity.signable(hasher.treeHash(unsigned.roots()), unsigned.length(), unsigned.fork());
  }

  /**
   * Checks a batch another party signed: it must continue this tree at its length and fork, any
   * roots it names must be the ones its blocks give, and the signature must be the core's over the
   * resulting tree. On success the result carries the growth to {@link #apply}.
   */
  public Check check(SignedBatch batch) {
    long fork = batch.fork();
    long start = batch.start();
    List<byte[]> blocks = batch.blocks();
    if (fork != head.fork()) {
      return new Check.Refused(
          RejectReason.FORK_MISMATCH,
          "batch is for fork " + fork + " but the core is at fork " + head.fork());
    }
    if (start != head.length()) {
      return new Check.Refused(
          RejectReason.UPGRADE_START_MISMATCH,
          "batch starts at block " + start + " but the core has " + head.length() + " blocks");
    }
    if (blocks.isEmpty()) {
      return new Check.Refused(RejectReason.INVALID_LENGTH, "batch has no blocks");
    }
    if (head.length() + blocks.size() > FlatTree.MAX_LENGTH) {
      return new Check.Refused(
          RejectReason.INVALID_LENGTH, "core would exceed " + FlatTree.MAX_LENGTH + " blocks");
    }
    Growth growth = grow(blocks);
    if (!batch.roots().isEmpty() && !sameNodes(batch.roots(), growth.head().roots())) {
      return new Check.Refused(
          RejectReason.HASH_MISMATCH, "the batch's roots are not the ones its blocks hash to");
    }
    RejectReason invalid = identity.verify(signable(growth.head()), batch.signature());
    if (invalid != null) {
      return new Check.Refused(
          invalid,
          "the signature does not sign length "
              + growth.head().length()
              + " of this core with these blocks");
    }
    return new Check.Accepted(growth.signed(batch.signature()));
  }

  /** Outcome of {@link #check}. */
  public sealed interface Check {
    record Accepted(Growth growth) implements Check {}

    record Refused(RejectReason reason, String message) implements Check {}
  }

  /**
   * Makes {@code growth} part of the tree. It must come from this tree's {@link #grow} or {@link
   * #check}.
   */
  public void apply(Growth growth) {
    if (growth.start() != head.length()) {
      throw new IllegalStateException(
          "growth starts at " + growth.start() + " but the tree has " + head.length() + " blocks");
    }
    for (List<TreeNode> nodes : growth.nodesPerBlock()) {
      for (TreeNode node : nodes) {
        store.put(node);
      }
    }
    head = growth.head();
  }

  /**
   * The unsigned head of this tree cut to {@code newLength} blocks on the next fork. Its roots are
   * stored nodes of the current tree; no block is re-hashed. Nothing changes until {@link #cut}.
   */
  public TreeHead truncated(long newLength) {
    if (newLength < 0 || newLength > head.length()) {
      throw new IllegalArgumentException(
          "cannot truncate length " + head.length() + " to " + newLength);
    }
    long[] indexes = FlatTree.fullRoots(newLength);
    List<TreeNode> kept = new ArrayList<>(indexes.length);
    for (long index : indexes) {
      kept.add(store.require(index));
    }
    return new TreeHead(head.fork() + 1, newLength, kept, null);
  }

  /**
   * Makes a signed truncation from {@link #truncated} the tree's head, forgetting the cut nodes.
   */
  public void cut(TreeHead signedTruncation) {
    store.truncate(signedTruncation.length());
    head = signedTruncation;
  }

  private static boolean sameNodes(List<TreeNode> a, List<TreeNode> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      TreeNode x = a.get(i);
      TreeNode y = b.get(i);
      if (x.index() != y.index() || x.size() != y.size() || !Arrays.equals(x.hash(), y.hash())) {
        return false;
      }
    }
    return true;
  }
}
