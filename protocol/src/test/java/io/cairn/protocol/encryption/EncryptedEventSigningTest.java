package io.cairn.protocol.encryption;

import static io.cairn.protocol.event.EventRejectReason.ADDRESS_MISMATCH;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.event.AddressRecoveries;
import io.cairn.protocol.event.EventFieldRules;
import io.cairn.protocol.event.EventSigner;
import io.cairn.protocol.event.EventVerifier;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.event.SignaturePayload;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * Encrypt, then sign: the signature covers the ciphertext (and the encrypted next key), so the
 * existing {@link EventVerifier} accepts an encrypted event as it is, and it is the signature, not
 * the unauthenticated CTR mode, that catches a changed ciphertext.
 */
class EncryptedEventSigningTest {
  /** Hardhat's account #0, published with the tool: never use it for anything of value. */
  private static final EventSigner SIGNER =
      new EventSigner(
          PrivateKeySigner.fromHex(
              "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"));

  private static final EventVerifier VERIFIER =
      new EventVerifier(
          new EventFieldRules(
              Clock.fixed(Instant.ofEpochMilli(1_704_067_200_000L), ZoneOffset.UTC),
              Duration.ofMinutes(10)),
          AddressRecoveries.preferred());
  private static final StreamMessage PLAIN =
      StreamEncryptionTest.plain("{\"temperature\":21.5,\"unit\":\"C\"}");

  @Test
  void anEncryptedThenSignedEventVerifiesAndDecrypts() {
    StreamMessage event =
        SIGNER.sign(StreamEncryption.encryptContent(PLAIN, Fixtures.KEY_1, Fixtures.KEY_2));
    assertTrue(VERIFIER.verify(event).accepted(), VERIFIER.verify(event).toString());

    StreamEncryption.Decrypted decrypted = StreamEncryption.decryptContent(event, Fixtures.KEY_1);
    assertArrayEquals(PLAIN.getContentMessage().getContent().toByteArray(), decrypted.content());
    assertEquals(Fixtures.KEY_2, decrypted.nextKey().orElseThrow());
    assertEquals(event.getMessageId(), decrypted.message().getMessageId());
  }

  @Test
  void theSignedPayloadHoldsTheCiphertextAndTheEncryptedNextKeyNotThePlaintext() {
    StreamMessage event =
        SIGNER.sign(StreamEncryption.encryptContent(PLAIN, Fixtures.KEY_1, Fixtures.KEY_2));
    byte[] payload = SignaturePayload.of(event);
    ByteArrayOutputStream tail = new ByteArrayOutputStream();
    tail.writeBytes(event.getContentMessage().getContent().toByteArray());
    tail.writeBytes("key-2".getBytes(StandardCharsets.UTF_8));
    tail.writeBytes(event.getContentMessage().getNewGroupKey().getData().toByteArray());
    byte[] expectedTail = tail.toByteArray();
    byte[] actualTail =
        java.util.Arrays.copyOfRange(payload, payload.length - expectedTail.length, payload.length);
    assertArrayEquals(expectedTail, actualTail);
  }

  @Test
  void aChangedCiphertextIsCaughtByTheSignature() {
    StreamMessage event = SIGNER.sign(StreamEncryption.encryptContent(PLAIN, Fixtures.KEY_1));
    byte[] ciphertext = event.getContentMessage().getContent().toByteArray();
    ciphertext[ciphertext.length - 1] ^= 0x01;
    StreamMessage.Builder changed = event.toBuilder();
    changed.getContentMessageBuilder().setContent(ByteString.copyFrom(ciphertext));
    assertEquals(ADDRESS_MISMATCH, VERIFIER.verify(changed.build()).reason());
    // the cipher alone would have accepted it: CTR decrypts the changed bytes without complaint
    StreamEncryption.decryptContent(changed.build(), Fixtures.KEY_1);
  }

  @Test
  void aChangedNextKeyIsCaughtByTheSignature() {
    StreamMessage event =
        SIGNER.sign(StreamEncryption.encryptContent(PLAIN, Fixtures.KEY_1, Fixtures.KEY_2));
    byte[] data = event.getContentMessage().getNewGroupKey().getData().toByteArray();
    data[20] ^= 0x01;
    StreamMessage.Builder changed = event.toBuilder();
    changed.getContentMessageBuilder().getNewGroupKeyBuilder().setData(ByteString.copyFrom(data));
    assertEquals(ADDRESS_MISMATCH, VERIFIER.verify(changed.build()).reason());
  }

  /**
   * Streamr's payload leaves the group key id out, so a changed id still verifies; it can only send
   * the subscriber to a key it does not have (or to a wrong key, which yields garbage).
   */
  @Test
  void theGroupKeyIdIsNotSignedButOnlyMisdirects() {
    StreamMessage event = SIGNER.sign(StreamEncryption.encryptContent(PLAIN, Fixtures.KEY_1));
    StreamMessage.Builder changed = event.toBuilder();
    changed.getContentMessageBuilder().setGroupKeyId("key-9");
    assertTrue(VERIFIER.verify(changed.build()).accepted());
    assertThrows(
        UnknownGroupKeyException.class,
        () -> StreamEncryption.decryptContent(changed.build(), GroupKeyLookup.of(Fixtures.KEY_1)));
  }

  @Test
  void signingBeforeEncryptingDoesNotVerify() {
    StreamMessage signedPlain = SIGNER.sign(PLAIN);
    StreamMessage encryptedAfter =
        StreamEncryption.encryptContent(signedPlain, Fixtures.KEY_1).toBuilder()
            .setSignature(signedPlain.getSignature())
            .build();
    assertEquals(ADDRESS_MISMATCH, VERIFIER.verify(encryptedAfter).reason());
  }
}
