package io.cairn.client;

import com.google.protobuf.ByteString;
import io.cairn.protocol.event.EventSigner;
import io.cairn.protocol.event.EvmSigner;
import io.cairn.protocol.proto.event.ContentMessage;
import io.cairn.protocol.proto.event.ContentType;
import io.cairn.protocol.proto.event.MessageRef;
import io.cairn.protocol.proto.event.StreamMessage;
import io.cairn.protocol.proto.stream.PublishAck;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Publishes one publisher's events, signed in this process: each stream partition gets a message
 * chain whose events name their predecessor, as Streamr publishers do, so the node keeps them in
 * order and subscribers see any gap.
 */
public final class EventPublisher {
  private final CairnClient client;
  private final EventSigner signer;
  private final String messageChainId = UUID.randomUUID().toString();
  private final Map<String, MessageRef> heads = new HashMap<>();

  public EventPublisher(CairnClient client, EvmSigner signer) {
    this.client = client;
    this.signer = new EventSigner(signer);
  }

  /** Signs a JSON event for {@code streamId}'s partition and publishes it; answered once it is stored. */
  public synchronized PublishAck publishJson(String streamId, int partition, String json) {
    return publish(streamId, partition, ByteString.copyFromUtf8(json), ContentType.JSON);
  }

  public synchronized PublishAck publishBinary(String streamId, int partition, byte[] content) {
    return publish(streamId, partition, ByteString.copyFrom(content), ContentType.BINARY);
  }

  private PublishAck publish(String streamId, int partition, ByteString content, ContentType type) {
    String part = streamId + "#" + partition;
    MessageRef previous = heads.get(part);
    long timestamp = System.currentTimeMillis();
    int sequence = previous != null && previous.getTimestamp() >= timestamp ? previous.getSequenceNumber() + 1 : 0;
    timestamp = previous != null ? Math.max(timestamp, previous.getTimestamp()) : timestamp;
    StreamMessage.Builder event = StreamMessage.newBuilder();
    event.getMessageIdBuilder().setStreamId(streamId).setStreamPartition(partition)
        .setTimestamp(timestamp).setSequenceNumber(sequence).setMessageChainId(messageChainId);
    if (previous != null) {
      event.setPreviousMessageRef(previous);
    }
    event.setContentMessage(ContentMessage.newBuilder().setContent(content).setContentType(type));
    PublishAck ack = client.publish(signer.sign(event.build()));
    heads.put(part, MessageRef.newBuilder().setTimestamp(timestamp).setSequenceNumber(sequence).build());
    return ack;
  }
}
