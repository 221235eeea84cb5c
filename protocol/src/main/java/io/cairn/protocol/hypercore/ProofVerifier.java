package io.cairn.protocol.hypercore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks proofs for one core, holding only its identity (core key and manifest). It never trusts a
 * node it cannot connect to a signature or to the {@link TreeHead} it is given, and it reports the
 * first failed check as a {@link RejectReason}.
 *
 * <p>A caller that keeps the accepted {@link TreeHead} gets the cheap path afterwards: block proofs
 * against a trusted head only hash (no Ed25519), and a {@link RangeProof} at the trusted length is
 * compared with the trusted roots instead of its signature.
 *
 * <p>Not thread-safe (it reuses one hasher and remembers the last signature it verified); use one
 * verifier per thread.
 */
public final class ProofVerifier {
  private static final int MAX_DEPTH = 62;

  private final CoreIdentity identity;
  private final MerkleHasher hasher = new MerkleHasher();
  // The last signable whose signature verified, and that signature; null before the first.
  private byte[] verifiedSignable;
  private byte[] verifiedSignature;

  public ProofVerifier(CoreIdentity identity) {
    this.identity = identity;
  }

  /** {@link #verify(Proof, TreeHead, TreeStore)} with no trusted nodes beyond the head's roots. */
  public VerificationResult verify(Proof proof, TreeHead trusted) {
    return verify(proof, trusted, null);
  }

  /** Decodes a Hypercore {@code data} message body and verifies its proof. */
  public VerificationResult verifyEncoded(byte[] dataMessage, TreeHead trusted) {
    Proof proof;
    try {
      proof = DataMessage.decode(dataMessage).proof();
    } catch (IllegalArgumentException e) { // MalformedEncodingException or a record invariant
      return new VerificationResult.Rejected(RejectReason.MALFORMED, e.getMessage());
    }
    return verify(proof, trusted);
  }

  /**
   * Verifies {@code proof} against what the receiver already trusts.
   *
   * <p>The block's leaf is folded with its uncles. Without an upgrade, the node it reaches must be
   * a root of {@code trusted} or a node of {@code trustedNodes}. With an upgrade, the receiver's
   * roots ({@code trusted}'s, or none for a new fork, which must start at 0) are grown with the
   * upgrade nodes, where the block's node stands in for the one it rebuilt; the additional nodes
   * then extend the roots to the signed length, whose tree hash and signature are checked.
   *
   * @param trusted the tree the receiver has verified ({@link TreeHead#EMPTY} for none)
   * @param trustedNodes nodes the receiver has verified before, or {@code null}
   */
  public VerificationResult verify(Proof proof, TreeHead trusted, TreeStore trustedNodes) {
    try {
      return new VerificationResult.Accepted(check(proof, trusted, trustedNodes));
    } catch (Rejection r) {
      return new VerificationResult.Rejected(r.reason, r.getMessage());
    } catch (IllegalArgumentException malformed) {
      // a hostile node value (a size that overflows, a hash of the wrong length) is bad input too
      return new VerificationResult.Rejected(RejectReason.MALFORMED, malformed.getMessage());
    }
  }

  /**
   * Verifies a range proof. At the trusted fork and length the rebuilt roots must equal the trusted
   * ones; otherwise the proof's signature must sign them.
   */
  public VerificationResult verifyRange(RangeProof proof, TreeHead trusted) {
    try {
      long end = proof.start() + proof.values().size();
      if (proof.length() <= 0 || proof.length() > FlatTree.MAX_LENGTH) {
        throw new Rejection(RejectReason.INVALID_LENGTH, "length " + proof.length());
      }
      if (proof.values().isEmpty() || proof.start() < 0 || end > proof.length()) {
        throw new Rejection(
            RejectReason.BLOCK_OUT_OF_RANGE,
            "range " + proof.start() + "+" + proof.values().size() + " at " + proof.length());
      }
      RangeCursor cursor = new RangeCursor(proof);
      List<TreeNode> roots = new ArrayList<>();
      for (long root : FlatTree.fullRoots(proof.length())) {
        roots.add(rebuild(root, cursor));
      }
      if (cursor.next != proof.nodes().size()) {
        throw new Rejection(RejectReason.EXTRA_NODES, "range nodes left over");
      }
      if (proof.fork() == trusted.fork() && proof.length() == trusted.length()) {
        if (!roots.equals(trusted.roots())) {
          throw new Rejection(RejectReason.HASH_MISMATCH, "roots differ from the trusted roots");
        }
        return new VerificationResult.Accepted(trusted);
      }
      checkSignature(roots, proof.length(), proof.fork(), proof.signature());
      return new VerificationResult.Accepted(
          new TreeHead(proof.fork(), proof.length(), roots, proof.signature()));
    } catch (Rejection r) {
      return new VerificationResult.Rejected(r.reason, r.getMessage());
    } catch (IllegalArgumentException malformed) {
      // a hostile node value (a size that overflows, a hash of the wrong length) is bad input too
      return new VerificationResult.Rejected(RejectReason.MALFORMED, malformed.getMessage());
    }
  }

