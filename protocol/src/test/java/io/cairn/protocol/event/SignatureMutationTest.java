package io.cairn.protocol.event;

import static io.cairn.protocol.event.EventRejectReason.ADDRESS_MISMATCH;
import static io.cairn.protocol.event.EventRejectReason.BAD_V;
import static io.cairn.protocol.event.EventRejectReason.HIGH_S;
import static io.cairn.protocol.event.EventRejectReason.SIGNATURE_INVALID;
import static io.cairn.protocol.event.EventRejectReason.SIGNATURE_MALFORMED;
import static io.cairn.protocol.event.EventRejectReason.UNSUPPORTED_SIGNATURE_TYPE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.cairn.protocol.api.v1.ContentType;
import io.cairn.protocol.api.v1.EncryptionType;
import io.cairn.protocol.api.v1.GroupKey;
import io.cairn.protocol.api.v1.SignatureType;
import io.cairn.protocol.api.v1.StreamMessage;
import java.math.BigInteger;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/** Every covered byte matters, and only the canonical signature is accepted, by either recovery. */
class SignatureMutationTest {
  private static final StreamMessage SIGNED =
      TestEvents.signed(
          TestEvents.withPrevious(
              TestEvents.unsigned(
                  TestEvents.STREAM, 4, 1_700_000_005_000L, "chain-m", "{\"reading\":7}"),
              1_700_000_004_000L,
              2));

  static List<AddressRecovery> recoveries() {
    return List.of(AddressRecoveries.bouncyCastle(), AddressRecoveries.preferred());
  }

  @ParameterizedTest
  @MethodSource("recoveries")
  void theSignedEventVerifies(AddressRecovery recovery) {
    assertTrue(TestEvents.verifier(recovery).verify(SIGNED).accepted());
  }

  @ParameterizedTest
  @MethodSource("recoveries")
  void changingAnySignedFieldBreaksTheSignature(AddressRecovery recovery) {
    List<UnaryOperator<StreamMessage.Builder>> mutations =
        List.of(
            b ->
                b.setMessageId(
                    b.getMessageId().toBuilder()
                        .setStreamId(TestEvents.HARDHAT_ADDRESS + "/sensors/humidity")),
            b -> b.setMessageId(b.getMessageId().toBuilder().setStreamPartition(5)),
            b -> b.setMessageId(b.getMessageId().toBuilder().setTimestamp(1_700_000_005_001L)),
            b -> b.setMessageId(b.getMessageId().toBuilder().setSequenceNumber(4)),
            b -> b.setMessageId(b.getMessageId().toBuilder().setMessageChainId("chain-n")),
            b ->
                b.setPreviousMessageRef(
                    b.getPreviousMessageRef().toBuilder().setTimestamp(1_700_000_004_001L)),
            b ->
                b.setPreviousMessageRef(b.getPreviousMessageRef().toBuilder().setSequenceNumber(1)),
            // '7' becomes '6': still JSON, so only the signature notices
            b ->
                b.setContentMessage(
                    b.getContentMessage().toBuilder()
                        .setContent(flipBit(b.getContentMessage().getContent(), 95))),
            b ->
                b.setContentMessage(
                    b.getContentMessage().toBuilder()
                        .setContent(ByteString.copyFromUtf8("{\"reading\":8}"))));
    for (UnaryOperator<StreamMessage.Builder> mutation : mutations) {
      StreamMessage mutated = mutation.apply(SIGNED.toBuilder()).build();
      assertEquals(
          ADDRESS_MISMATCH,
          TestEvents.verifier(recovery).verify(mutated).reason(),
          mutated.toString());
    }
  }

  @ParameterizedTest
  @MethodSource("recoveries")
  void anotherPublisherIdIsAnAddressMismatch(AddressRecovery recovery) {
    StreamMessage.Builder builder = SIGNED.toBuilder();
    builder
        .getMessageIdBuilder()
        .setPublisherId(flipBit(SIGNED.getMessageId().getPublisherId(), 0));
    EventVerification verdict = TestEvents.verifier(recovery).verify(builder.build());
    assertEquals(ADDRESS_MISMATCH, verdict.reason());
    // The publisher id is part of the payload, so the recovered signer is some unrelated address.
    assertTrue(
        verdict
            .message()
            .endsWith("the publisher id is 0x739fd6e51aad88f6f4ce6ab8827279cfffb92266"),
        verdict.message());
  }

