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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

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

  /** Events in one batch at most; a busy partition otherwise takes everything waiting. */
  private static final int MAX_BATCH = 1000;

  /** An event handed in: its checks, and its acknowledgement once the partition has stored it. */
  private record Pending(CompletableFuture<StreamPartition.Incoming> checked, CompletableFuture<StreamPartition.Ack> ack) {}

  private final ConcurrentMap<String, PartitionQueue> queues = new ConcurrentHashMap<>();

  /**
   * The events for one partition in the order they arrived. While a batch is with the partition
   * the next ones wait; when it answers, every checked event at the head of the queue goes as the
   * next batch, in one journal write. Busy partitions get big batches, quiet ones single events.
   */
  private final class PartitionQueue {
    private final String part;
    private final Deque<Pending> waiting = new ArrayDeque<>();
    private boolean inFlight;

    PartitionQueue(String part) {
      this.part = part;
    }

    synchronized void add(Pending pending) {
      waiting.addLast(pending);
    }

    void dispatch() {
      List<Pending> batch = new ArrayList<>();
      synchronized (this) {
        if (inFlight) {
          return;
        }
        while (!waiting.isEmpty() && waiting.peekFirst().checked().isDone() && batch.size() < MAX_BATCH) {
          Pending next = waiting.pollFirst();
          Throwable refused = next.checked().handle((event, failure) -> failure).join();
          if (refused != null) {
            next.ack().completeExceptionally(refused);
          } else {
            batch.add(next);
          }
        }
        if (batch.isEmpty()) {
          return;
        }
        inFlight = true;
      }
      List<StreamPartition.Incoming> events = batch.stream().map(pending -> pending.checked().join()).toList();
      sharding.entityRefFor(StreamPartition.ENTITY_KEY, part)
          .<StreamPartition.Outcomes>askWithStatus(replyTo -> new StreamPartition.PublishBatch(events, replyTo),
              settings.askTimeout())
          .whenComplete((outcomes, failure) -> {
            for (int i = 0; i < batch.size(); i++) {
              CompletableFuture<StreamPartition.Ack> ack = batch.get(i).ack();
              if (failure != null) {
                ack.completeExceptionally(failure);
              } else {
                StreamPartition.Outcome outcome = outcomes.outcomes().get(i);
                outcome.ack().ifPresentOrElse(ack::complete,
                    () -> ack.completeExceptionally(outcome.refused().orElseThrow()));
              }
            }
            synchronized (this) {
              inFlight = false;
            }
            dispatch();
          });
    }
  }

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
    Pending pending = new Pending(check(message).toCompletableFuture(), new CompletableFuture<>());
    PartitionQueue queue = queues.computeIfAbsent(part, PartitionQueue::new);
    queue.add(pending);
    pending.checked().whenComplete((event, refused) -> queue.dispatch());
    return pending.ack();
  }

  /** Checks 1 to 6, in order; the first that fails is the answer. */
  private CompletionStage<StreamPartition.Incoming> check(StreamMessage message) {
    MessageId id = message.getMessageId();
    return streams.get(id.getStreamId()).thenCompose(stream -> {
      try {
        stream.requirePartition(id.getStreamPartition());
      } catch (Rejection outOfRange) {
        return CompletableFuture.failedFuture(outOfRange);
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
      return CompletableFuture.completedFuture(new StreamPartition.Incoming(message.toByteArray(), chain, position, previous));
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
