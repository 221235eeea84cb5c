package io.cairn.pinning;

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
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Which replica has a service check open for which attester, as a table written by a projection
 * over {@link ServiceCheck} events: an attester's tasks are one indexed read. It trails the checks
 * by the projection's delay (about a second), well inside a check's deadline; the check itself is
 * read from its entity.
 */
public final class ServiceCheckDirectory {
  static final String PROJECTION = "pin-service-check-directory";

  private final JournalDatabase database;

  ServiceCheckDirectory(ActorSystem<?> system) {
    this.database = JournalDatabase.get(system);
  }

  /** On nodes with the core role, where the checks live: keeps the table. */
  public static void start(ActorSystem<?> system) {
    Projections.exactlyOnce(
        system, PROJECTION, ServiceCheck.SLICES, NodeRole.CORE, DirectoryWriter::new);
  }

  /** The entity ids of the replicas with a check open for {@code attester}. */
  CompletionStage<List<String>> checkedBy(EthereumAddress attester) {
    return database.read(
        connection -> {
          try (PreparedStatement query =
              connection.prepareStatement(
                  """
                  SELECT "entity_id" FROM "pin_service_checks" WHERE "attester" = ?""")) {
            query.setString(1, attester.value());
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

  /** One row per replica while a check is open on it; none once it is settled or stopped. */
  private static final class DirectoryWriter
      extends JdbcHandler<EventEnvelope<ServiceCheck.Event>, JournalSession> {
    @Override
    public void process(JournalSession session, EventEnvelope<ServiceCheck.Event> envelope)
        throws Exception {
      String entityId = PersistenceId.extractEntityId(envelope.persistenceId());
      ServiceCheck.Event event = envelope.event();
      session.withConnection(
          connection -> {
            if (!(event instanceof ServiceCheck.Watched)) {
              remove(connection, entityId);
            }
            if (event instanceof ServiceCheck.CheckAssigned assigned) {
              try (PreparedStatement insert =
                  connection.prepareStatement(
                      """
                      INSERT INTO "pin_service_checks" ("entity_id", "attester") VALUES (?, ?)""")) {
                insert.setString(1, entityId);
                insert.setString(2, assigned.check().attester().value());
                insert.executeUpdate();
              }
            }
            return null;
          });
    }

    private static void remove(Connection connection, String entityId) throws SQLException {
      try (PreparedStatement delete =
          connection.prepareStatement(
              """
              DELETE FROM "pin_service_checks" WHERE "entity_id" = ?""")) {
        delete.setString(1, entityId);
        delete.executeUpdate();
      }
    }
  }
}