  @ParameterizedTest
  @MethodSource("recoveries")
  void newGroupKeysAreSigned(AddressRecovery recovery) {
    StreamMessage encrypted =
        TestEvents.signed(
            SIGNED.toBuilder()
                .setContentMessage(
                    SIGNED.getContentMessage().toBuilder()
                        .setEncryptionType(EncryptionType.AES)
                        .setGroupKeyId("k1")
                        .setContent(ByteString.fromHex("0011223344"))
                        .setNewGroupKey(
                            GroupKey.newBuilder()
                                .setId("k2")
                                .setData(ByteString.fromHex("aabbcc"))))
                .build());
    EventVerifier verifier = TestEvents.verifier(recovery);
    assertTrue(verifier.verify(encrypted).accepted());
    StreamMessage.Builder otherId = encrypted.toBuilder();
    otherId.getContentMessageBuilder().getNewGroupKeyBuilder().setId("k3");
    assertEquals(ADDRESS_MISMATCH, verifier.verify(otherId.build()).reason());
    StreamMessage.Builder otherData = encrypted.toBuilder();
    otherData
        .getContentMessageBuilder()
        .getNewGroupKeyBuilder()
        .setData(ByteString.fromHex("aabbcd"));
    assertEquals(ADDRESS_MISMATCH, verifier.verify(otherData.build()).reason());
  }

  /** Streamr's layout leaves them out; this test records that, so a change to it is noticed. */
  @Test
  void contentTypeEncryptionTypeAndGroupKeyIdAreNotSigned() {
    EventVerifier verifier = TestEvents.verifier(AddressRecoveries.bouncyCastle());
    StreamMessage.Builder binary = SIGNED.toBuilder();
    binary.getContentMessageBuilder().setContentType(ContentType.BINARY);
    assertTrue(verifier.verifySignature(binary.build()).accepted());
    StreamMessage.Builder encrypted = SIGNED.toBuilder();
    encrypted.getContentMessageBuilder().setEncryptionType(EncryptionType.AES).setGroupKeyId("any");
    assertTrue(verifier.verifySignature(encrypted.build()).accepted());
  }

  @ParameterizedTest
  @MethodSource("recoveries")
  void everyBitOfRIsChecked(AddressRecovery recovery) {
    for (int bit = 0; bit < 256; bit += 5) {
      EventRejectReason reason =
          TestEvents.verifier(recovery)
              .verify(withSignature(flipBit(SIGNED.getSignature(), bit)))
              .reason();
      // A changed r names another point, or no point at all when x is not on the curve.
      assertTrue(
          Set.of(ADDRESS_MISMATCH, SIGNATURE_INVALID, SIGNATURE_MALFORMED).contains(reason),
          "bit " + bit + ": " + reason);
    }
  }

  @ParameterizedTest
  @MethodSource("recoveries")
  void sAndVAreChecked(AddressRecovery recovery) {
    EventVerifier verifier = TestEvents.verifier(recovery);
    byte[] signature = SIGNED.getSignature().toByteArray();
    assertEquals(
        ADDRESS_MISMATCH,
        verifier.verify(withSignature(flipBit(SIGNED.getSignature(), 511))).reason());
    byte[] otherV = signature.clone();
    otherV[64] = (byte) (signature[64] == 27 ? 28 : 27);
    assertTrue(
        Set.of(ADDRESS_MISMATCH, SIGNATURE_INVALID)
            .contains(verifier.verify(withSignature(otherV)).reason()));
    for (int v : new int[] {0, 1, 26, 29, 30, 255}) {
      byte[] bad = signature.clone();
      bad[64] = (byte) v;
      assertEquals(BAD_V, verifier.verify(withSignature(bad)).reason(), "v = " + v);
    }
  }

