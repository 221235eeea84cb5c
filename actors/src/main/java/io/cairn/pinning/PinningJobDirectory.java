package io.cairn.pinning;

import io.cairn.cluster.NodeRole;
import io.cairn.journal.JournalDatabase;
import io.cairn.journal.JournalSession;
import io.cairn.projection.Projections;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.ledger.Bytes32;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * The table {@code cairn pin list} reads: every pinning job's id and supporter, in the order they
 * were requested, written by a projection over {@link PinningJob} events (a table rather than a
 * persistence query by tag, so a supporter's list is one indexed read however long the journal
 * grows). It trails the jobs by the projection's delay, about a second: a job requested just now
 * may not be listed yet. The jobs' state is read from the jobs themselves.
 */
public final class PinningJobDirectory {
  static final String PROJECTION = "pin-job-directory";

  private final JournalDatabase database;

  PinningJobDirectory(ActorSystem<?> system) {
    this.database = JournalDatabase.get(system);
  }

  /** On nodes with the core role, where the jobs live: keeps the table. */
  public static void start(ActorSystem<?> system) {
    Projections.exactlyOnce(
        system, PROJECTION, PinningJob.SLICES, NodeRole.CORE, DirectoryWriter::new);
  }

  /** The ids of up to {@code max} of {@code supporter}'s jobs, the newest first. */
  CompletionStage<List<Bytes32>> jobsOf(EthereumAddress supporter, int max) {
    return database.read(
        connection -> {
          try (PreparedStatement query =
              connection.prepareStatement(
                  """
                  SELECT "job_id" FROM "pin_job_directory" WHERE "supporter" = ?
                  ORDER BY "requested_at_ms" DESC, "job_id" LIMIT ?""")) {
            query.setString(1, supporter.value());
            query.setInt(2, max);
            List<Bytes32> ids = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
              while (rows.next()) {
                ids.add(Bytes32.parse(rows.getString(1), "job id"));
              }
            }
            return ids;
          }
        });
  }

  /** The ids of the jobs {@code provider} hosts or witnesses a replica of, in no order. */
  CompletionStage<List<Bytes32>> jobsWith(EthereumAddress provider) {
    return database.read(
        connection -> {
          try (PreparedStatement query =
              connection.prepareStatement(
                  """
                  SELECT "job_id" FROM "pin_provider_jobs" WHERE "provider" = ?""")) {
            query.setString(1, provider.value());
            List<Bytes32> ids = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
              while (rows.next()) {
                ids.add(Bytes32.parse(rows.getString(1), "job id"));
              }
            }
            return ids;
          }
        });
  }

  /**
   * Records each job once, when it is requested, and each provider a placement gives a part in it;
   * how the job goes on is read from the job.
   */
  private static final class DirectoryWriter
      extends JdbcHandler<EventEnvelope<PinningJob.Event>, JournalSession> {
    @Override
    public void process(JournalSession session, EventEnvelope<PinningJob.Event> envelope)
        throws Exception {
      String jobId = PersistenceId.extractEntityId(envelope.persistenceId());
      if (envelope.event() instanceof PinningJob.Placed placed) {
        recordProviders(session, jobId, placed.selection());
        return;
      }
      if (envelope.event() instanceof PinningJob.Replaced replaced) {
        recordProviders(session, jobId, replaced.selection());
        return;
      }
      if (!(envelope.event() instanceof PinningJob.Requested requested)) {
        return;
      }
      session.withConnection(
          connection -> {
            try (PreparedStatement insert =
                connection.prepareStatement(
                    """
                    INSERT INTO "pin_job_directory" ("job_id", "supporter", "requested_at_ms")
                    VALUES (?, ?, ?)""")) {
              insert.setString(1, jobId);
              insert.setString(2, requested.supporter().value());
              insert.setLong(3, requested.at().toEpochMilli());
              insert.executeUpdate();
            }
            return null;
          });
    }

    private static void recordProviders(
        JournalSession session, String jobId, Placement.Selection selection) throws Exception {
      java.util.Set<String> providers = new java.util.TreeSet<>();
      selection
          .assignments()
          .forEach(
              assignment -> {
                providers.add(assignment.hoster().value());
                providers.add(assignment.encoder().value());
              });
      session.withConnection(
          connection -> {
            for (String provider : providers) {
              try (PreparedStatement known =
                  connection.prepareStatement(
                      """
                      SELECT 1 FROM "pin_provider_jobs" WHERE "provider" = ? AND "job_id" = ?""")) {
                known.setString(1, provider);
                known.setString(2, jobId);
                try (ResultSet rows = known.executeQuery()) {
                  if (rows.next()) {
                    continue;
                  }
                }
              }
              try (PreparedStatement insert =
                  connection.prepareStatement(
                      """
                      INSERT INTO "pin_provider_jobs" ("provider", "job_id") VALUES (?, ?)""")) {
                insert.setString(1, provider);
                insert.setString(2, jobId);
                insert.executeUpdate();
              }
            }
            return null;
          });
    }
  }
}
