package io.cairn.stream;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Stored events read back from the journal, as the Streamr storage node's resend queries ask for
 * them: the last N, from a position, or within a range, optionally of one publisher or one chain.
 * Results are streams: they are read in pages as the consumer takes them. A query by position
 * starts reading where the {@link PartitionIndex} says its first event is.
 */
public final class Resends {
  /** Which events a resend wants, besides their position. */
  public record Filter(Optional<String> publisherId, Optional<String> messageChainId)
      implements Predicate<StreamPartition.Stored> {
    public static final Filter ALL = new Filter(Optional.empty(), Optional.empty());

    /**
     * A resend's {@code publisherId} and {@code msgChainId} as every transport reads them: empty
     * means any; a publisher id in any case is the address it spells, and one that is no address is
     * refused {@code MALFORMED_REQUEST} rather than matched against nothing.
     */
    public static Filter parse(Optional<String> publisherId, Optional<String> messageChainId) {
      return new Filter(
          publisherId.filter(id -> !id.isEmpty()).map(Filter::publisher),
          messageChainId.filter(id -> !id.isEmpty()));
    }

    private static String publisher(String id) {
      String lowerCase = id.toLowerCase(Locale.ROOT);
      if (!EthereumAddress.isCanonical(lowerCase)) {
        throw new Rejection(
            ErrorCode.MALFORMED_REQUEST,
            "publisherId '" + id + "' is not an address (0x followed by 40 hex digits)");
      }
      return lowerCase;
    }

    @Override
    public boolean test(StreamPartition.Stored stored) {
      int bar = stored.chain().indexOf('|');
      return publisherId.map(p -> p.equalsIgnoreCase(stored.chain().substring(0, bar))).orElse(true)
          && messageChainId.map(c -> c.equals(stored.chain().substring(bar + 1))).orElse(true);
    }

    boolean isAll() {
      return publisherId.isEmpty() && messageChainId.isEmpty();
    }
  }

  /**
   * A stored event and its sequence number in the partition's journal, which orders the partition.
   */
  public record Resent(long sequenceNr, StreamPartition.Stored stored) {}

  /** A position no event passes: the open end of a query from a position. */
  private static final StreamPartition.Position END =
      new StreamPartition.Position(Long.MAX_VALUE, Integer.MAX_VALUE);

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final CurrentEventsByPersistenceIdQuery journal;
  private final Duration askTimeout;
  private final PartitionIndex index;

  public Resends(ActorSystem<?> system, String readJournalPluginId, Duration askTimeout) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.index = new PartitionIndex(system);
    this.journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(CurrentEventsByPersistenceIdQuery.class, readJournalPluginId);
    this.askTimeout = askTimeout;
  }

  /** The sequence number of the partition's last stored event; 0 when it has none. */
  public CompletionStage<Long> head(String streamPartition) {
    return sharding
        .entityRefFor(StreamPartition.ENTITY_KEY, streamPartition)
        .<StreamPartition.Head>askWithStatus(StreamPartition.GetHead::new, askTimeout)
        .thenApply(StreamPartition.Head::lastSequenceNr);
  }

  /**
   * The last {@code count} events of the partition that pass the filter, oldest first. The head is
   * asked when the source runs, not when it is made: a feed runs its history after confirming its
   * position, and a head asked before that could end the history short of it, leaving a gap.
   */
  public Source<Resent, NotUsed> last(String streamPartition, int count, Filter filter) {
    return Source.lazyCompletionStage(() -> head(streamPartition))
        .flatMapConcat(head -> last(streamPartition, count, filter, head));
  }

  /**
   * The last {@code count} events up to {@code head} that pass the filter, oldest first: a
   * subscription's history, as of the position it was confirmed at.
   */
  public Source<Resent, NotUsed> last(String streamPartition, int count, Filter filter, long head) {
    return filter.isAll()
        ? stored(streamPartition, Math.max(1, head - count + 1), head)
        // one publisher's last events can lie anywhere in the partition
        : Source.completionStage(
                stored(streamPartition, 1, head)
                    .filter(event -> filter.test(event.stored()))
                    .runWith(Sink.takeLast(count), system))
            .mapConcat(events -> events);
  }

  /** Events at or after {@code from} in their chains' order. */
  public Source<Resent, NotUsed> from(
      String streamPartition, StreamPartition.Position from, Filter filter) {
    return Source.lazyCompletionStage(() -> index.find(streamPartition, from, END))
        .flatMapConcat(span -> stored(streamPartition, span.start(), Long.MAX_VALUE))
        .filter(event -> event.stored().position().compareTo(from) >= 0)
        .filter(event -> filter.test(event.stored()));
  }

  /** Events from {@code from} to {@code to}, both included. */
  public Source<Resent, NotUsed> range(
      String streamPartition,
      StreamPartition.Position from,
      StreamPartition.Position to,
      Filter filter) {
    return Source.lazyCompletionStage(() -> index.find(streamPartition, from, to))
        .flatMapConcat(
            span ->
                (span.first() <= span.last()
                        ? stored(streamPartition, span.first(), span.last())
                        : Source.<Resent>empty())
                    .concat(stored(streamPartition, span.unindexedFrom(), Long.MAX_VALUE)))
        .filter(event -> event.stored().position().compareTo(from) >= 0)
        .filter(event -> event.stored().position().compareTo(to) <= 0)
        .filter(event -> filter.test(event.stored()));
  }

  /** Every event stored after {@code sequenceNr}: what a subscriber missed. */
  public Source<Resent, NotUsed> after(String streamPartition, long sequenceNr) {
    return stored(streamPartition, sequenceNr + 1, Long.MAX_VALUE);
  }

  private Source<Resent, NotUsed> stored(
      String streamPartition, long fromSequenceNr, long toSequenceNr) {
    return journal
        .currentEventsByPersistenceId(
            StreamPartition.ENTITY_KEY.name() + "|" + streamPartition, fromSequenceNr, toSequenceNr)
        .map(
            envelope ->
                new Resent(envelope.sequenceNr(), (StreamPartition.Stored) envelope.event()));
  }
}
