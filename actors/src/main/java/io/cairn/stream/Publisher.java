package io.cairn.stream;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.MessageId;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.event.EventVerification;
import io.cairn.protocol.event.EventVerifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * checks the chain and stores the event. Signatures are checked here, on every node's cores, not in
 * the partition's single actor. Events still reach their partition in the order they were handed to
 * {@link #publish}: a chain published in a pipeline stays in order.
 */
public final class Publisher {
  private final ClusterSharding sharding;
  private final StreamSettings settings;
  private final StreamCache streams;
  private final EventVerifier verifier;

  /**
   * Events in one batch at most. No more than a chain's window of recent positions: if a batch is
   * stored but its answer lost, every event of it sent again is still recognised as stored.
   */
  private static final int MAX_BATCH = StreamPartition.RECENT_POSITIONS;

  /**
   * Bytes of events in one batch at most, unless it is a single larger event: a batch, and its
   * delivery to subscribers on other nodes, must fit one cluster frame (2 MiB, see
   * cairn/large-messages.conf), and so must one event of the largest content.
   */
  private static final int MAX_BATCH_BYTES = 1024 * 1024;

  /**
   * How long, in ask timeouts, a chain's later events are refused after a failed write: long enough
   * for a publisher to send the failed events again, short enough that one which gave them up can
   * go on (its next event is then stored with a gap).
   */
  private static final int FENCE_ASK_TIMEOUTS = 3;

  /**
   * An event handed in: its chain and place in it, its checks, and its acknowledgement once the
   * partition has stored it.
   */
  private record Pending(
      String chain,
      StreamPartition.Position position,
      CompletableFuture<StreamPartition.Incoming> checked,
      CompletableFuture<StreamPartition.Ack> ack) {}

  /**
   * A queue per partition with events on their way; a queue is dropped as soon as it is empty, so a
   * node that has published to millions of partitions holds only those busy now.
   */
  private final ConcurrentMap<String, PartitionQueue> queues = new ConcurrentHashMap<>();

  /**
   * A chain whose write failed at {@code from}: its later events wait until that one is sent again.
   */
  private record Fence(StreamPartition.Position from, long untilNanos) {}

  /**
   * The events for one partition in the order they arrived. While a batch is with the partition the
   * next ones wait; when it answers, every checked event at the head of the queue goes as the next
   * batch, in one journal write. Busy partitions get big batches, quiet ones single events.
   *
   * <p>When a batch gets no answer (its node died, or the journal failed) its events may or may not
   * be stored. The events of the same chains behind it are then refused as {@code UNAVAILABLE}
   * until the first failed event is sent again: stored before it, they would open a gap that makes
   * the retried events older than the chain's head, refused for good. An event whose checks could
   * not run (the stream's entity did not answer in time) holds its chain back the same way.
   */
  private final class PartitionQueue {
    private final String part;
    private final Deque<Pending> waiting = new ArrayDeque<>();
    private final Map<String, Fence> fences = new HashMap<>();
    private boolean inFlight;

    PartitionQueue(String part) {
      this.part = part;
    }

    synchronized void add(Pending pending) {
      waiting.addLast(pending);
    }

    /** Nothing waits, nothing is in flight, no failed write holds its chain back. */
    synchronized boolean idle() {
      long now = System.nanoTime();
      fences.values().removeIf(fence -> now - fence.untilNanos() > 0);
      return !inFlight && waiting.isEmpty() && fences.isEmpty();
    }

    /**
     * Leaves the map once idle. Called without this queue's lock held: {@link #publish} takes the
     * map's lock for the partition before this one, so this must not take them the other way.
     */
    private void forgetIfIdle() {
      queues.computeIfPresent(part, (key, queue) -> queue == this && idle() ? null : queue);
    }

    void dispatch() {
      List<Pending> batch = new ArrayList<>();
      // completed only after the lock is released: a caller's continuation may publish again
      Map<Pending, Throwable> refusals = new LinkedHashMap<>();
      synchronized (this) {
        if (inFlight) {
          return;
        }
        int batchBytes = 0;
        while (!waiting.isEmpty()
            && waiting.peekFirst().checked().isDone()
            && batch.size() < MAX_BATCH) {
          Pending next = waiting.peekFirst();
          Throwable refused = next.checked().handle((event, failure) -> failure).join();
          if (refused != null && couldNotCheck(refused)) {
            fence(next.chain(), next.position());
          }
          if (refused == null) {
            refused = behindFailedWrite(next.checked().join()).orElse(null);
          }
          if (refused != null) {
            waiting.pollFirst();
            refusals.put(next, refused);
            continue;
          }
          int size = next.checked().join().message().length;
          if (!batch.isEmpty() && batchBytes + size > MAX_BATCH_BYTES) {
            break;
          }
          waiting.pollFirst();
          batch.add(next);
          batchBytes += size;
        }
        if (!batch.isEmpty()) {
          inFlight = true;
        }
      }
      refusals.forEach((refusedEvent, reason) -> refusedEvent.ack().completeExceptionally(reason));
      if (batch.isEmpty()) {
        forgetIfIdle();
        return;
      }
      List<StreamPartition.Incoming> events =
          batch.stream().map(pending -> pending.checked().join()).toList();
      sharding
          .entityRefFor(StreamPartition.ENTITY_KEY, part)
          .<StreamPartition.Outcomes>askWithStatus(
              replyTo -> new StreamPartition.PublishBatch(events, replyTo), settings.askTimeout())
          .whenComplete(
              (outcomes, failure) -> {
                if (failure != null) {
                  fence(events);
                }
                for (int i = 0; i < batch.size(); i++) {
                  CompletableFuture<StreamPartition.Ack> ack = batch.get(i).ack();
                  if (failure != null) {
                    ack.completeExceptionally(failure);
                  } else {
                    StreamPartition.Outcome outcome = outcomes.outcomes().get(i);
                    outcome
                        .ack()
                        .ifPresentOrElse(
                            ack::complete,
                            () -> ack.completeExceptionally(outcome.refused().orElseThrow()));
                  }
                }
                synchronized (this) {
                  inFlight = false;
                }
                dispatch();
              });
    }

    private synchronized void fence(List<StreamPartition.Incoming> failed) {
      for (StreamPartition.Incoming event : failed) {
        fence(event.chain(), event.position());
      }
    }

    private synchronized void fence(String chain, StreamPartition.Position from) {
      long until =
          System.nanoTime() + settings.askTimeout().multipliedBy(FENCE_ASK_TIMEOUTS).toNanos();
      fences.merge(
          chain,
          new Fence(from, until),
          (fence, other) -> fence.from().compareTo(other.from()) <= 0 ? fence : other);
    }

    /**
     * Refuses an event whose chain has an earlier failed write not yet sent again; a retry lifts
     * the fence.
     */
    private Optional<Rejection> behindFailedWrite(StreamPartition.Incoming event) {
      Fence fence = fences.get(event.chain());
      if (fence == null) {
        return Optional.empty();
      }
      if (event.position().compareTo(fence.from()) <= 0
          || System.nanoTime() - fence.untilNanos() > 0) {
        fences.remove(event.chain());
        return Optional.empty();
      }
      return Optional.of(
          new Rejection(
              ErrorCode.UNAVAILABLE,
              "the write of event "
                  + fence.from()
                  + " of chain "
                  + event.chain()
                  + " failed; send the chain again from that event"));
    }
  }

  public Publisher(
      ActorSystem<?> system, StreamSettings settings, StreamCache streams, EventVerifier verifier) {
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
    Pending pending =
        new Pending(
            chain(id),
            new StreamPartition.Position(id.getTimestamp(), id.getSequenceNumber()),
            check(message).toCompletableFuture(),
            new CompletableFuture<>());
    PartitionQueue queue =
        queues.compute(
            part,
            (key, existing) -> {
              PartitionQueue joined = existing == null ? new PartitionQueue(key) : existing;
              joined.add(pending);
              return joined;
            });
    pending.checked().whenComplete((event, refused) -> queue.dispatch());
    return pending.ack();
  }

  /**
   * The chain an event belongs to, as the partition keys its chains: the publisher's address and
   * the message chain id.
   */
  private static String chain(MessageId id) {
    return "0x"
        + HexFormat.of().formatHex(id.getPublisherId().toByteArray())
        + "|"
        + id.getMessageChainId();
  }

  /**
   * Whether a refusal says nothing about the event itself: the checks did not get an answer in time
   * or failed inside the node, so the publisher may send it again.
   */
  private static boolean couldNotCheck(Throwable refused) {
    ErrorCode code = Rejection.of(refused).code();
    return code == ErrorCode.UNAVAILABLE || code == ErrorCode.INTERNAL;
  }

  /** Partitions with events on their way through this publisher now. */
  public int partitionsInFlight() {
    return queues.size();
  }

  /** Checks 1 to 6, in order; the first that fails is the answer. */
  private CompletionStage<StreamPartition.Incoming> check(StreamMessage message) {
    MessageId id = message.getMessageId();
    return streams
        .get(id.getStreamId())
        .thenCompose(
            stream -> {
              // a refusal thrown here fails the check, as the failed futures below do
              stream.requirePartition(id.getStreamPartition());
              int size = message.getContentMessage().getContent().size();
              if (size > settings.maxContentBytes()) {
                return failed(
                    ErrorCode.CONTENT_TOO_LARGE,
                    "the content has "
                        + size
                        + " bytes; the limit is "
                        + settings.maxContentBytes());
              }
              EventVerification verification =
                  verifier.verifyArrival(message, stream.streamId(), id.getStreamPartition());
              if (!verification.accepted()) {
                return CompletableFuture.failedFuture(verification.rejection());
              }
              EthereumAddress publisher =
                  new EthereumAddress(
                      "0x" + HexFormat.of().formatHex(id.getPublisherId().toByteArray()));
              StreamAccess.requirePublisher(stream, publisher);
              StreamPartition.Position position =
                  new StreamPartition.Position(id.getTimestamp(), id.getSequenceNumber());
              Optional<StreamPartition.Position> previous =
                  message.hasPreviousMessageRef()
                      ? Optional.of(
                          new StreamPartition.Position(
                              message.getPreviousMessageRef().getTimestamp(),
                              message.getPreviousMessageRef().getSequenceNumber()))
                      : Optional.empty();
              return CompletableFuture.completedFuture(
                  new StreamPartition.Incoming(
                      message.toByteArray(), chain(id), position, previous));
            });
  }

  private static <T> CompletionStage<T> failed(ErrorCode code, String message) {
    return CompletableFuture.failedFuture(new Rejection(code, message));
  }
}
