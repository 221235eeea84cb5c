package io.cairn.protocol.hypercore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The verifier's memory of the last verified signature never accepts what it would refuse. */
class ProofVerifierCacheTest {
  @Test
  void repeatedUpgradeIsAcceptedAndChangedSignatureStillRefused() {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) 9);
    CoreWriter writer = CoreWriter.create(CoreKeyPair.fromSeed(seed), new InMemoryTreeStore());
    for (int i = 0; i < 10; i++) {
      writer.append(new byte[] {(byte) i, 1, 2});
    }
    TreeHead head = writer.head();
    ProofBuilder builder = new ProofBuilder(writer.store());
    Proof proof = builder.build(head, ProofRequest.blockAndUpgrade(3, 0, 10), new byte[] {3, 1, 2});
    ProofVerifier verifier = new ProofVerifier(writer.identity());

    VerificationResult first = verifier.verify(proof, TreeHead.EMPTY);
    assertTrue(first.accepted());
    assertEquals(first, verifier.verify(proof, TreeHead.EMPTY));

    byte[] forged = proof.upgrade().signature().clone();
    forged[10] ^= 1;
    Proof.Upgrade u = proof.upgrade();
    Proof changed =
        new Proof(
            proof.fork(),
            proof.block(),
            new Proof.Upgrade(u.start(), u.length(), u.nodes(), u.additionalNodes(), forged));
    VerificationResult refused = verifier.verify(changed, TreeHead.EMPTY);
    assertEquals(RejectReason.SIGNATURE_INVALID, ((VerificationResult.Rejected) refused).reason());

    // Same signature, other roots: a different signable, so Ed25519 is asked again and refuses.
    Proof otherBlock =
        new Proof(
            proof.fork(),
            new Proof.Block(3, new byte[] {3, 1, 3}, proof.block().nodes()),
            proof.upgrade());
    assertEquals(
        RejectReason.SIGNATURE_INVALID,
        ((VerificationResult.Rejected) verifier.verify(otherBlock, TreeHead.EMPTY)).reason());
    assertTrue(verifier.verify(proof, TreeHead.EMPTY).accepted());
  }
}
