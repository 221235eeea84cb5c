package io.cairn.client;

import io.cairn.protocol.api.v1.CoreInfo;
import io.cairn.protocol.hypercore.CoreIdentity;
import io.cairn.protocol.hypercore.Proof;
import io.cairn.protocol.hypercore.ProofProtos;
import io.cairn.protocol.hypercore.ProofVerifier;
import io.cairn.protocol.hypercore.RangeProof;
import io.cairn.protocol.hypercore.RejectReason;
import io.cairn.protocol.hypercore.TreeHead;
import io.cairn.protocol.hypercore.VerificationResult;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads a core through a Cairn node without trusting it: every block comes with a proof that is
 * checked against the core's key before the block is returned. The reader remembers the longest
 * signed tree it has verified and asks only for upgrades beyond it.
 */
public final class CoreReader {
  private final CairnClient client;
  private final byte[] key;
  private final ProofVerifier verifier;
  private TreeHead trusted = TreeHead.EMPTY;

  private final CoreIdentity identity;

  private CoreReader(CairnClient client, byte[] key, CoreIdentity identity) {
    this.client = client;
    this.key = key.clone();
    this.identity = identity;
    this.verifier = new ProofVerifier(identity);
  }

  /**
   * Opens the core {@code key} names. The node supplies its manifest, which must hash to that key:
   * a node cannot substitute another core.
   */
  public static CoreReader open(CairnClient client, byte[] key) {
    CoreInfo info = client.coreInfo(key);
    CoreIdentity identity = ProofProtos.fromProto(info.getRegistration()).identity();
    if (!Arrays.equals(identity.key(), key)) {
      throw new ProofRejectedException(
          RejectReason.SIGNER_INVALID,
          "the node described core "
              + HexFormat.of().formatHex(identity.key())
              + " instead of "
              + HexFormat.of().formatHex(key));
    }
    return new CoreReader(client, key, identity);
  }

  public byte[] discoveryKey() {
    return identity.discoveryKey();
  }

  /** The node's current signed tree, verified by an upgrade proof from what this reader trusts. */
  public TreeHead latest() {
    long length = client.coreInfo(key).getLength();
    if (length > trusted.length()) {
      trust(verifier.verify(client.upgrade(key, trusted.length(), length), trusted));
    }
    return trusted;
  }

  /** The longest signed tree verified so far. */
  public TreeHead trustedHead() {
    return trusted;
  }

  /**
   * Block {@code index}, verified; a proof that does not hold throws {@link
   * ProofRejectedException}.
   */
  public byte[] get(long index) {
    Proof proof = client.block(key, index, trusted.length());
    trust(verifier.verify(proof, trusted));
    return proof.block().value();
  }

  /** Blocks {@code start} (inclusive) to {@code end} (exclusive), verified with one proof. */
  public List<byte[]> range(long start, long end) {
    RangeProof proof = client.range(key, start, end);
    trust(verifier.verifyRange(proof, trusted));
    return proof.values();
  }

  private void trust(VerificationResult result) {
    if (result instanceof VerificationResult.Rejected rejected) {
      throw new ProofRejectedException(rejected.reason(), rejected.message());
    }
    TreeHead verified = ((VerificationResult.Accepted) result).head();
    if (verified.length() > trusted.length()) {
      trusted = verified;
    }
  }
}