  @ParameterizedTest
  @MethodSource("recoveries")
  void theMalleableTwinIsRefusedAsHighS(AddressRecovery recovery) {
    byte[] low = SIGNED.getSignature().toByteArray();
    EvmSignature canonical = EvmSignature.decode(low);
    byte[] high = low.clone();
    System.arraycopy(
        Secp256k1Curve.toBytes32(Secp256k1Curve.N.subtract(canonical.s())), 0, high, 32, 32);
    high[64] = (byte) (low[64] == 27 ? 28 : 27);
    // The twin is a valid ECDSA signature by the same key: web3j, like Streamr, accepts it.
    byte[] payload = SignaturePayload.of(SIGNED);
    Sign.SignatureData twin = new Sign.SignatureData(high[64], slice(high, 0), slice(high, 32));
    assertEquals(
        TestEvents.HARDHAT_ADDRESS, "0x" + Keys.getAddress(recoverWithWeb3j(payload, twin)));
    assertEquals(HIGH_S, TestEvents.verifier(recovery).verify(withSignature(high)).reason());
  }

  @ParameterizedTest
  @MethodSource("recoveries")
  void malformedSignaturesAreNamed(AddressRecovery recovery) {
    EventVerifier verifier = TestEvents.verifier(recovery);
    byte[] signature = SIGNED.getSignature().toByteArray();
    assertEquals(
        SIGNATURE_MALFORMED, verifier.verify(withSignature(Arrays.copyOf(signature, 64))).reason());
    assertEquals(SIGNATURE_MALFORMED, verifier.verify(withSignature(new byte[0])).reason());
    byte[] zeroR = signature.clone();
    Arrays.fill(zeroR, 0, 32, (byte) 0);
    assertEquals(SIGNATURE_MALFORMED, verifier.verify(withSignature(zeroR)).reason());
    byte[] bigR = signature.clone();
    System.arraycopy(Secp256k1Curve.toBytes32(Secp256k1Curve.N), 0, bigR, 0, 32);
    assertEquals(SIGNATURE_MALFORMED, verifier.verify(withSignature(bigR)).reason());
    byte[] zeroS = signature.clone();
    Arrays.fill(zeroS, 32, 64, (byte) 0);
    assertEquals(SIGNATURE_MALFORMED, verifier.verify(withSignature(zeroS)).reason());
  }

  @Test
  void otherSignatureTypesAreUnsupported() {
    EventVerifier verifier = TestEvents.verifier(AddressRecoveries.bouncyCastle());
    assertEquals(
        UNSUPPORTED_SIGNATURE_TYPE,
        verifier
            .verify(SIGNED.toBuilder().setSignatureType(SignatureType.LEGACY_SECP256K1).build())
            .reason());
    assertEquals(
        UNSUPPORTED_SIGNATURE_TYPE,
        verifier
            .verify(SIGNED.toBuilder().setSignatureType(SignatureType.ERC_1271).build())
            .reason());
    EventVerification unknown =
        verifier.verify(SIGNED.toBuilder().setSignatureTypeValue(7).build());
    assertEquals(UNSUPPORTED_SIGNATURE_TYPE, unknown.reason());
    assertTrue(unknown.message().contains("number 7"), unknown.message());
  }

  private static BigInteger recoverWithWeb3j(byte[] payload, Sign.SignatureData signature) {
    try {
      return Sign.signedPrefixedMessageToKey(payload, signature);
    } catch (SignatureException e) {
      throw new AssertionError("web3j refused the high-s twin", e);
    }
  }

  private static byte[] slice(byte[] bytes, int from) {
    return Arrays.copyOfRange(bytes, from, from + 32);
  }

  private static StreamMessage withSignature(byte[] signature) {
    return SIGNED.toBuilder().setSignature(ByteString.copyFrom(signature)).build();
  }

  private static StreamMessage withSignature(ByteString signature) {
    return SIGNED.toBuilder().setSignature(signature).build();
  }

  private static ByteString flipBit(ByteString bytes, int bit) {
    byte[] copy = bytes.toByteArray();
    copy[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
    return ByteString.copyFrom(copy);
  }
}
