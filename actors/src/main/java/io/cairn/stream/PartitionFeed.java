package io.cairn.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongFunction;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;

/**
 * The one way to follow a stream partition: its stored events from a position (the history), then
 * every event stored after that, as it is stored (live), each once and in the partition's order.
 *
 * <p>A feed subscribes to the partition's {@link PartitionTopics topic} first and only then asks
 * the partition for its last sequence number. That answer is the feed's <em>confirmed
 * position</em>, the value its source materializes to: the history is read up to it, and every
 * event stored after it is delivered exactly once, in sequence order. Live deliveries arrive at
 * most once, so:
 *
 * <ul>
 *   <li>a live event past one not yet delivered (a delivery lost between nodes, or live events a
 *       {@link LiveBuffer#repairing repairing} buffer dropped) first brings the missing ones from
 *       the journal;
 *   <li>a head announcement ({@link PartitionTopics.Delivery#head}) beyond what was delivered
 *       brings the rest from the journal;
 *   <li>a live event at or below what was delivered (history and live overlap at the seam) is
 *       dropped.
 * </ul>
 *
 * <p>A topic subscription spreads through the cluster by gossip, and until the partition's node
 * knows of it nothing live arrives from there: not the events of a stream just created, nor the
 * head announcement after them. So after confirmation a feed asks for the head again a few times,
 * {@link #FIRST_POLL} after it and then at doubling intervals for about half a minute (a few gossip
 * rounds), treating each answer as a head announcement.
 *
 * <p>Resend filters (one publisher, one message chain) belong to the history: the {@link
 * History#resend resend} query applies them, and live events are never filtered, as in Streamr.
 */
public final class PartitionFeed {
  static final Duration FIRST_POLL = Duration.ofMillis(250);

  /** Polls after confirmation: 250 ms, then doubling, 31.75 s in all. */
  static final int POLLS = 7;

  /** One stored event of the partition and its sequence number there. */
  public record Event(long sequenceNr, byte[] message) {}

  /** Which stored events come before the live ones; never any after the confirmed position. */
  public sealed interface History {
    /** Live events only. */
    static History none() {
      return new Resend(head -> Source.empty());
    }

    /**
     * Every event stored after {@code sequenceNr}: a follower that goes on where it stopped. Live
     * delivery starts after {@code sequenceNr} if that is beyond the confirmed position.
     */
    static History after(long sequenceNr) {
      return new After(sequenceNr);
    }

    /**
     * A resend query ({@link Resends#last}, {@link Resends#from}, ...) made for the confirmed
     * position it is given (the last N are the last N there, not when the query happens to run),
     * and cut at it.
     */
    static History resend(LongFunction<Source<Resends.Resent, NotUsed>> queryUpTo) {
      return new Resend(queryUpTo);
    }
  }

  private record After(long sequenceNr) implements History {}

  private record Resend(LongFunction<Source<Resends.Resent, NotUsed>> queryUpTo)
      implements History {}

  /**
   * The live events a feed holds while its consumer is busy (with history, or slow): deliveries are
   * taken from the topic as they come and counted per event.
   *
   * @param failWhenFull whether a full buffer fails the feed with {@link
   *     org.apache.pekko.stream.BufferOverflowException}, or drops the oldest waiting events, which
   *     are then read from the journal when their turn comes
   */
  public record LiveBuffer(int events, boolean failWhenFull) {
    public LiveBuffer {
      if (events < 1) {
        throw new IllegalArgumentException("a live buffer holds at least one event");
      }
    }

    /** For a consumer that must keep up, such as a WebSocket subscriber. */
    public static LiveBuffer failing(int events) {
      return new LiveBuffer(events, true);
    }

    /** For a consumer that may fall behind and read from the journal instead. */
    public static LiveBuffer repairing(int events) {
      return new LiveBuffer(events, false);
    }

    OverflowStrategy overflow() {
      return failWhenFull ? OverflowStrategy.fail() : OverflowStrategy.dropHead();
    }
  }

  private final PartitionTopics topics;
  private final Resends resends;

  public PartitionFeed(ActorSystem<?> system, Resends resends) {
    this.topics = PartitionTopics.get(system);
    this.resends = resends;
  }

  /**
   * The events of {@code streamPartition} ({@code <stream id>#<partition>}) that {@code history}
   * selects, then every event stored after the confirmed position. The source materializes to the
   * confirmed position; it fails when the partition does not answer.
   */
  public Source<Event, CompletionStage<Long>> follow(
      String streamPartition, History history, LiveBuffer buffer) {
    return follow(
        streamPartition,
        history,
        buffer,
        ActorSource.<PartitionTopics.Delivery>actorRef(
                any -> false, any -> Optional.empty(), buffer.events(), buffer.overflow())
            .mapMaterializedValue(
                subscriber -> {
                  // the topic watches the subscriber and drops it when this feed ends; an
                  // unsubscribe as well would deregister a last subscriber's topic twice, which
                  // stops the receptionist
                  topics.subscribe(streamPartition, subscriber);
                  return NotUsed.getInstance();
                })
            .merge(polls(streamPartition)));
  }

