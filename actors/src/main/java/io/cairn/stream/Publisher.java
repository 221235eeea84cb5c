package io.cairn.stream;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.event.EventRejectReason;
import io.cairn.protocol.event.EventVerification;
import io.cairn.protocol.event.EventVerifier;
import io.cairn.protocol.proto.event.MessageId;
import io.cairn.protocol.proto.event.StreamMessage;
import io.cairn.protocol.stream.Permission;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;

/**
 * Publishing on this node. Checks, in this order, each refused with its own code: the stream
 * exists, the partition is in range, the content is within the size limit, the signature is valid,
 * it recovers to the publisher id, the publisher holds {@code publish}. Then the partition entity
 * checks the chain and stores the event. Signatures are checked here, on every node's cores, not
 * in the partition's single actor. Events still reach their partition in the order they were
 * handed to {@link #publish}: a chain published in a pipeline stays in order.
 */
public final class Publisher {
  private static final Set<EventRejectReason> SIGNATURE_REASONS = EnumSet.of(
      EventRejectReason.UNSUPPORTED_SIGNATURE_TYPE, EventRejectReason.SIGNATURE_MALFORMED,
      EventRejectReason.HIGH_S, EventRejectReason.BAD_V, EventRejectReason.SIGNATURE_INVALID);

  private final ClusterSharding sharding;
  private final StreamSettings settings;
  private final StreamCache streams;
  private final EventVerifier verifier;

  /** An event that passed checks 1 to 6, ready for its partition. */
  private record Checked(byte[] message, String chain, StreamPartition.Position position,
      Optional<StreamPartition.Position> previous) {
    StreamPartition.Publish to(ActorRef<StatusReply<StreamPartition.Ack>> replyTo) {
      return new StreamPartition.Publish(message, chain, position, previous, replyTo);
    }
  }
  /** Per stream partition, the send of the latest event handed in: the next send waits for it. */
  private final ConcurrentMap<String, CompletableFuture<Void>> lastSends = new ConcurrentHashMap<>();

  public Publisher(ActorSystem<?> system, StreamSettings settings, StreamCache streams, EventVerifier verifier) {
    this.sharding = ClusterSharding.get(system);
    this.settings = settings;
    this.streams = streams;
    this.verifier = verifier;
  }

  public CompletionStage<StreamPartition.Ack> publish(StreamMessage message) {
    if (!message.hasMessageId()) {
      return failed(ErrorCode.INVALID_EVENT, "the event has no messageId");
    }
    MessageId id = message.getMessageId();
    String part = StreamPartition.entityId(id.getStreamId(), id.getStreamPartition());
    CompletableFuture<Checked> checked = check(message).toCompletableFuture();
    CompletableFuture<StreamPartition.Ack> acknowledged = new CompletableFuture<>();
    CompletableFuture<Void> sent = new CompletableFuture<>();
    CompletableFuture<Void> before = lastSends.put(part, sent);
    (before == null ? CompletableFuture.<Void>completedFuture(null) : before)
        .thenCompose(previousSent -> checked)
        .whenComplete((publish, refused) -> {
          if (refused != null) {
            acknowledged.completeExceptionally(refused);
          } else {
            sharding.entityRefFor(StreamPartition.ENTITY_KEY, part)
                .<StreamPartition.Ack>askWithStatus(publish::to, settings.askTimeout())
                .whenComplete((ack, failure) -> {
                  if (failure != null) {
                    acknowledged.completeExceptionally(failure);
                  } else {
                    acknowledged.complete(ack);
                  }
                });
          }
          sent.complete(null);
          lastSends.remove(part, sent);
        });
    return acknowledged;
  }

  /** Checks 1 to 6, in order; the first that fails is the answer. */
  private CompletionStage<Checked> check(StreamMessage message) {
    MessageId id = message.getMessageId();
    return streams.get(id.getStreamId()).thenCompose(stream -> {
      if (id.getStreamPartition() < 0 || id.getStreamPartition() >= stream.partitions()) {
        return failed(ErrorCode.PARTITION_OUT_OF_RANGE, "stream " + stream.streamId() + " has partitions 0 to "
            + (stream.partitions() - 1) + ", not " + id.getStreamPartition());
      }
      int size = message.getContentMessage().getContent().size();
      if (size > settings.maxContentBytes()) {
        return failed(ErrorCode.CONTENT_TOO_LARGE,
            "the content has " + size + " bytes; the limit is " + settings.maxContentBytes());
      }
      EventVerification verification = verifier.verifyArrival(message, stream.streamId(), id.getStreamPartition());
      if (!verification.accepted()) {
        return failed(codeOf(verification.reason()), verification.reason() + ": " + verification.message());
      }
      EthereumAddress publisher = new EthereumAddress("0x" + HexFormat.of().formatHex(id.getPublisherId().toByteArray()));
      if (!stream.may(publisher, Permission.PUBLISH)) {
        return failed(ErrorCode.NOT_PERMITTED, publisher + " lacks the publish permission on " + stream.streamId());
      }
      StreamPartition.Position position = new StreamPartition.Position(id.getTimestamp(), id.getSequenceNumber());
      Optional<StreamPartition.Position> previous = message.hasPreviousMessageRef()
          ? Optional.of(new StreamPartition.Position(
              message.getPreviousMessageRef().getTimestamp(), message.getPreviousMessageRef().getSequenceNumber()))
          : Optional.empty();
      String chain = publisher + "|" + id.getMessageChainId();
      return CompletableFuture.completedFuture(new Checked(message.toByteArray(), chain, position, previous));
    });
  }

  private static ErrorCode codeOf(EventRejectReason reason) {
    if (reason == EventRejectReason.ADDRESS_MISMATCH) {
      return ErrorCode.PUBLISHER_MISMATCH;
    }
    return SIGNATURE_REASONS.contains(reason) ? ErrorCode.INVALID_SIGNATURE : ErrorCode.INVALID_EVENT;
  }

  private static <T> CompletionStage<T> failed(ErrorCode code, String message) {
    return CompletableFuture.failedFuture(new Rejection(code, message));
  }
}
