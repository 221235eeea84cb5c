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
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Where each stored event of a partition sits in its chain, so that a resend from a chain position
 * starts reading the partition's journal at the first event it returns instead of at the first
 * event of the partition. A projection over {@link StreamPartition} events writes one row per event
 * (partition, chain position, sequence number) and, per partition, the sequence numbers it has
 * indexed so far; the first must be 1, or the partition has events from before the index and
 * nothing is skipped.
 *
 * <p>The index trails the journal by the projection's delay: events stored since are not in it, so
 * a query also reads everything after the last indexed event. Results are therefore the same
 * whether the index has caught up or not; only their cost differs.
 */
public final class PartitionIndex {
  static final String PROJECTION = "partition-index";

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
  private record Indexed(long first, long last) {
    Indexed then(Indexed next) {
      return new Indexed(first, next.last);
    }
  }

  private final JournalDatabase database;

  public PartitionIndex(ActorSystem<?> system) {
    this.database = JournalDatabase.get(system);
  }

  /** On nodes with the stream role: keeps the index of every partition. */
  public static void start(ActorSystem<?> system) {
    Projections.grouped(
        system, PROJECTION, StreamPartition.SLICES, NodeRole.STREAM, IndexWriter::new);
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
   * how far the projection has come.
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
    // rows written after the progress row was read are in the unindexed part already
    try (PreparedStatement query =
        connection.prepareStatement(
            """
            SELECT MIN("sequence_nr"), MAX("sequence_nr") FROM "partition_index"
            WHERE "stream_partition" = ?
              AND "chain_timestamp" >= ? AND NOT ("chain_timestamp" = ? AND "chain_sequence_number" < ?)
              AND "chain_timestamp" <= ? AND NOT ("chain_timestamp" = ? AND "chain_sequence_number" > ?)
              AND "sequence_nr" < ?""")) {
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
            SELECT "first_sequence_nr", "last_sequence_nr" FROM "partition_index_progress"
            WHERE "stream_partition" = ?""")) {
      query.setString(1, streamPartition);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? new Indexed(rows.getLong(1), rows.getLong(2)) : null;
      }
    }
  }

  /** Writes a group of stored events and the partitions' progress, in the offset's transaction. */
  private static final class IndexWriter
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
      Map<String, Indexed> written = new HashMap<>();
      try (PreparedStatement insert =
          connection.prepareStatement(
              """
              INSERT INTO "partition_index"
                ("stream_partition", "chain_timestamp", "chain_sequence_number", "sequence_nr")
              VALUES (?, ?, ?, ?)""")) {
        for (EventEnvelope<StreamPartition.Event> envelope : envelopes) {
          String streamPartition = PersistenceId.extractEntityId(envelope.persistenceId());
          StreamPartition.Stored stored = (StreamPartition.Stored) envelope.event();
          insert.setString(1, streamPartition);
          insert.setLong(2, stored.position().timestamp());
          insert.setInt(3, stored.position().sequenceNumber());
          insert.setLong(4, envelope.sequenceNr());
          insert.addBatch();
          written.merge(
              streamPartition,
              new Indexed(envelope.sequenceNr(), envelope.sequenceNr()),
              Indexed::then);
        }
        insert.executeBatch();
      }
      for (Map.Entry<String, Indexed> partition : written.entrySet()) {
        recordProgress(connection, partition.getKey(), partition.getValue());
      }
      forgetIndexedTags(connection, envelopes);
    }

    /**
     * Deletes the tag rows of the events just indexed. This index is the only reader of the
     * partitions' tags, and H2 finds the events after a projection's offset by reading its tag's
     * rows from the first: kept, they would make every poll slower as the partitions grow (the load
     * generator fell from 10,000 to 6,500 events/s in three runs). Deleted in the offset's
     * transaction, they go exactly when they have served. An index built again from nothing starts
     * at the events stored after that, and resends scan the part before, as for partitions stored
     * before their events were tagged.
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

    private static void recordProgress(
        Connection connection, String streamPartition, Indexed written) throws SQLException {
      try (PreparedStatement update =
          connection.prepareStatement(
              """
              UPDATE "partition_index_progress" SET "last_sequence_nr" = ?
              WHERE "stream_partition" = ?""")) {
        update.setLong(1, written.last());
        update.setString(2, streamPartition);
        if (update.executeUpdate() == 1) {
          return;
        }
      }
      try (PreparedStatement insert =
          connection.prepareStatement(
              """
              INSERT INTO "partition_index_progress"
                ("stream_partition", "first_sequence_nr", "last_sequence_nr")
              VALUES (?, ?, ?)""")) {
        insert.setString(1, streamPartition);
        insert.setLong(2, written.first());
        insert.setLong(3, written.last());
        insert.executeUpdate();
      }
    }
  }
}