  private TreeHead check(Proof proof, TreeHead trusted, TreeStore trustedNodes) {
    Proof.Block block = proof.block();
    Proof.Upgrade upgrade = proof.upgrade();
    if (block == null && upgrade == null) {
      throw new Rejection(RejectReason.EMPTY_PROOF, "neither block nor upgrade");
    }
    if (upgrade == null) {
      if (proof.fork() != trusted.fork()) {
        throw new Rejection(
            RejectReason.FORK_MISMATCH, "fork " + proof.fork() + ", trusted " + trusted.fork());
      }
      if (block.index() >= trusted.length()) {
        throw new Rejection(
            RejectReason.BLOCK_OUT_OF_RANGE,
            "block " + block.index() + " at trusted length " + trusted.length());
      }
      checkTrusted(fold(block), trusted, trustedNodes);
      return trusted;
    }

    List<TreeNode> base;
    if (proof.fork() == trusted.fork()) {
      if (upgrade.start() != trusted.length()) {
        throw new Rejection(
            RejectReason.UPGRADE_START_MISMATCH,
            "upgrade starts at " + upgrade.start() + ", trusted length " + trusted.length());
      }
      base = trusted.roots();
    } else if (proof.fork() < trusted.fork()) {
      throw new Rejection(
          RejectReason.STALE_FORK,
          "fork " + proof.fork() + " older than trusted " + trusted.fork());
    } else {
      if (upgrade.start() != 0) {
        throw new Rejection(
            RejectReason.UPGRADE_START_MISMATCH,
            "a new fork must be proven from 0, not " + upgrade.start());
      }
      base = List.of();
    }
    if (upgrade.length() == 0 || upgrade.length() > FlatTree.MAX_LENGTH - upgrade.start()) {
      throw new Rejection(RejectReason.INVALID_LENGTH, "upgrade length " + upgrade.length());
    }
    long to = upgrade.start() + upgrade.length();

    TreeNode blockNode = null;
    if (block != null) {
      if (block.index() >= to) {
        throw new Rejection(
            RejectReason.BLOCK_OUT_OF_RANGE, "block " + block.index() + " beyond upgrade to " + to);
      }
      TreeNode top = fold(block);
      if (block.index() < upgrade.start()) {
        checkTrusted(top, trusted, trustedNodes);
      } else {
        blockNode = top;
      }
    }

    ArrayList<TreeNode> roots = new ArrayList<>(base.size() + 8);
    roots.addAll(base);
    List<TreeNode> nodes = upgrade.nodes();
    int next = 0;
    for (long index : FlatTree.upgradeNodes(upgrade.start(), to)) {
      TreeNode node;
      if (blockNode != null && blockNode.index() == index) {
        node = blockNode;
        blockNode = null;
      } else {
        if (next == nodes.size()) {
          throw new Rejection(RejectReason.MISSING_NODE, "upgrade lacks node " + index);
        }
        node = nodes.get(next++);
        if (node.index() != index) {
          throw new Rejection(
              RejectReason.UNEXPECTED_NODE,
              "upgrade node " + node.index() + " where " + index + " belongs");
        }
      }
      push(roots, node);
    }
    if (next != nodes.size()) {
      throw new Rejection(RejectReason.EXTRA_NODES, (nodes.size() - next) + " upgrade nodes extra");
    }
    if (blockNode != null) {
      throw new Rejection(
          RejectReason.BLOCK_NOT_CONNECTED,
          "block path ends at " + blockNode.index() + ", which the upgrade does not use");
    }

    long length = to;
    for (TreeNode node : upgrade.additionalNodes()) {
      long last = roots.get(roots.size() - 1).index();
      long edge = FlatTree.rightSpan(last) + 2;
      // The next node starts where the tree ends and is no taller than the last root: it is that
      // root's sibling (and merges) or a smaller new root to its right.
      if (node.index() > 4 * FlatTree.MAX_LENGTH
          || FlatTree.leftSpan(node.index()) != edge
          || FlatTree.depth(node.index()) > FlatTree.depth(last)) {
        throw new Rejection(
            RejectReason.UNEXPECTED_NODE,
            "additional node " + node.index() + " does not continue the tree at " + edge);
      }
      push(roots, node);
      length = (FlatTree.rightSpan(node.index()) + 2) / 2;
    }
    if (length > FlatTree.MAX_LENGTH) {
      throw new Rejection(RejectReason.INVALID_LENGTH, "signed length " + length);
    }
    checkSignature(roots, length, proof.fork(), upgrade.signature());
    return new TreeHead(proof.fork(), length, roots, upgrade.signature());
  }

