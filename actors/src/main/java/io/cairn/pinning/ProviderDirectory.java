package io.cairn.pinning;

import io.cairn.cluster.NodeRole;
import io.cairn.journal.JournalDatabase;
import io.cairn.journal.JournalSession;
import io.cairn.projection.Projections;
import io.cairn.protocol.EthereumAddress;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * The providers selection draws from, as a table written by a projection over {@link Provider}
 * events: one indexed read for the {@link PinningSupervisor}, however many providers register. It
 * trails registrations by the projection's delay (about a second). Each row keeps the provider's
 * status; an exited or OFFLINE provider stays, marked inactive, and is not selected (an OFFLINE one
 * again once it is heard from).
 */
public final class ProviderDirectory {
  static final String PROJECTION = "pin-provider-directory";

  private final JournalDatabase database;

  ProviderDirectory(ActorSystem<?> system) {
    this.database = JournalDatabase.get(system);
  }

  /** On nodes with the core role, where the supervisor runs: keeps the table. */
  public static void start(ActorSystem<?> system, Reputation.Rules rules) {
    Projections.exactlyOnce(
        system, PROJECTION, Provider.SLICES, NodeRole.CORE, () -> new DirectoryWriter(rules));
  }

  /**
   * Every provider that takes new work (ACTIVE: neither OFFLINE nor gone), by address, weighed by
   * its scores under {@code rules} and, when stake weighs, by what {@code stakes} says it staked.
   */
  CompletionStage<List<Placement.Candidate>> activeProviders(
      Reputation.Rules rules, PinningSettings.Stake stake, StakeLookup stakes) {
    return providers(rules)
        .thenCompose(
            rows -> {
              List<CompletableFuture<Placement.Candidate>> weighed =
                  rows.stream()
                      .map(
                          row ->
                              (stake.target().signum() == 0
                                      ? CompletableFuture.completedFuture(BigInteger.ZERO)
                                      : stakes.stakeOf(row.address()).toCompletableFuture())
                                  .thenApply(staked -> row.weighed(rules, stake.share(staked))))
                      .toList();
              return CompletableFuture.allOf(weighed.toArray(CompletableFuture[]::new))
                  .thenApply(all -> weighed.stream().map(CompletableFuture::join).toList());
            });
  }

  /** A directory row: the provider and its scores, to be weighed. */
  private record Row(
      EthereumAddress address,
      Set<Provider.Role> roles,
      long capacityBytes,
      String operator,
      String region,
      Reputation.Scores scores) {
    Placement.Candidate weighed(Reputation.Rules rules, double stakeShare) {
      return new Placement.Candidate(
          address,
          roles,
          capacityBytes,
          operator,
          region,
          Placement.Weights.of(scores, stakeShare, rules));
    }
  }

