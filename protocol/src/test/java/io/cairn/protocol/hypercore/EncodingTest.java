package io.cairn.protocol.hypercore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Compact-encoding uints, manifests and multisig records, including what a strict reader refuses.
 */
class EncodingTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void compactUintBoundaries() {
    assertEquals("fc", hex(0xFC));
    assertEquals("fdfd00", hex(0xFD));
    assertEquals("fdffff", hex(0xFFFF));
    assertEquals("fe00000100", hex(0x10000));
    assertEquals("feffffffff", hex(0xFFFFFFFFL));
    assertEquals("ff0000000001000000", hex(0x100000000L));
    for (long value : new long[] {0, 0xFC, 0xFD, 0xFFFF, 0x10000, 0xFFFFFFFFL, Long.MAX_VALUE}) {
      assertEquals(value, new CompactReader(new CompactWriter(9).uint(value).toByteArray()).uint());
    }
  }

  @Test
  void strictReaderRefusesLongFormsTruncationAndTrailingBytes() {
    for (String bad : new String[] {"fd0500", "fe05000000", "ffffffffffffffffff", "fd05", ""}) {
      assertThrows(
          MalformedEncodingException.class, () -> new CompactReader(HEX.parseHex(bad)).uint(), bad);
    }
    CompactReader trailing = new CompactReader(HEX.parseHex("0102"));
    trailing.uint();
    assertThrows(MalformedEncodingException.class, trailing::end);
    assertThrows(
        MalformedEncodingException.class, () -> new CompactReader(HEX.parseHex("ff")).buffer());
  }

  @Test
  void multiSignerManifestAndQuorum() {
    CoreKeyPair a = CoreKeyPair.fromSeed(filled(2));
    CoreKeyPair b = CoreKeyPair.fromSeed(filled(3));
    CoreKeyPair c = CoreKeyPair.fromSeed(filled(4));
    byte[] ns = Namespaces.defaultNamespace();
    Manifest manifest =
        new Manifest(
            1,
            false,
            2,
            List.of(
                new Manifest.Signer(ns, a.publicKey()),
                new Manifest.Signer(ns, b.publicKey()),
                new Manifest.Signer(ns, c.publicKey())));
    byte[] encoded = manifest.encode();
    assertEquals(5 + 3 * 65, encoded.length);
    assertEquals(manifest, Manifest.decode(encoded));

    CoreIdentity identity = CoreIdentity.of(manifest);
    byte[] signable = identity.signable(new byte[32], 3, 0);
    MultiSignature.Entry byC = new MultiSignature.Entry(2, c.sign(signable), 0);
    MultiSignature.Entry byA = new MultiSignature.Entry(0, a.sign(signable), 0);
    assertNull(
        identity.verify(signable, new MultiSignature(List.of(byC, byA), List.of()).encode()));
    assertEquals(
        RejectReason.SIGNER_INVALID,
        identity.verify(signable, new MultiSignature(List.of(byC), List.of()).encode()));
    assertEquals(
        RejectReason.SIGNER_INVALID,
        identity.verify(signable, new MultiSignature(List.of(byC, byC), List.of()).encode()));
    MultiSignature.Entry wrongIndex = new MultiSignature.Entry(1, a.sign(signable), 0);
    assertEquals(
        RejectReason.SIGNATURE_INVALID,
        identity.verify(
            signable, new MultiSignature(List.of(byC, wrongIndex), List.of()).encode()));
    MultiSignature.Entry patched = new MultiSignature.Entry(0, a.sign(signable), 1);
    assertEquals(
        RejectReason.PATCH_NOT_SUPPORTED,
        identity.verify(signable, new MultiSignature(List.of(byC, patched), List.of()).encode()));
    assertThrows(IllegalStateException.class, () -> identity.storedSignature(new byte[64]));
  }

  @Test
  void manifestDecodeRefusesWhatCannotBeVerified() {
    byte[] good = Manifest.singleSigner(filled(9)).encode();
    for (int[] change : new int[][] {{0, 2}, {1, 2}, {2, 1}, {3, 2}, {3, 0}, {5, 1}}) {
      byte[] bad = good.clone();
      bad[change[0]] = (byte) change[1];
      assertThrows(MalformedEncodingException.class, () -> Manifest.decode(bad));
    }
    assertThrows(
        MalformedEncodingException.class, () -> Manifest.decode(java.util.Arrays.copyOf(good, 71)));
  }

  @Test
  void dataMessageRefusesUnsupportedParts() {
    for (String bad : new String[] {"020100", "040100", "100100", "000100", "0101"}) {
      byte[] bytes = HEX.parseHex(bad);
      if (bad.equals("000100")) {
        // No parts at all decodes, and the verifier refuses it as empty.
        assertEquals(
            RejectReason.EMPTY_PROOF,
            ((VerificationResult.Rejected)
                    new ProofVerifier(
                            CoreIdentity.ofPublicKey(CoreKeyPair.fromSeed(filled(1)).publicKey()))
                        .verifyEncoded(bytes, TreeHead.EMPTY))
                .reason());
      } else {
        assertThrows(MalformedEncodingException.class, () -> DataMessage.decode(bytes), bad);
      }
    }
  }

  @Test
  void treeStoreTruncationForgetsCrossingParents() {
    CoreWriter writer = CoreWriter.create(CoreKeyPair.fromSeed(filled(5)), new InMemoryTreeStore());
    for (int i = 0; i < 16; i++) {
      writer.append(new byte[] {(byte) i});
    }
    TreeStore store = writer.store();
    assertEquals(15, store.get(15).index());
    writer.truncate(10);
    for (long gone : new long[] {15, 19, 20, 23, 30}) {
      assertNull(store.get(gone), "node " + gone);
    }
    for (long kept : new long[] {7, 17, 18, 3, 11}) {
      assertEquals(kept, store.get(kept).index());
    }
    TreeHead head = writer.append(List.of(new byte[] {10}, new byte[] {11}));
    assertEquals(1, head.fork());
    assertArrayEquals(
        new long[] {7, 19}, head.roots().stream().mapToLong(TreeNode::index).toArray());
  }

  private static String hex(long value) {
    return HEX.formatHex(new CompactWriter(9).uint(value).toByteArray());
  }

  private static byte[] filled(int value) {
    byte[] seed = new byte[32];
    java.util.Arrays.fill(seed, (byte) value);
    return seed;
  }
}
