package io.cairn.stream;

import io.cairn.cluster.NodeRole;
import io.cairn.journal.JournalDatabase;
import io.cairn.journal.JournalSession;
import io.cairn.projection.Projections;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Where a partition's stored events sit in their chains, page by page, so that a resend from a
 * chain position starts reading the partition's journal at the page of its first event instead of
 * at the first event of the partition.
 *
 * <p>A page is {@link #EVENTS_PER_PAGE} consecutive events of a partition's journal. The partition
 * keeps the lowest and highest chain position of the page it is filling, and the event that fills
 * it carries them ({@link Page}); only such events are tagged, and a projection over them writes
 * one row per page. Indexing therefore costs the write path one tagged event in {@value
 * #EVENTS_PER_PAGE}, not a row per event, and a query reads at most one page it did not ask for. A
 * partition's indexed pages run without a hole from the first one the projection saw; when that is
 * not the partition's first page, the partition has events from before the index and nothing is
 * skipped.
 *
 * <p>The index trails the journal by the page being filled and the projection's delay: a query also
 * reads everything after the last indexed page. Results are therefore the same whether the index
 * has caught up or not; only their cost differs.
 */
public final class PartitionIndex {
  static final String PROJECTION = "partition-index";

  /**
   * Events per page: a query reads at most this many events before its first, and the write path
   * tags one event in this many.
   */
  public static final int EVENTS_PER_PAGE = 256;

  /** A position before every other, and one after every other. */
  private static final StreamPartition.Position FIRST =
      new StreamPartition.Position(Long.MIN_VALUE, Integer.MIN_VALUE);

  private static final StreamPartition.Position LAST =
      new StreamPartition.Position(Long.MAX_VALUE, Integer.MAX_VALUE);

  /**
   * The lowest and highest chain position among some events of a partition: the events a page
   * holds, or those of the page being filled.
   */
  public record Bounds(StreamPartition.Position lowest, StreamPartition.Position highest) {
    /**
     * For events whose positions were not kept (a snapshot written before pages were): bounds that
     * no query skips.
     */
    static final Bounds UNKNOWN = new Bounds(FIRST, LAST);

    static Bounds of(StreamPartition.Position position) {
      return new Bounds(position, position);
    }

    /** These bounds widened to {@code position}; {@code bounds} may be null, for no events. */
    static Bounds including(Bounds bounds, StreamPartition.Position position) {
      if (bounds == null) {
        return of(position);
      }
      return new Bounds(
          position.compareTo(bounds.lowest) < 0 ? position : bounds.lowest,
          position.compareTo(bounds.highest) > 0 ? position : bounds.highest);
    }
  }

  /**
   * Carried by the event that fills a page: the page starts at {@code firstSequenceNr} and ends at
   * that event, and its events lie within {@code bounds}.
   */
  public record Page(long firstSequenceNr, Bounds bounds) {
    /** Whether the event at {@code sequenceNr} of a partition's journal fills a page. */
    static boolean isFilledBy(long sequenceNr) {
      return sequenceNr % EVENTS_PER_PAGE == 0;
    }

    static Page filledBy(long sequenceNr, Bounds bounds) {
      return new Page(sequenceNr - EVENTS_PER_PAGE + 1, bounds);
    }
  }

  /**
   * Where the events between two chain positions lie in a partition's journal: each is either in
   * {@code first..last} (the indexed ones; none when {@code first > last}) or at {@code
   * unindexedFrom} or after.
   */
  public record Span(long first, long last, long unindexedFrom) {
    /** Where a read that must see every matching event starts. */
    long start() {
      return first <= last ? first : unindexedFrom;
    }
  }

  /** Sequence numbers of a partition, from {@code first} to {@code last}. */
  private record Indexed(long first, long last) {}

  private final JournalDatabase database;

  public PartitionIndex(ActorSystem<?> system) {
    this.database = JournalDatabase.get(system);
  }

  /** On nodes with the stream role: keeps the index of every partition. */
  public static void start(ActorSystem<?> system) {
    Projections.grouped(
        system, PROJECTION, StreamPartition.SLICES, NodeRole.STREAM, PageWriter::new);
  }

  /**
   * Where the events of {@code streamPartition} at chain positions from {@code from} to {@code to}
   * (both included) are.
   */
  CompletionStage<Span> find(
      String streamPartition, StreamPartition.Position from, StreamPartition.Position to) {
    return database.read(connection -> find(connection, streamPartition, from, to));
  }

  /**
   * The last indexed sequence number of {@code streamPartition}, 0 when nothing of it is indexed:
   * how far the projection has come, always the end of a page.
   */
  public CompletionStage<Long> indexedTo(String streamPartition) {
    return database.read(
        connection -> {
          Indexed progress = progress(connection, streamPartition);
          return progress == null ? 0L : progress.last();
        });
  }

  private static Span find(
      Connection connection,
      String streamPartition,
      StreamPartition.Position from,
      StreamPartition.Position to)
      throws SQLException {
    Indexed progress = progress(connection, streamPartition);
    if (progress == null || progress.first() != 1) {
      return new Span(1, 0, 1);
    }
    long unindexedFrom = progress.last() + 1;
    // pages written after the progress was read are in the unindexed part already
    try (PreparedStatement query =
        connection.prepareStatement(
            """
            SELECT MIN("first_sequence_nr"), MAX("last_sequence_nr") FROM "partition_index_page"
            WHERE "stream_partition" = ?
              AND "highest_timestamp" >= ?
              AND NOT ("highest_timestamp" = ? AND "highest_sequence_number" < ?)
              AND "lowest_timestamp" <= ?
              AND NOT ("lowest_timestamp" = ? AND "lowest_sequence_number" > ?)
              AND "last_sequence_nr" < ?""")) {
      query.setString(1, streamPartition);
      query.setLong(2, from.timestamp());
      query.setLong(3, from.timestamp());
      query.setInt(4, from.sequenceNumber());
      query.setLong(5, to.timestamp());
      query.setLong(6, to.timestamp());
      query.setInt(7, to.sequenceNumber());
      query.setLong(8, unindexedFrom);
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        long first = rows.getLong(1);
        return rows.wasNull()
            ? new Span(unindexedFrom, unindexedFrom - 1, unindexedFrom)
            : new Span(first, rows.getLong(2), unindexedFrom);
      }
    }
  }

  /** The first and last indexed sequence numbers of the partition; null when it has none. */
  private static Indexed progress(Connection connection, String streamPartition)
      throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            """
            SELECT MIN("first_sequence_nr"), MAX("last_sequence_nr") FROM "partition_index_page"
            WHERE "stream_partition" = ?""")) {
      query.setString(1, streamPartition);
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        long first = rows.getLong(1);
        return rows.wasNull() ? null : new Indexed(first, rows.getLong(2));
      }
    }
  }

  /** Writes the pages a group of tagged events fills, in the offset's transaction. */
  private static final class PageWriter
      extends JdbcHandler<List<EventEnvelope<StreamPartition.Event>>, JournalSession> {
    @Override
    public void process(
        JournalSession session, List<EventEnvelope<StreamPartition.Event>> envelopes)
        throws Exception {
      session.withConnection(
          connection -> {
            write(connection, envelopes);
            return null;
          });
    }

    private static void write(
        Connection connection, List<EventEnvelope<StreamPartition.Event>> envelopes)
        throws SQLException {
      try (PreparedStatement insert =
          connection.prepareStatement(
              """
              INSERT INTO "partition_index_page"
                ("stream_partition", "first_sequence_nr", "last_sequence_nr",
                 "lowest_timestamp", "lowest_sequence_number",
                 "highest_timestamp", "highest_sequence_number")
              VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
        for (EventEnvelope<StreamPartition.Event> envelope : envelopes) {
          // events tagged before pages were (each stored event was) fill no page
          Optional<Page> fills = ((StreamPartition.Stored) envelope.event()).fills();
          if (fills.isPresent()) {
            Page page = fills.get();
            insert.setString(1, PersistenceId.extractEntityId(envelope.persistenceId()));
            insert.setLong(2, page.firstSequenceNr());
            insert.setLong(3, envelope.sequenceNr());
            insert.setLong(4, page.bounds().lowest().timestamp());
            insert.setInt(5, page.bounds().lowest().sequenceNumber());
            insert.setLong(6, page.bounds().highest().timestamp());
            insert.setInt(7, page.bounds().highest().sequenceNumber());
            insert.addBatch();
          }
        }
        insert.executeBatch();
      }
      forgetIndexedTags(connection, envelopes);
    }

    /**
     * Deletes the tag rows of the events just indexed. This index is the only reader of the
     * partitions' tags, and H2 finds the events after a projection's offset by reading its tag's
     * rows from the first: kept, they would make every poll slower as the partitions grow. Deleted
     * in the offset's transaction, they go exactly when they have served. An index built again from
     * nothing starts at the pages filled after that, and resends scan the part before, as for
     * partitions stored before their events were tagged.
     */
    private static void forgetIndexedTags(
        Connection connection, List<EventEnvelope<StreamPartition.Event>> envelopes)
        throws SQLException {
      Map<String, Long> lastIndexed = new HashMap<>();
      for (EventEnvelope<StreamPartition.Event> envelope : envelopes) {
        long ordering = ((Sequence) envelope.offset()).value();
        for (String tag :
            StreamPartition.SLICES.tagsFor(
                PersistenceId.extractEntityId(envelope.persistenceId()))) {
          lastIndexed.merge(tag, ordering, Math::max);
        }
      }
      try (PreparedStatement delete =
          connection.prepareStatement(
              """
              DELETE FROM "event_tag" WHERE "tag" = ? AND "event_id" <= ?""")) {
        for (Map.Entry<String, Long> tag : lastIndexed.entrySet()) {
          delete.setString(1, tag.getKey());
          delete.setLong(2, tag.getValue());
          delete.addBatch();
        }
        delete.executeBatch();
      }
    }
  }
}
