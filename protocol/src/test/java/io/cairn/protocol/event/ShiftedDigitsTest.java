package io.cairn.protocol.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.cairn.protocol.api.v1.ContentMessage;
import io.cairn.protocol.api.v1.ContentType;
import io.cairn.protocol.api.v1.StreamMessage;
import org.junit.jupiter.api.Test;

/**
 * Streamr's payload has no separators, so one signature covers several readings of the same bytes.
 * The signature cannot tell them apart; these tests show which field rules do, and which readings
 * remain (docs/protocol.md, "Shifted digits").
 */
class ShiftedDigitsTest {
  private final EventVerifier verifier = TestEvents.verifier(AddressRecoveries.bouncyCastle());

  @Test
  void partitionDigitsMovingIntoTheTimestampAreCaughtByTheTimestampRange() {
    StreamMessage original =
        TestEvents.signed(
            TestEvents.unsigned(TestEvents.STREAM, 1, 1_700_000_002_000L, "chain-c", "{\"v\":1}"));
    StreamMessage forged = withId(original, 11, 700_000_002_000L);

    assertArrayEquals(SignaturePayload.of(original), SignaturePayload.of(forged));
    // As a signature over its own declared fields, each one checks out: same bytes, same signer.
    assertTrue(verifier.verifySignature(original).accepted());
    assertTrue(verifier.verifySignature(forged).accepted());
    // The timestamp rule is what refuses the forgery: 700000002000 is 1992, before 2017.
    assertTrue(verifier.verify(original).accepted());
    assertEquals(EventRejectReason.TIMESTAMP_OUT_OF_RANGE, verifier.verify(forged).reason());
    // And an event is only taken on the partition it names.
    assertEquals(
        EventRejectReason.STREAM_PART_MISMATCH,
        verifier.verifyArrival(forged, TestEvents.STREAM, 1).reason());
  }

  @Test
  void timestampDigitsTradedWithTheSequenceNumberAreCaughtByTheTimestampRange() {
    StreamMessage original =
        TestEvents.signed(
            TestEvents.unsigned(TestEvents.STREAM, 2, 1_700_000_002_000L, "chain-c", "{}")
                .toBuilder()
                .setMessageId(
                    TestEvents.unsigned(TestEvents.STREAM, 2, 1_700_000_002_000L, "chain-c", "{}")
                        .getMessageId()
                        .toBuilder()
                        .setSequenceNumber(12))
                .build());
    // "1700000002000" "12" read as "17000000020001" "2": the timestamp becomes the year 2508.
    StreamMessage forged =
        original.toBuilder()
            .setMessageId(
                original.getMessageId().toBuilder()
                    .setTimestamp(17_000_000_020_001L)
                    .setSequenceNumber(2))
            .build();

    assertArrayEquals(SignaturePayload.of(original), SignaturePayload.of(forged));
    assertTrue(verifier.verifySignature(forged).accepted());
    assertTrue(verifier.verify(original).accepted());
    assertEquals(EventRejectReason.TIMESTAMP_OUT_OF_RANGE, verifier.verify(forged).reason());
  }

  /** What remains: a stream id ending in digits. Only the target stream's permissions guard it. */
  @Test
  void aStreamIdEndingInDigitsCanTradeThemWithThePartition() {
    String s1 = TestEvents.HARDHAT_ADDRESS + "/room1";
    String s12 = TestEvents.HARDHAT_ADDRESS + "/room12";
    StreamMessage original =
        TestEvents.signed(TestEvents.unsigned(s1, 23, 1_700_000_002_000L, "c", "{}"));
    StreamMessage replayed =
        original.toBuilder()
            .setMessageId(
                original.getMessageId().toBuilder().setStreamId(s12).setStreamPartition(3))
            .build();

    assertArrayEquals(SignaturePayload.of(original), SignaturePayload.of(replayed));
    assertTrue(verifier.verify(original).accepted());
    assertTrue(verifier.verify(replayed).accepted(), "both are well-formed, signed events");
    // The replay cannot be slipped into room1: it names room12#3, so only room12#3 takes it, and
    // there the node's publish-permission check decides whether its publisher may write.
    assertEquals(
        EventRejectReason.STREAM_PART_MISMATCH, verifier.verifyArrival(replayed, s1, 23).reason());
    assertTrue(verifier.verifyArrival(replayed, s12, 3).accepted());
  }

  /** What remains: characters moving between the chain id, the previous reference and content. */
  @Test
  void theChainIdCanTradeCharactersWithThePreviousReferenceAndTheContent() {
    StreamMessage withPrevious =
        TestEvents.signed(
            TestEvents.withPrevious(
                TestEvents.unsigned(TestEvents.STREAM, 0, 1_700_000_002_000L, "chain", "{}"),
                1_700_000_001_000L,
                0));
    StreamMessage chainAbsorbsReference =
        withPrevious.toBuilder()
            .clearPreviousMessageRef()
            .setMessageId(
                withPrevious.getMessageId().toBuilder().setMessageChainId("chain17000000010000"))
            .build();
    assertArrayEquals(
        SignaturePayload.of(withPrevious), SignaturePayload.of(chainAbsorbsReference));
    assertTrue(verifier.verify(chainAbsorbsReference).accepted());

    StreamMessage binary =
        TestEvents.signed(
            TestEvents.unsigned(TestEvents.STREAM, 0, 1_700_000_002_000L, "chain", "").toBuilder()
                .setContentMessage(
                    ContentMessage.newBuilder()
                        .setContentType(ContentType.BINARY)
                        .setContent(ByteString.copyFromUtf8("xyz")))
                .build());
    StreamMessage.Builder chainAbsorbsContent = binary.toBuilder();
    chainAbsorbsContent.getMessageIdBuilder().setMessageChainId("chainx");
    chainAbsorbsContent.getContentMessageBuilder().setContent(ByteString.copyFromUtf8("yz"));
    assertTrue(verifier.verify(chainAbsorbsContent.build()).accepted());

    // JSON content resists more: moving its first character out leaves text that is not JSON.
    StreamMessage json =
        TestEvents.signed(
            TestEvents.unsigned(TestEvents.STREAM, 0, 1_700_000_002_000L, "chain", "{\"v\":1}"));
    StreamMessage.Builder brokenJson = json.toBuilder();
    brokenJson.getMessageIdBuilder().setMessageChainId("chain{");
    brokenJson.getContentMessageBuilder().setContent(ByteString.copyFromUtf8("\"v\":1}"));
    assertTrue(verifier.verifySignature(brokenJson.build()).accepted());
    assertEquals(EventRejectReason.INVALID_CONTENT, verifier.verify(brokenJson.build()).reason());
  }

  private static StreamMessage withId(StreamMessage message, int partition, long timestamp) {
    return message.toBuilder()
        .setMessageId(
            message.getMessageId().toBuilder()
                .setStreamPartition(partition)
                .setTimestamp(timestamp))
        .build();
  }
}