  private CompletionStage<List<Row>> providers(Reputation.Rules rules) {
    return database.read(
        connection -> {
          try (PreparedStatement query =
              connection.prepareStatement(
                  """
                  SELECT "address", "roles", "capacity_bytes", "operator", "region",
                  "storage_score", "performance", "attesting_score", "vetted"
                  FROM "pin_provider_directory" WHERE "active" ORDER BY "address\"""")) {
            List<Row> providers = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
              while (rows.next()) {
                providers.add(
                    new Row(
                        new EthereumAddress(rows.getString(1)),
                        roles(rows.getString(2)),
                        rows.getLong(3),
                        rows.getString(4),
                        rows.getString(5),
                        new Reputation.Scores(
                            rows.getDouble(6),
                            rows.getDouble(7),
                            rows.getDouble(8),
                            rows.getBoolean(9))));
              }
            }
            return providers;
          }
        });
  }

  private static Set<Provider.Role> roles(String column) {
    Set<Provider.Role> roles = EnumSet.noneOf(Provider.Role.class);
    Arrays.stream(column.split(","))
        .filter(role -> !role.isEmpty())
        .forEach(role -> roles.add(Provider.Role.valueOf(role)));
    return roles;
  }

  /** Keeps one row per provider: its latest terms, and whether it still serves. */
  private static final class DirectoryWriter
      extends JdbcHandler<EventEnvelope<Provider.Event>, JournalSession> {
    private final Reputation.Rules rules;

    DirectoryWriter(Reputation.Rules rules) {
      this.rules = rules;
    }

    @Override
    public void process(JournalSession session, EventEnvelope<Provider.Event> envelope)
        throws Exception {
      String address = PersistenceId.extractEntityId(envelope.persistenceId());
      Provider.Event event = envelope.event();
      session.withConnection(
          connection -> {
            if (event instanceof Provider.Registered registered) {
              write(connection, address, registered.terms());
            } else if (event instanceof Provider.TermsChanged changed) {
              changeTerms(connection, address, changed.terms());
            } else if (event instanceof Provider.Judged judged) {
              score(connection, address, judged.after().scores(rules));
            } else if (event instanceof Provider.Disqualified) {
              setStatus(connection, address, Provider.Status.DISQUALIFIED);
            } else if (event instanceof Provider.Exited) {
              setStatus(connection, address, Provider.Status.EXITED);
            } else if (event instanceof Provider.WentOffline) {
              setStatus(connection, address, Provider.Status.OFFLINE);
            } else if (event instanceof Provider.HeardFrom) {
              setStatus(connection, address, Provider.Status.ACTIVE);
            }
            return null;
          });
    }

    /** Only an ACTIVE provider takes new work. */
    private static void setStatus(Connection connection, String address, Provider.Status status)
        throws SQLException {
      try (PreparedStatement update =
          connection.prepareStatement(
              """
              UPDATE "pin_provider_directory" SET "status" = ?, "active" = ?
              WHERE "address" = ?""")) {
        update.setString(1, status.name());
        update.setBoolean(2, status == Provider.Status.ACTIVE);
        update.setString(3, address);
        update.executeUpdate();
      }
    }

    private static void score(Connection connection, String address, Reputation.Scores scores)
        throws SQLException {
      try (PreparedStatement update =
          connection.prepareStatement(
              """
              UPDATE "pin_provider_directory"
              SET "storage_score" = ?, "performance" = ?, "attesting_score" = ?, "vetted" = ?
              WHERE "address" = ?""")) {
        update.setDouble(1, scores.storage());
        update.setDouble(2, scores.performance());
        update.setDouble(3, scores.attesting());
        update.setBoolean(4, scores.vetted());
        update.setString(5, address);
        update.executeUpdate();
      }
    }

    /** New terms keep the provider's status and scores. */
    private static void changeTerms(Connection connection, String address, Provider.Terms terms)
        throws SQLException {
      try (PreparedStatement update =
          connection.prepareStatement(
              """
              UPDATE "pin_provider_directory"
              SET "roles" = ?, "capacity_bytes" = ?, "operator" = ?, "region" = ?
              WHERE "address" = ?""")) {
        update.setString(1, roles(terms));
        update.setLong(2, terms.capacityBytes());
        update.setString(3, terms.operator());
        update.setString(4, terms.region());
        update.setString(5, address);
        update.executeUpdate();
      }
    }

    private static String roles(Provider.Terms terms) {
      return terms.roles().stream().map(Enum::name).sorted().collect(Collectors.joining(","));
    }

    private static void write(Connection connection, String address, Provider.Terms terms)
        throws SQLException {
      try (PreparedStatement delete =
          connection.prepareStatement(
              """
              DELETE FROM "pin_provider_directory" WHERE "address" = ?""")) {
        delete.setString(1, address);
        delete.executeUpdate();
      }
      try (PreparedStatement insert =
          connection.prepareStatement(
              """
              INSERT INTO "pin_provider_directory"
              ("address", "roles", "capacity_bytes", "operator", "region", "active", "status")
              VALUES (?, ?, ?, ?, ?, TRUE, 'ACTIVE')""")) {
        insert.setString(1, address);
        insert.setString(2, roles(terms));
        insert.setLong(3, terms.capacityBytes());
        insert.setString(4, terms.operator());
        insert.setString(5, terms.region());
        insert.executeUpdate();
      }
    }
  }
}