  /**
   * As the public {@code follow}, with {@code deliveries} in place of the topic's and the polls:
   * what reached this node, for tests that lose some on the way. The head is asked once {@code
   * deliveries} is materialized.
   */
  Source<Event, CompletionStage<Long>> follow(
      String streamPartition,
      History history,
      LiveBuffer buffer,
      Source<PartitionTopics.Delivery, ?> deliveries) {
    return Source.<Event, CompletionStage<Long>>fromMaterializer(
            (materializer, attributes) -> {
              CompletableFuture<Long> confirmed = new CompletableFuture<>();
              Source<Signal, NotUsed> live =
                  deliveries
                      .mapMaterializedValue(
                          subscribed -> {
                            resends
                                .head(streamPartition)
                                .whenComplete(
                                    (head, failure) -> {
                                      if (failure == null) {
                                        confirmed.complete(head);
                                      } else {
                                        confirmed.completeExceptionally(failure);
                                      }
                                    });
                            return NotUsed.getInstance();
                          })
                      .mapConcat(PartitionFeed::signals)
                      .buffer(buffer.events(), buffer.overflow());
              // concat materializes the live part at once, so the topic is subscribed and
              // buffered while the history is read
              Source<Event, NotUsed> events =
                  Source.completionStage(confirmed)
                      .flatMapConcat(position -> historyUpTo(streamPartition, history, position))
                      .concat(
                          Source.completionStage(confirmed)
                              .<Signal>map(position -> new Start(liveAfter(history, position)))
                              .concat(live)
                              .statefulMapConcat(() -> new Seam(streamPartition))
                              .flatMapConcat(steps -> steps));
              return events.mapMaterializedValue(any -> (CompletionStage<Long>) confirmed);
            })
        .mapMaterializedValue(started -> started.thenCompose(confirmed -> confirmed));
  }

  private Source<Event, NotUsed> historyUpTo(String streamPartition, History history, long head) {
    Source<Resends.Resent, NotUsed> stored;
    if (history instanceof After after) {
      stored =
          after.sequenceNr() >= head
              ? Source.empty()
              : resends.after(streamPartition, after.sequenceNr());
    } else {
      stored = ((Resend) history).queryUpTo().apply(head);
    }
    return stored.takeWhile(event -> event.sequenceNr() <= head).map(PartitionFeed::event);
  }

  /** Where live delivery starts: the confirmed position, or later if the history says so. */
  private static long liveAfter(History history, long head) {
    return history instanceof After after ? Math.max(head, after.sequenceNr()) : head;
  }

  private Source<PartitionTopics.Delivery, NotUsed> polls(String streamPartition) {
    return Source.iterate(FIRST_POLL, delay -> delay.multipliedBy(2))
        .take(POLLS)
        .flatMapConcat(delay -> Source.single(delay).initialDelay(delay))
        // a poll that gets no answer is no loss: the next one, or the next delivery, repairs
        .mapAsync(
            1,
            delay ->
                resends
                    .head(streamPartition)
                    .handle(
                        (head, failure) ->
                            failure == null
                                ? List.of(PartitionTopics.Delivery.head(streamPartition, head))
                                : List.<PartitionTopics.Delivery>of()))
        .mapConcat(answer -> answer);
  }

  private static Event event(Resends.Resent resent) {
    return new Event(resent.sequenceNr(), resent.stored().message());
  }

  /** What the seam sees: where live delivery starts, then live events and head announcements. */
  private sealed interface Signal {}

  private record Start(long position) implements Signal {}

  private record Live(Event event) implements Signal {}

  private record Head(long lastSequenceNr) implements Signal {}

  private static List<Signal> signals(PartitionTopics.Delivery delivery) {
    if (delivery.messages().isEmpty()) {
      return List.of(new Head(delivery.lastSequenceNr()));
    }
    List<Signal> events = new ArrayList<>(delivery.messages().size());
    for (int i = 0; i < delivery.messages().size(); i++) {
      events.add(new Live(new Event(delivery.firstSequenceNr() + i, delivery.messages().get(i))));
    }
    return events;
  }

  /**
   * Joins the live signals to what was delivered: each signal becomes the sources of what it
   * brings, the journal's missing events first. The position is this stage's own, changed only as
   * signals pass through it, one at a time.
   */
  private final class Seam implements Function<Signal, Iterable<Source<Event, NotUsed>>> {
    private final String streamPartition;
    private long delivered;

    Seam(String streamPartition) {
      this.streamPartition = streamPartition;
    }

    @Override
    public Iterable<Source<Event, NotUsed>> apply(Signal signal) {
      if (signal instanceof Start start) {
        delivered = start.position();
        return List.of();
      }
      // a live event shows the ones before it stored; an announcement, those up to itself
      long last =
          signal instanceof Live live
              ? live.event().sequenceNr()
              : ((Head) signal).lastSequenceNr();
      long missingTo = signal instanceof Live ? last - 1 : last;
      if (last <= delivered) {
        return List.of();
      }
      List<Source<Event, NotUsed>> steps = new ArrayList<>(2);
      if (missingTo > delivered) {
        long to = missingTo;
        steps.add(
            resends
                .after(streamPartition, delivered)
                .takeWhile(missed -> missed.sequenceNr() <= to)
                .map(PartitionFeed::event));
      }
      if (signal instanceof Live live) {
        steps.add(Source.single(live.event()));
      }
      delivered = last;
      return steps;
    }
  }
}
