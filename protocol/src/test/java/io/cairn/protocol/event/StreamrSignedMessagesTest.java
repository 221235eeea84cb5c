package io.cairn.protocol.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.protocol.api.v1.StreamMessage;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Messages signed by Streamr's own SDK (test resources streamr/, with the command that made them):
 * Cairn gives Streamr's verdict on every one, and says apart which this node would not store.
 */
class StreamrSignedMessagesTest {
  /** The node's clock when the set was made: the publishing window is the day's. */
  private static final Clock MADE =
      Clock.fixed(Instant.parse("2026-12-07T03:45:00Z"), ZoneOffset.UTC);

  /** What a node's publishing rules say of each case; absent: it would store it. */
  private static final Map<String, EventRejectReason> NOT_PUBLISHABLE =
      Map.of(
          "an ENS-named owner", EventRejectReason.INVALID_STREAM_ID,
          "timestamp 0", EventRejectReason.TIMESTAMP_OUT_OF_RANGE,
          "timestamp 1", EventRejectReason.TIMESTAMP_OUT_OF_RANGE,
          "a hundred years ahead", EventRejectReason.TIMESTAMP_OUT_OF_RANGE,
          "the largest safe timestamp", EventRejectReason.TIMESTAMP_OUT_OF_RANGE);

  @Test
  void cairnGivesStreamrsVerdictOnEveryMessageStreamrSigned() {
    List<String> cases = StreamrSigned.cases();
    List<StreamMessage> messages = StreamrSigned.messages();
    assertEquals(cases.size(), messages.size());
    EventVerifier verifier =
        new EventVerifier(
            new EventFieldRules(MADE, EventFieldRules.DEFAULT_MAX_CLOCK_SKEW),
            AddressRecoveries.preferred());
    for (int i = 0; i < messages.size(); i++) {
      String name = cases.get(i);
      EventVerification streamr = verifier.verifyAsStreamr(messages.get(i));
      assertTrue(streamr.accepted(), name + ": " + streamr);
      EventVerification policy = verifier.publishingPolicy(messages.get(i));
      assertEquals(NOT_PUBLISHABLE.get(name), policy.reason(), name + ": " + policy);
      // the node's own check is both: what it would not store, it refuses
      assertEquals(policy.reason(), verifier.verify(messages.get(i)).reason(), name);
    }
  }

  @Test
  void aMessageStreamrSignedAndThenAlteredIsRefused() {
    StreamMessage signed = StreamrSigned.messages().get(0);
    StreamMessage altered =
        signed.toBuilder()
            .setContentMessage(
                signed.getContentMessage().toBuilder()
                    .setContent(com.google.protobuf.ByteString.copyFromUtf8("{\"t\":99}")))
            .build();
    EventVerification verdict = EventVerifier.standard().verifyAsStreamr(altered);
    assertEquals(EventRejectReason.ADDRESS_MISMATCH, verdict.reason(), verdict.toString());
  }
}
