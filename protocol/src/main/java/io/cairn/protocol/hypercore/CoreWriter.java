package io.cairn.protocol.hypercore;

import java.util.Arrays;
import java.util.List;

/**
 * The writer of one core: appends blocks, truncates, and signs the new tree after each change.
 * Every node it computes goes into the {@link TreeStore}, so proofs never re-hash blocks. The block
 * bytes themselves are the caller's to keep. Not thread-safe.
 */
public final class CoreWriter {
  private final CoreKeyPair keyPair;
  private final CoreTree tree;

  private CoreWriter(CoreKeyPair keyPair, CoreIdentity identity, TreeStore store) {
    this(keyPair, CoreTree.empty(identity, store));
  }

  private CoreWriter(CoreKeyPair keyPair, CoreTree tree) {
    CoreIdentity identity = tree.identity();
    if (identity.isCompat()
        ? !Arrays.equals(identity.key(), keyPair.publicKey())
        : !Arrays.equals(identity.manifest().signers().get(0).publicKey(), keyPair.publicKey())) {
      throw new IllegalArgumentException("the key pair is not the core's signer");
    }
    this.keyPair = keyPair;
    this.tree = tree;
  }

  /** A new, empty Hypercore 11 default core (single-signer manifest) for {@code keyPair}. */
  public static CoreWriter create(CoreKeyPair keyPair, TreeStore store) {
    return new CoreWriter(keyPair, CoreIdentity.ofPublicKey(keyPair.publicKey()), store);
  }

  /** A new, empty compat-mode (Hypercore 10) core whose key is the public key. */
  public static CoreWriter createCompat(CoreKeyPair keyPair, TreeStore store) {
    return new CoreWriter(keyPair, CoreIdentity.compat(keyPair.publicKey()), store);
  }

  /**
   * Continues a core whose signed head is {@code head}, for example as a node that stores the core
   * reports it. Appending needs only the head's roots; truncating needs the nodes it cuts back to,
   * so it works only for nodes that are in {@code store}.
   */
  public static CoreWriter resume(
      CoreKeyPair keyPair, CoreIdentity identity, TreeStore store, TreeHead head) {
    return new CoreWriter(keyPair, CoreTree.restore(identity, store, head));
  }

  public CoreIdentity identity() {
    return tree.identity();
  }

  /** The tree as of the last append or truncation, with its signature. */
  public TreeHead head() {
    return tree.head();
  }

  public TreeStore store() {
    return tree.store();
  }

  /** Appends one block and signs the new length. */
  public TreeHead append(byte[] block) {
    return append(List.of(block));
  }

  /**
   * Appends the blocks in order and signs once, for the final length only: the intermediate lengths
   * of a batch are never signed (as in Hypercore's batched append).
   */
  public TreeHead append(List<byte[]> blocks) {
    if (blocks.isEmpty()) {
      return tree.head();
    }
    if (tree.head().length() + blocks.size() > FlatTree.MAX_LENGTH) {
      throw new IllegalStateException("core would exceed " + FlatTree.MAX_LENGTH + " blocks");
    }
    CoreTree.Growth growth = tree.grow(blocks);
    tree.apply(growth.signed(sign(growth.head())));
    return tree.head();
  }

  /**
   * Cuts the core to {@code newLength} blocks, raises the fork id by one and signs the result. The
   * new roots are already-stored nodes of the old tree; no block is re-hashed.
   */
  public TreeHead truncate(long newLength) {
    TreeHead unsigned = tree.truncated(newLength);
    tree.cut(new TreeHead(unsigned.fork(), unsigned.length(), unsigned.roots(), sign(unsigned)));
    return tree.head();
  }

  private byte[] sign(TreeHead unsigned) {
    return tree.identity().storedSignature(keyPair.sign(tree.signable(unsigned)));
  }
}
