package io.cairn.stream;

import io.cairn.cluster.NodeRole;
import io.cairn.journal.JournalDatabase;
import io.cairn.journal.JournalSession;
import io.cairn.projection.Projections;
import io.cairn.protocol.EthereumAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * The table stream search reads: every stream's id, owner, description and whether it was deleted,
 * written by a projection over {@link Stream} events. It trails the streams by the projection's
 * delay (about a second): a stream created just now may not be found yet.
 */
public final class StreamDirectory {
  static final String PROJECTION = "stream-directory";

  private final JournalDatabase database;

  StreamDirectory(ActorSystem<?> system) {
    this.database = JournalDatabase.get(system);
  }

  /** On nodes with the stream role: keeps the table. */
  public static void start(ActorSystem<?> system) {
    Projections.exactlyOnce(
        system, PROJECTION, Stream.SLICES, NodeRole.STREAM, DirectoryWriter::new);
  }

  /**
   * Ids of up to {@code max} streams not deleted, of {@code owner} (every owner when empty), whose
   * id or description holds {@code text} ignoring case (every one when empty), in id order.
   */
  CompletionStage<List<String>> search(
      Optional<EthereumAddress> owner, Optional<String> text, int max) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT \"stream_id\" FROM \"stream_directory\" WHERE \"deleted\" = FALSE");
    owner.ifPresent(any -> sql.append(" AND \"owner\" = ?"));
    text.ifPresent(
        any ->
            sql.append(
                " AND (LOWER(\"stream_id\") LIKE ? ESCAPE '\\'"
                    + " OR LOWER(\"description\") LIKE ? ESCAPE '\\')"));
    sql.append(" ORDER BY \"stream_id\" LIMIT ?");
    return database.read(
        connection -> {
          try (PreparedStatement query = connection.prepareStatement(sql.toString())) {
            int parameter = 1;
            if (owner.isPresent()) {
              query.setString(parameter++, owner.get().value());
            }
            if (text.isPresent()) {
              String pattern = "%" + likeLiteral(text.get().toLowerCase(Locale.ROOT)) + "%";
              query.setString(parameter++, pattern);
              query.setString(parameter++, pattern);
            }
            query.setInt(parameter, max);
            List<String> ids = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
              while (rows.next()) {
                ids.add(rows.getString(1));
              }
            }
            return ids;
          }
        });
  }

  /** {@code text} matched as it is by LIKE: its wildcards and the escape character escaped. */
  private static String likeLiteral(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  /** Applies one Stream event to the table, in the offset's transaction. */
  private static final class DirectoryWriter
      extends JdbcHandler<EventEnvelope<Stream.Event>, JournalSession> {
    @Override
    public void process(JournalSession session, EventEnvelope<Stream.Event> envelope)
        throws Exception {
      String streamId = PersistenceId.extractEntityId(envelope.persistenceId());
      session.withConnection(
          connection -> {
            Stream.Event event = envelope.event();
            if (event instanceof Stream.Created created) {
              update(
                  connection,
                  """
                  INSERT INTO "stream_directory" ("stream_id", "owner", "description", "deleted")
                  VALUES (?, ?, ?, FALSE)""",
                  streamId,
                  created.owner().value(),
                  created.description());
            } else if (event instanceof Stream.Updated updated) {
              update(
                  connection,
                  """
                  UPDATE "stream_directory" SET "description" = ? WHERE "stream_id" = ?""",
                  updated.description(),
                  streamId);
            } else if (event instanceof Stream.Deleted) {
              update(
                  connection,
                  """
                  UPDATE "stream_directory" SET "deleted" = TRUE WHERE "stream_id" = ?""",
                  streamId);
            }
            // grants and revocations change nothing search reads
            return null;
          });
    }

    private static void update(Connection connection, String sql, String... values)
        throws SQLException {
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        for (int i = 0; i < values.length; i++) {
          statement.setString(i + 1, values[i]);
        }
        statement.executeUpdate();
      }
    }
  }
}
