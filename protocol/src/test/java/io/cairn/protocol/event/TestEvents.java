package io.cairn.protocol.event;

import com.google.protobuf.ByteString;
import io.cairn.protocol.api.v1.ContentMessage;
import io.cairn.protocol.api.v1.ContentType;
import io.cairn.protocol.api.v1.MessageRef;
import io.cairn.protocol.api.v1.StreamMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/** Keys, clocks and events shared by the event tests. */
final class TestEvents {
  /** Hardhat's account #0, published with the tool: never use it for anything of value. */
  static final String HARDHAT_KEY =
      "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

  static final String HARDHAT_ADDRESS = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
  static final String STREAM = HARDHAT_ADDRESS + "/sensors/temperature";

  /** 2024-01-01T00:00:00Z: the vectors' timestamps (November 2023) lie before it. */
  static final long NOW = 1_704_067_200_000L;

  private TestEvents() {}

  static EventFieldRules rules() {
    return new EventFieldRules(
        Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC), Duration.ofMinutes(10));
  }

  static EventVerifier verifier(AddressRecovery recovery) {
    return new EventVerifier(rules(), recovery);
  }

  static StreamMessage unsigned(
      String streamId, int partition, long timestamp, String chain, String json) {
    StreamMessage.Builder builder = StreamMessage.newBuilder();
    builder
        .getMessageIdBuilder()
        .setStreamId(streamId)
        .setStreamPartition(partition)
        .setTimestamp(timestamp)
        .setMessageChainId(chain);
    return builder
        .setContentMessage(
            ContentMessage.newBuilder()
                .setContent(ByteString.copyFromUtf8(json))
                .setContentType(ContentType.JSON))
        .build();
  }

  static StreamMessage withPrevious(StreamMessage message, long timestamp, int sequenceNumber) {
    return message.toBuilder()
        .setPreviousMessageRef(
            MessageRef.newBuilder().setTimestamp(timestamp).setSequenceNumber(sequenceNumber))
        .build();
  }

  static StreamMessage signed(StreamMessage unsigned) {
    return new EventSigner(PrivateKeySigner.fromHex(HARDHAT_KEY)).sign(unsigned);
  }
}
