package io.cairn.node;

import com.google.protobuf.ByteString;
import io.cairn.protocol.api.v1.ContentMessage;
import io.cairn.protocol.api.v1.ContentType;
import io.cairn.protocol.api.v1.MessageRef;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.event.EventSigner;
import io.cairn.protocol.event.PrivateKeySigner;

/** Signed Streamr events for tests, in chain "chain-a". */
public final class SignedEvents {
  private SignedEvents() {}

  /**
   * A JSON event signed by {@code signer}; {@code previous} (may be null) is the chain's last
   * event.
   */
  public static StreamMessage event(
      PrivateKeySigner signer,
      String stream,
      int partition,
      long timestamp,
      String json,
      StreamMessage previous) {
    StreamMessage.Builder builder = StreamMessage.newBuilder();
    builder
        .getMessageIdBuilder()
        .setStreamId(stream)
        .setStreamPartition(partition)
        .setTimestamp(timestamp)
        .setMessageChainId("chain-a");
    if (previous != null) {
      builder.setPreviousMessageRef(
          MessageRef.newBuilder()
              .setTimestamp(previous.getMessageId().getTimestamp())
              .setSequenceNumber(previous.getMessageId().getSequenceNumber()));
    }
    return new EventSigner(signer)
        .sign(
            builder
                .setContentMessage(
                    ContentMessage.newBuilder()
                        .setContent(ByteString.copyFromUtf8(json))
                        .setContentType(ContentType.JSON))
                .build());
  }
}