  /**
   * Checks the signature over the tree of {@code roots}. The last signable and signature that
   * passed are kept: the same pair again (the same upgrade sent twice, or by several peers) is
   * accepted without another Ed25519 verification, since it would give the same answer.
   */
  private void checkSignature(List<TreeNode> roots, long length, long fork, byte[] signature) {
    byte[] signable = identity.signable(hasher.treeHash(roots), length, fork);
    if (Arrays.equals(signable, verifiedSignable) && Arrays.equals(signature, verifiedSignature)) {
      return;
    }
    RejectReason reason = identity.verify(signable, signature);
    if (reason != null) {
      throw new Rejection(reason, "signature for length " + length + " at fork " + fork);
    }
    verifiedSignable = signable;
    verifiedSignature = signature.clone();
  }

  /**
   * Hashes the block and folds in its uncles, each the sibling of the node built so far. The path
   * is hashed in one buffer; only the top node is built.
   */
  private TreeNode fold(Proof.Block block) {
    List<TreeNode> uncles = block.nodes();
    if (uncles.size() > MAX_DEPTH) {
      throw new Rejection(RejectReason.UNEXPECTED_NODE, uncles.size() + " uncles is too many");
    }
    long index = 2 * block.index();
    long size = block.value().length;
    byte[] hash = new byte[Blake2b.HASH_LENGTH];
    hasher.leafHash(block.value(), hash);
    for (int i = 0; i < uncles.size(); i++) {
      TreeNode uncle = uncles.get(i);
      long expected = FlatTree.sibling(index);
      if (uncle.index() != expected) {
        throw new Rejection(
            RejectReason.UNEXPECTED_NODE,
            "block node " + uncle.index() + " where sibling " + expected + " belongs");
      }
      size += uncle.size();
      if (size < 0) {
        throw new Rejection(RejectReason.MALFORMED, "node sizes add up past 2^63 bytes");
      }
      if (expected < index) {
        hasher.parentHash(uncle.hash(), hash, size, hash);
      } else {
        hasher.parentHash(hash, uncle.hash(), size, hash);
      }
      index = FlatTree.parent(index);
    }
    return new TreeNode(index, size, hash);
  }

  private static void checkTrusted(TreeNode node, TreeHead trusted, TreeStore trustedNodes) {
    TreeNode known = null;
    for (TreeNode root : trusted.roots()) {
      if (root.index() == node.index()) {
        known = root;
        break;
      }
    }
    if (known == null && trustedNodes != null) {
      known = trustedNodes.get(node.index());
    }
    if (known == null) {
      throw new Rejection(
          RejectReason.BLOCK_NOT_CONNECTED, "block path ends at untrusted node " + node.index());
    }
    if (!known.equals(node)) {
      throw new Rejection(
          RejectReason.HASH_MISMATCH, "block path rebuilds node " + node.index() + " differently");
    }
  }

  /** Appends a root and merges it with its left neighbour for as long as they are siblings. */
  private void push(ArrayList<TreeNode> roots, TreeNode node) {
    TreeNode top = node;
    while (!roots.isEmpty()
        && roots.get(roots.size() - 1).index() == FlatTree.sibling(top.index())) {
      top = hasher.parent(roots.remove(roots.size() - 1), top);
    }
    roots.add(top);
  }

  private TreeNode rebuild(long index, RangeCursor cursor) {
    long left = FlatTree.leftSpan(index);
    long right = FlatTree.rightSpan(index);
    if (right < cursor.firstLeaf || left > cursor.lastLeaf) {
      List<TreeNode> nodes = cursor.proof.nodes();
      if (cursor.next == nodes.size()) {
        throw new Rejection(RejectReason.MISSING_NODE, "range lacks node " + index);
      }
      TreeNode node = nodes.get(cursor.next++);
      if (node.index() != index) {
        throw new Rejection(
            RejectReason.UNEXPECTED_NODE,
            "range node " + node.index() + " where " + index + " belongs");
      }
      return node;
    }
    if (FlatTree.depth(index) == 0) {
      long block = index / 2;
      return hasher.leaf(block, cursor.proof.values().get((int) (block - cursor.proof.start())));
    }
    TreeNode leftNode = rebuild(FlatTree.leftChild(index), cursor);
    return hasher.parent(leftNode, rebuild(FlatTree.rightChild(index), cursor));
  }

  private static final class RangeCursor {
    final RangeProof proof;
    final long firstLeaf;
    final long lastLeaf;
    int next;

    RangeCursor(RangeProof proof) {
      this.proof = proof;
      this.firstLeaf = 2 * proof.start();
      this.lastLeaf = 2 * (proof.start() + proof.values().size()) - 2;
    }
  }

  /** Control flow for a failed check; carries no stack trace because it is expected. */
  private static final class Rejection extends RuntimeException {
    final RejectReason reason;

    Rejection(RejectReason reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
    }
  }
}
