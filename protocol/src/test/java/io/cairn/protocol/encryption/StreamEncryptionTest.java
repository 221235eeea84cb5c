package io.cairn.protocol.encryption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.cairn.protocol.Randomness;
import io.cairn.protocol.api.v1.ContentMessage;
import io.cairn.protocol.api.v1.ContentType;
import io.cairn.protocol.api.v1.EncryptionType;
import io.cairn.protocol.api.v1.GroupKeyRequest;
import io.cairn.protocol.api.v1.StreamMessage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Round trips, the failures the scheme can detect, and the ones it cannot (CTR has no tag). */
class StreamEncryptionTest {
  private static final StreamMessage PLAIN = plain("{\"temperature\":21.5,\"unit\":\"C\"}");

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 15, 16, 17, 31, 32, 33, 1000})
  void bytesRoundTripAndGrowByTheIv(int length) {
    byte[] plaintext = Randomness.bytes(length);
    byte[] ciphertext = StreamEncryption.encrypt(plaintext, Fixtures.KEY_1);
    assertEquals(length + StreamEncryption.IV_LENGTH, ciphertext.length);
    assertArrayEquals(plaintext, StreamEncryption.decrypt(ciphertext, Fixtures.KEY_1));
  }

  @Test
  void everyEncryptionDrawsAFreshIv() {
    byte[] plaintext = "same".getBytes(StandardCharsets.UTF_8);
    byte[] first = StreamEncryption.encrypt(plaintext, Fixtures.KEY_1);
    byte[] second = StreamEncryption.encrypt(plaintext, Fixtures.KEY_1);
    assertFalse(Arrays.equals(Arrays.copyOf(first, 16), Arrays.copyOf(second, 16)));
    assertFalse(Arrays.equals(first, second));
  }

  @Test
  void aCiphertextShorterThanTheIvIsTruncated() {
    for (int length : new int[] {0, 1, 15}) {
      TruncatedCiphertextException e =
          assertThrows(
              TruncatedCiphertextException.class,
              () -> StreamEncryption.decrypt(new byte[length], Fixtures.KEY_1));
      assertTrue(e.getMessage().contains(length + " bytes"), e.getMessage());
    }
    // an IV alone is the encryption of nothing
    assertArrayEquals(new byte[0], StreamEncryption.decrypt(new byte[16], Fixtures.KEY_1));
  }

  /**
   * AES-256-CTR has no authentication tag, so the scheme cannot tell a wrong key: decrypting with
   * other key bytes succeeds and gives bytes of the same length that are not the plaintext. (Only a
   * key id that differs from the message's is caught, by {@link
   * #theKeyMustBeTheOneTheMessageNames}.)
   */
  @Test
  void wrongKeyBytesGiveGarbageNotAnError() {
    byte[] plaintext = "{\"temperature\":21.5,\"unit\":\"C\"}".getBytes(StandardCharsets.UTF_8);
    byte[] ciphertext = StreamEncryption.encrypt(plaintext, Fixtures.KEY_1);
    byte[] garbage =
        StreamEncryption.decrypt(ciphertext, new GroupKey("key-1", Fixtures.KEY_2.data()));
    assertEquals(plaintext.length, garbage.length);
    assertFalse(Arrays.equals(plaintext, garbage));
  }

  /** CTR is malleable: a flipped ciphertext bit flips the same plaintext bit, without an error. */
  @Test
  void aChangedCiphertextDecryptsToAChangedPlaintext() {
    byte[] plaintext = "{\"reading\":7}".getBytes(StandardCharsets.UTF_8);
    byte[] ciphertext = StreamEncryption.encrypt(plaintext, Fixtures.KEY_1);
    ciphertext[16 + 11] ^= 0x01; // '7' -> '6'
    assertEquals(
        "{\"reading\":6}",
        new String(StreamEncryption.decrypt(ciphertext, Fixtures.KEY_1), StandardCharsets.UTF_8));
  }

  @Test
  void encryptingAMessageSetsTheStreamrFields() {
    StreamMessage encrypted = StreamEncryption.encryptContent(PLAIN, Fixtures.KEY_1);
    ContentMessage content = encrypted.getContentMessage();
    assertEquals(EncryptionType.AES, content.getEncryptionType());
    assertEquals("key-1", content.getGroupKeyId());
    assertEquals(ContentType.JSON, content.getContentType());
    assertFalse(content.hasNewGroupKey());
    assertEquals(PLAIN.getContentMessage().getContent().size() + 16, content.getContent().size());
    assertEquals(PLAIN.getMessageId(), encrypted.getMessageId());
    assertEquals(ByteString.EMPTY, encrypted.getSignature());
  }

  @Test
  void aMessageRoundTrips() {
    StreamMessage encrypted = StreamEncryption.encryptContent(PLAIN, Fixtures.KEY_1);
    StreamEncryption.Decrypted decrypted =
        StreamEncryption.decryptContent(encrypted, Fixtures.KEY_1);
    assertEquals(PLAIN, decrypted.message());
    assertEquals(Optional.empty(), decrypted.nextKey());
    assertArrayEquals(PLAIN.getContentMessage().getContent().toByteArray(), decrypted.content());
    assertEquals(
        PLAIN,
        StreamEncryption.decryptContent(
                encrypted, GroupKeyLookup.of(Fixtures.KEY_2, Fixtures.KEY_1))
            .message());
  }

  @Test
  void aRotationCarriesTheNextKeyEncryptedUnderTheCurrentOne() {
    StreamMessage encrypted =
        StreamEncryption.encryptContent(PLAIN, Fixtures.KEY_1, Fixtures.KEY_2);
    ContentMessage content = encrypted.getContentMessage();
    assertEquals("key-2", content.getNewGroupKey().getId());
    assertEquals(StreamEncryption.ENCRYPTED_KEY_LENGTH, content.getNewGroupKey().getData().size());
    assertArrayEquals(
        Fixtures.KEY_2.data(),
        StreamEncryption.decrypt(content.getNewGroupKey().getData().toByteArray(), Fixtures.KEY_1));

    StreamEncryption.Decrypted decrypted =
        StreamEncryption.decryptContent(encrypted, Fixtures.KEY_1);
    assertEquals(PLAIN, decrypted.message());
    assertEquals(Optional.of(Fixtures.KEY_2), decrypted.nextKey());
  }

  @Test
  void theKeyMustBeTheOneTheMessageNames() {
    StreamMessage encrypted = StreamEncryption.encryptContent(PLAIN, Fixtures.KEY_1);
    WrongGroupKeyException wrong =
        assertThrows(
            WrongGroupKeyException.class,
            () -> StreamEncryption.decryptContent(encrypted, Fixtures.KEY_2));
    assertEquals(
        "the message is encrypted with group key \"key-1\", not with \"key-2\"",
        wrong.getMessage());
    // a lookup that answers with a key of another id is caught the same way
    assertThrows(
        WrongGroupKeyException.class,
        () -> StreamEncryption.decryptContent(encrypted, id -> Optional.of(Fixtures.KEY_2)));
  }

  @Test
  void aKeyNotAtHandIsUnknown() {
    StreamMessage encrypted = StreamEncryption.encryptContent(PLAIN, Fixtures.KEY_1);
    UnknownGroupKeyException unknown =
        assertThrows(
            UnknownGroupKeyException.class,
            () -> StreamEncryption.decryptContent(encrypted, GroupKeyLookup.of(Fixtures.KEY_2)));
    assertEquals("key-1", unknown.groupKeyId());
    assertEquals("no group key with id \"key-1\" is known", unknown.getMessage());
  }

  @Test
  void aTruncatedMessageIsReportedAsSuch() {
    StreamMessage.Builder cut = StreamEncryption.encryptContent(PLAIN, Fixtures.KEY_1).toBuilder();
    cut.getContentMessageBuilder().setContent(ByteString.copyFrom(new byte[15]));
    assertThrows(
        TruncatedCiphertextException.class,
        () -> StreamEncryption.decryptContent(cut.build(), Fixtures.KEY_1));
  }

  @Test
  void aNextKeyOfTheWrongLengthIsMalformedOrTruncated() {
    StreamMessage encrypted =
        StreamEncryption.encryptContent(PLAIN, Fixtures.KEY_1, Fixtures.KEY_2);
    StreamMessage.Builder longer = encrypted.toBuilder();
    longer
        .getContentMessageBuilder()
        .getNewGroupKeyBuilder()
        .setData(ByteString.copyFrom(new byte[49]));
    assertThrows(
        MalformedCiphertextException.class,
        () -> StreamEncryption.decryptContent(longer.build(), Fixtures.KEY_1));
    StreamMessage.Builder shorter = encrypted.toBuilder();
    shorter
        .getContentMessageBuilder()
        .getNewGroupKeyBuilder()
        .setData(ByteString.copyFrom(new byte[8]));
    assertThrows(
        TruncatedCiphertextException.class,
        () -> StreamEncryption.decryptContent(shorter.build(), Fixtures.KEY_1));
  }

  @Test
  void onlyPlainContentIsEncryptedAndOnlyAesContentDecrypted() {
    StreamMessage encrypted = StreamEncryption.encryptContent(PLAIN, Fixtures.KEY_1);
    assertThrows(
        IllegalArgumentException.class,
        () -> StreamEncryption.encryptContent(encrypted, Fixtures.KEY_2));
    assertThrows(
        IllegalArgumentException.class,
        () -> StreamEncryption.decryptContent(PLAIN, Fixtures.KEY_1));
    StreamMessage request =
        PLAIN.toBuilder()
            .setGroupKeyRequest(GroupKeyRequest.newBuilder().setRequestId("r"))
            .build();
    assertThrows(
        IllegalArgumentException.class,
        () -> StreamEncryption.encryptContent(request, Fixtures.KEY_1));
  }

  @Test
  void encryptionReplacesAnOldSignature() {
    StreamMessage signedLooking =
        PLAIN.toBuilder().setSignature(ByteString.copyFrom(new byte[65])).build();
    StreamMessage encrypted = StreamEncryption.encryptContent(signedLooking, Fixtures.KEY_1);
    assertEquals(ByteString.EMPTY, encrypted.getSignature());
    assertNotEquals(signedLooking.getContentMessage(), encrypted.getContentMessage());
  }

  @Test
  void allFailuresAreEncryptionExceptionsWithoutStackTraces() {
    EncryptionException e =
        assertThrows(
            EncryptionException.class, () -> StreamEncryption.decrypt(new byte[3], Fixtures.KEY_1));
    assertEquals(0, e.getStackTrace().length);
  }

  static StreamMessage plain(String json) {
    StreamMessage.Builder builder = StreamMessage.newBuilder();
    builder
        .getMessageIdBuilder()
        .setStreamId("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266/sensors")
        .setStreamPartition(0)
        .setTimestamp(1_700_000_000_000L)
        .setMessageChainId("chain-1");
    return builder
        .setContentMessage(
            ContentMessage.newBuilder()
                .setContent(ByteString.copyFromUtf8(json))
                .setContentType(ContentType.JSON))
        .build();
  }
}
