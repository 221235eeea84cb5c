package io.cairn.protocol.hypercore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The writer of one core: appends blocks, truncates, and signs the new tree after each change.
 * Every node it computes goes into the {@link TreeStore}, so proofs never re-hash blocks. The
 * block bytes themselves are the caller's to keep. Not thread-safe.
 */
public final class CoreWriter {
  private final CoreKeyPair keyPair;
  private final CoreIdentity identity;
  private final TreeStore store;
  private final MerkleHasher hasher = new MerkleHasher();
  private final ArrayList<TreeNode> roots = new ArrayList<>();
  private TreeHead head;

  private CoreWriter(CoreKeyPair keyPair, CoreIdentity identity, TreeStore store) {
    if (identity.isCompat()
        ? !Arrays.equals(identity.key(), keyPair.publicKey())
        : !Arrays.equals(identity.manifest().signers().get(0).publicKey(), keyPair.publicKey())) {
      throw new IllegalArgumentException("the key pair is not the core's signer");
    }
    this.keyPair = keyPair;
    this.identity = identity;
    this.store = store;
    this.head = TreeHead.EMPTY;
  }

  /** A new, empty Hypercore 11 default core (single-signer manifest) for {@code keyPair}. */
  public static CoreWriter create(CoreKeyPair keyPair, TreeStore store) {
    return new CoreWriter(keyPair, CoreIdentity.ofPublicKey(keyPair.publicKey()), store);
  }

  /** A new, empty compat-mode (Hypercore 10) core whose key is the public key. */
  public static CoreWriter createCompat(CoreKeyPair keyPair, TreeStore store) {
    return new CoreWriter(keyPair, CoreIdentity.compat(keyPair.publicKey()), store);
  }

  public CoreIdentity identity() {
    return identity;
  }

  /** The tree as of the last append or truncation, with its signature. */
  public TreeHead head() {
    return head;
  }

  public TreeStore store() {
    return store;
  }

  /** Appends one block and signs the new length. */
  public TreeHead append(byte[] block) {
    return append(List.of(block));
  }

  /**
   * Appends the blocks in order and signs once, for the final length only: the intermediate
   * lengths of a batch are never signed (as in Hypercore's batched append).
   */
  public TreeHead append(List<byte[]> blocks) {
    if (blocks.isEmpty()) {
      return head;
    }
    long length = head.length();
    if (length + blocks.size() > FlatTree.MAX_LENGTH) {
      throw new IllegalStateException("core would exceed " + FlatTree.MAX_LENGTH + " blocks");
    }
    for (byte[] block : blocks) {
      TreeNode node = hasher.leaf(length++, block);
      store.put(node);
      // The new leaf merges with the last root for as long as that root is its left sibling.
      while (!roots.isEmpty()
          && roots.get(roots.size() - 1).index() == FlatTree.sibling(node.index())) {
        node = hasher.parent(roots.remove(roots.size() - 1), node);
        store.put(node);
      }
      roots.add(node);
    }
    return sign(head.fork(), length);
  }

  /**
   * Cuts the core to {@code newLength} blocks, raises the fork id by one and signs the result. The
   * new roots are already-stored nodes of the old tree; no block is re-hashed.
   */
  public TreeHead truncate(long newLength) {
    if (newLength < 0 || newLength > head.length()) {
      throw new IllegalArgumentException(
          "cannot truncate length " + head.length() + " to " + newLength);
    }
    long[] indexes = FlatTree.fullRoots(newLength);
    List<TreeNode> kept = new ArrayList<>(indexes.length);
    for (long index : indexes) {
      kept.add(require(store, index));
    }
    store.truncate(newLength);
    roots.clear();
    roots.addAll(kept);
    return sign(head.fork() + 1, newLength);
  }

  private TreeHead sign(long fork, long length) {
    byte[] signable = identity.signable(hasher.treeHash(roots), length, fork);
    head = new TreeHead(fork, length, roots, identity.storedSignature(keyPair.sign(signable)));
    return head;
  }

  static TreeNode require(TreeStore store, long index) {
    TreeNode node = store.get(index);
    if (node == null) {
      throw new IllegalStateException("tree store lacks node " + index);
    }
    return node;
  }
}
