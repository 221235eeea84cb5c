package io.cairn.persist;

import com.google.protobuf.ByteString;
import io.cairn.protocol.api.v1.ContentMessage;
import io.cairn.protocol.api.v1.ContentType;
import io.cairn.protocol.api.v1.EncryptionType;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.encryption.StreamEncryption;
import io.cairn.protocol.event.EventSigner;
import io.cairn.protocol.persist.Checkpoint;
import io.cairn.stream.Publisher;
import io.cairn.stream.StreamPartition.Position;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistor's own message chain on partition 0 of its stream ({@link Persistor#CHAIN_ID}):
 * checkpoints and rebroadcast pages, signed by the service identity at the chain's next places. The
 * persistor writes each down (with the chain's new head) before it {@link #publish publishes} it,
 * so a restarted persistor never signs two events at one place.
 */
final class PersistorChain {
  private static final Logger LOG = LoggerFactory.getLogger(PersistorChain.class);

  /** Rebroadcast events, in chain order, and the place of the last. */
  record Pages(List<StreamMessage> events, Position head) {}

  private final String streamId;
  private final EventSigner signer;
  private final Publisher publisher;

  PersistorChain(String streamId, EventSigner signer, Publisher publisher) {
    this.streamId = streamId;
    this.signer = signer;
    this.publisher = publisher;
  }

  /** A checkpoint of {@code values}, signed at the place after {@code head}. */
  SignedCheckpoint checkpoint(Optional<Position> head, Checkpoint values) {
    StreamMessage signed = signer.sign(unsigned(next(head), head, values.toContent()));
    return new SignedCheckpoint(values, signed.toByteArray());
  }

  /**
   * Rebroadcast events of {@code contents} (pair contents), each encrypted under {@code key} and
   * signed, chained after {@code head}; {@code contents} is not empty.
   */
  Pages pages(Optional<Position> head, List<byte[]> contents, GroupKey key) {
    List<StreamMessage> events = new ArrayList<>(contents.size());
    Optional<Position> previous = head;
    for (byte[] content : contents) {
      Position at = next(previous);
      events.add(
          signer.sign(StreamEncryption.encryptContent(unsigned(at, previous, content), key)));
      previous = Optional.of(at);
    }
    return new Pages(events, previous.orElseThrow());
  }

  /**
   * Through the node's publish path, so the event is checked, stored, chained and fanned out like
   * any other.
   */
  void publish(StreamMessage event) {
    publisher
        .publish(event)
        .whenComplete(
            (ack, failure) -> {
              if (failure != null) {
                LOG.warn(
                    "Persistor of {} could not publish its event {}/{}: {}",
                    streamId,
                    event.getMessageId().getTimestamp(),
                    event.getMessageId().getSequenceNumber(),
                    failure.getMessage());
              }
            });
  }

  /**
   * The next place of the chain: later than its head, even when this node's clock is behind the
   * last one's.
   */
  static Position next(Optional<Position> head) {
    long now = System.currentTimeMillis();
    if (head.isPresent() && head.get().timestamp() >= now) {
      return new Position(head.get().timestamp(), head.get().sequenceNumber() + 1);
    }
    return new Position(now, 0);
  }

  private StreamMessage unsigned(Position at, Optional<Position> previous, byte[] content) {
    StreamMessage.Builder builder = StreamMessage.newBuilder();
    builder
        .getMessageIdBuilder()
        .setStreamId(streamId)
        .setStreamPartition(0)
        .setTimestamp(at.timestamp())
        .setSequenceNumber(at.sequenceNumber())
        .setMessageChainId(Persistor.CHAIN_ID);
    previous.ifPresent(
        head ->
            builder
                .getPreviousMessageRefBuilder()
                .setTimestamp(head.timestamp())
                .setSequenceNumber(head.sequenceNumber()));
    return builder
        .setContentMessage(
            ContentMessage.newBuilder()
                .setContent(ByteString.copyFrom(content))
                .setContentType(ContentType.JSON)
                .setEncryptionType(EncryptionType.NONE))
        .build();
  }
}
