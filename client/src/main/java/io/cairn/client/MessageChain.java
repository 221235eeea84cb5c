package io.cairn.client;

import com.google.protobuf.ByteString;
import io.cairn.protocol.api.v1.ContentMessage;
import io.cairn.protocol.api.v1.ContentType;
import io.cairn.protocol.api.v1.MessageRef;
import io.cairn.protocol.api.v1.StreamMessage;
import java.util.UUID;

/**
 * One publisher's message chain, as Streamr publishers keep one per stream partition: each event
 * names the one before it, and events in one millisecond count up their sequence number.
 */
final class MessageChain {
  private final String messageChainId = UUID.randomUUID().toString();

  /** The unsigned event after {@code previous} (null for the chain's first). */
  StreamMessage.Builder next(
      String streamId, int partition, MessageRef previous, ByteString content, ContentType type) {
    long now = System.currentTimeMillis();
    long timestamp = previous == null ? now : Math.max(now, previous.getTimestamp());
    int sequence =
        previous != null && previous.getTimestamp() == timestamp
            ? previous.getSequenceNumber() + 1
            : 0;
    StreamMessage.Builder event = StreamMessage.newBuilder();
    event
        .getMessageIdBuilder()
        .setStreamId(streamId)
        .setStreamPartition(partition)
        .setTimestamp(timestamp)
        .setSequenceNumber(sequence)
        .setMessageChainId(messageChainId);
    if (previous != null) {
      event.setPreviousMessageRef(previous);
    }
    return event.setContentMessage(
        ContentMessage.newBuilder().setContent(content).setContentType(type));
  }

  /** Where {@code event} stands in its chain, for the event after it to name. */
  static MessageRef refOf(StreamMessage.Builder event) {
    return MessageRef.newBuilder()
        .setTimestamp(event.getMessageId().getTimestamp())
        .setSequenceNumber(event.getMessageId().getSequenceNumber())
        .build();
  }
}
