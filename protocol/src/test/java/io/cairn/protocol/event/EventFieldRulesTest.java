package io.cairn.protocol.event;

import static io.cairn.protocol.event.EventRejectReason.BODY_MISSING;
import static io.cairn.protocol.event.EventRejectReason.INVALID_CONTENT;
import static io.cairn.protocol.event.EventRejectReason.INVALID_MESSAGE_CHAIN_ID;
import static io.cairn.protocol.event.EventRejectReason.INVALID_PARTITION;
import static io.cairn.protocol.event.EventRejectReason.INVALID_PREVIOUS_REF;
import static io.cairn.protocol.event.EventRejectReason.INVALID_PUBLISHER_ID;
import static io.cairn.protocol.event.EventRejectReason.INVALID_SEQUENCE_NUMBER;
import static io.cairn.protocol.event.EventRejectReason.INVALID_STREAM_ID;
import static io.cairn.protocol.event.EventRejectReason.MESSAGE_ID_MISSING;
import static io.cairn.protocol.event.EventRejectReason.TIMESTAMP_OUT_OF_RANGE;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.cairn.protocol.api.v1.EncryptionType;
import io.cairn.protocol.api.v1.GroupKey;
import io.cairn.protocol.api.v1.GroupKeyRequest;
import io.cairn.protocol.api.v1.MessageId;
import io.cairn.protocol.api.v1.StreamMessage;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class EventFieldRulesTest {
  private static final StreamMessage VALID =
      TestEvents.signed(
          TestEvents.withPrevious(
              TestEvents.unsigned(
                  TestEvents.STREAM, 0, 1_700_000_000_000L, "chain", "{\"a\":[1,2]}"),
              1_699_999_999_000L,
              7));

  @Test
  void aValidEventPasses() {
    assertDoesNotThrow(() -> TestEvents.rules().check(VALID));
  }

  @Test
  void eachIdFieldIsCheckedOnItsOwn() {
    assertRejected(MESSAGE_ID_MISSING, VALID.toBuilder().clearMessageId().build());
    assertRejected(INVALID_STREAM_ID, id(b -> b.setStreamId("sensors/temperature")));
    assertRejected(
        INVALID_STREAM_ID, id(b -> b.setStreamId(TestEvents.HARDHAT_ADDRESS.toUpperCase() + "/x")));
    assertRejected(INVALID_PARTITION, id(b -> b.setStreamPartition(-1)));
    assertRejected(INVALID_PARTITION, id(b -> b.setStreamPartition(100)));
    // a message before its previous reference is refused for that first (Streamr's rule)
    assertRejected(
        TIMESTAMP_OUT_OF_RANGE,
        id(b -> b.setTimestamp(EventFieldRules.MIN_TIMESTAMP - 1)).toBuilder()
            .clearPreviousMessageRef()
            .build());
    assertRejected(
        TIMESTAMP_OUT_OF_RANGE, id(b -> b.setTimestamp(TestEvents.NOW + 10 * 60_000 + 1)));
    assertDoesNotThrow(
        () -> TestEvents.rules().check(id(b -> b.setTimestamp(TestEvents.NOW + 10 * 60_000))));
    assertRejected(INVALID_SEQUENCE_NUMBER, id(b -> b.setSequenceNumber(-1)));
    assertRejected(
        INVALID_PUBLISHER_ID, id(b -> b.setPublisherId(ByteString.copyFrom(new byte[19]))));
    assertRejected(INVALID_PUBLISHER_ID, id(b -> b.clearPublisherId()));
    assertRejected(INVALID_MESSAGE_CHAIN_ID, id(b -> b.setMessageChainId("")));
    assertRejected(INVALID_MESSAGE_CHAIN_ID, id(b -> b.setMessageChainId("c".repeat(129))));
  }

  /**
   * Streamr's rules alone take what a node's would not store: any stream id, any timestamp not
   * negative, a long message chain id.
   */
  @Test
  void streamrsRulesAloneTakeWhatThisNodeWouldNotStore() {
    EventFieldRules rules = TestEvents.rules();
    StreamMessage ens = id(b -> b.setStreamId("weather.eth/berlin"));
    StreamMessage epoch = id(b -> b.setTimestamp(0)).toBuilder().clearPreviousMessageRef().build();
    StreamMessage longChain = id(b -> b.setMessageChainId("c".repeat(129)));
    for (StreamMessage message : List.of(ens, epoch, longChain)) {
      assertDoesNotThrow(() -> rules.checkMessage(message));
      assertThrows(EventRejection.class, () -> rules.checkPolicy(message));
    }
    assertRejected(TIMESTAMP_OUT_OF_RANGE, id(b -> b.setTimestamp(-1)));
    assertThrows(EventRejection.class, () -> rules.checkMessage(id(b -> b.setTimestamp(-1))));
  }

  @Test
  void thePreviousReferenceMustComeBeforeTheMessage() {
    long timestamp = VALID.getMessageId().getTimestamp();
    assertRejected(INVALID_PREVIOUS_REF, TestEvents.withPrevious(VALID, timestamp, 0));
    assertRejected(INVALID_PREVIOUS_REF, TestEvents.withPrevious(VALID, timestamp + 1, 0));
    assertRejected(INVALID_PREVIOUS_REF, TestEvents.withPrevious(VALID, 1_000, 0));
    assertRejected(INVALID_PREVIOUS_REF, TestEvents.withPrevious(VALID, timestamp - 1, -1));
    StreamMessage sameMillisecond =
        TestEvents.withPrevious(id(b -> b.setSequenceNumber(1)), timestamp, 0);
    assertDoesNotThrow(() -> TestEvents.rules().check(sameMillisecond));
  }

  @Test
  void contentMustMatchItsTypeAndEncryption() {
    assertRejected(BODY_MISSING, VALID.toBuilder().clearContentMessage().build());
    assertRejected(INVALID_CONTENT, content(ByteString.copyFromUtf8("{\"a\":")));
    assertRejected(INVALID_CONTENT, content(ByteString.copyFromUtf8("{} {}")));
    assertRejected(INVALID_CONTENT, content(ByteString.copyFromUtf8("{'a':1}")));
    assertRejected(INVALID_CONTENT, content(ByteString.EMPTY));
    assertRejected(
        INVALID_CONTENT, content(ByteString.copyFrom(new byte[] {'"', (byte) 0xff, '"'})));
    assertDoesNotThrow(
        () -> TestEvents.rules().check(content(ByteString.copyFromUtf8(" [1, \"é\", null] "))));

    StreamMessage.Builder encryptedWithoutKey = VALID.toBuilder();
    encryptedWithoutKey.getContentMessageBuilder().setEncryptionType(EncryptionType.AES);
    assertRejected(INVALID_CONTENT, encryptedWithoutKey.build());
    encryptedWithoutKey
        .getContentMessageBuilder()
        .setGroupKeyId("k")
        .setContent(ByteString.fromHex("00ff"));
    assertDoesNotThrow(() -> TestEvents.rules().check(encryptedWithoutKey.build()));

    StreamMessage.Builder plainWithKey = VALID.toBuilder();
    plainWithKey.getContentMessageBuilder().setNewGroupKey(GroupKey.newBuilder().setId("k"));
    assertRejected(INVALID_CONTENT, plainWithKey.build());
    StreamMessage.Builder unknownEncryption = VALID.toBuilder();
    unknownEncryption.getContentMessageBuilder().setEncryptionTypeValue(2);
    assertRejected(INVALID_CONTENT, unknownEncryption.build());
  }

  @Test
  void groupKeyMessagesAreSignedOverTheirOwnFields() {
    StreamMessage request =
        TestEvents.signed(
            VALID.toBuilder()
                .setGroupKeyRequest(
                    GroupKeyRequest.newBuilder()
                        .setRequestId("r1")
                        .setRecipientId(ByteString.fromHex("11".repeat(20)))
                        .setRsaPublicKey(ByteString.copyFromUtf8("-----BEGIN PUBLIC KEY-----"))
                        .addGroupKeyIds("k1")
                        .addGroupKeyIds("k2"))
                .build());
    EventVerifier verifier = TestEvents.verifier(AddressRecoveries.bouncyCastle());
    assertEquals("ok", verifier.verify(request).toString());
    StreamMessage otherKey =
        request.toBuilder()
            .setGroupKeyRequest(request.getGroupKeyRequest().toBuilder().setGroupKeyIds(1, "k3"))
            .build();
    assertEquals(EventRejectReason.ADDRESS_MISMATCH, verifier.verify(otherKey).reason());
  }

  private static StreamMessage id(UnaryOperator<MessageId.Builder> change) {
    return VALID.toBuilder().setMessageId(change.apply(VALID.getMessageId().toBuilder())).build();
  }

  private static StreamMessage content(ByteString content) {
    StreamMessage.Builder builder = VALID.toBuilder();
    builder.getContentMessageBuilder().setContent(content);
    return builder.build();
  }

  private static void assertRejected(EventRejectReason reason, StreamMessage message) {
    EventRejection rejection =
        assertThrows(EventRejection.class, () -> TestEvents.rules().check(message));
    assertEquals(reason, rejection.reason(), rejection.getMessage());
  }
}
