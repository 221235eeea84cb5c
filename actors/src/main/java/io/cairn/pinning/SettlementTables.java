package io.cairn.pinning;

import io.cairn.pinning.ReplicaEarnings.Due;
import io.cairn.pinning.ReplicaEarnings.Kind;
import io.cairn.pinning.ReplicaEarnings.Row;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.ledger.Bytes32;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of pinning's money: {@code pin_replica_earnings} (each replica's current period, kept by
 * {@link ReplicaEarnings}) and {@code pin_settlements} (what is owed and what became of it, paid by
 * {@link Settlements}).
 */
final class SettlementTables {
  private SettlementTables() {}

  /** What became of a line owed. */
  enum State {
    DUE,
    SETTLED,
    REFUSED,
    UNEARNED
  }

  /** One line of {@code pin_settlements}, priced once it was settled. */
  record Line(
      long seq,
      Due due,
      State state,
      BigInteger paid,
      BigInteger held,
      BigInteger burned,
      String reason) {}

  static Optional<Row> earnings(Connection connection, String replica) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            """
            SELECT "replica", "job_id", "slot", "hoster", "witness", "accepted_at_ms",
            "period_no", "period_passed", "period_misses", "period_failed", "closed"
            FROM "pin_replica_earnings" WHERE "replica" = ?""")) {
      query.setString(1, replica);
      try (ResultSet rows = query.executeQuery()) {
        if (!rows.next()) {
          return Optional.empty();
        }
        long acceptedAt = rows.getLong(6);
        return Optional.of(
            new Row(
                rows.getString(1),
                Bytes32.parse(rows.getString(2), "job id"),
                rows.getInt(3),
                new EthereumAddress(rows.getString(4)),
                new EthereumAddress(rows.getString(5)),
                acceptedAt == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(acceptedAt)),
                rows.getLong(7),
                rows.getInt(8),
                rows.getInt(9),
                rows.getBoolean(10),
                rows.getBoolean(11)));
      }
    }
  }

  static void saveEarnings(Connection connection, Row row) throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement(
            """
            DELETE FROM "pin_replica_earnings" WHERE "replica" = ?""")) {
      delete.setString(1, row.replica());
      delete.executeUpdate();
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            """
            INSERT INTO "pin_replica_earnings"
            ("job_id", "slot", "hoster", "witness", "accepted_at_ms", "period_no", "period_passed",
             "period_misses", "period_failed", "closed", "replica")
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
      insert.setString(1, row.jobId().toString());
      insert.setInt(2, row.slot());
      insert.setString(3, row.hoster().value());
      insert.setString(4, row.witness().value());
      insert.setLong(5, row.acceptedAt().map(Instant::toEpochMilli).orElse(0L));
      insert.setLong(6, row.periodNo());
      insert.setInt(7, row.passed());
      insert.setInt(8, row.misses());
      insert.setBoolean(9, row.failed());
      insert.setBoolean(10, row.closed());
      insert.setString(11, row.replica());
      insert.executeUpdate();
    }
  }

  /** Whether every replica of the job the projection has seen is over. */
  static boolean allClosed(Connection connection, Bytes32 jobId) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            """
            SELECT COUNT(*) FROM "pin_replica_earnings" WHERE "job_id" = ? AND NOT "closed\"""")) {
      query.setString(1, jobId.toString());
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1) == 0;
      }
    }
  }

  /** Writes {@code due} once: a line already written (the same id) is left as it is. */
  static void owe(Connection connection, Due due) throws SQLException {
    try (PreparedStatement exists =
        connection.prepareStatement(
            """
            SELECT 1 FROM "pin_settlements" WHERE "settlement_id" = ?""")) {
      exists.setString(1, due.settlementId().toString());
      try (ResultSet rows = exists.executeQuery()) {
        if (rows.next()) {
          return;
        }
      }
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            """
            INSERT INTO "pin_settlements"
            ("settlement_id", "job_id", "slot", "kind", "period_no", "fraction_ppm", "payee",
             "state", "paid", "held", "burned", "reason", "at_ms")
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, '', ?)""")) {
      insert.setString(1, due.settlementId().toString());
      insert.setString(2, due.jobId().toString());
      insert.setInt(3, due.slot());
      insert.setString(4, due.kind().name());
      insert.setLong(5, due.periodNo());
      insert.setInt(6, due.fractionPpm());
      insert.setString(7, due.payee().value());
      insert.setString(8, (due.earned() ? State.DUE : State.UNEARNED).name());
      insert.setLong(9, due.at().toEpochMilli());
      insert.executeUpdate();
    }
  }

  /** The oldest {@code limit} lines still due, in the order they were owed. */
  static List<Line> due(Connection connection, int limit) throws SQLException {
    return lines(
        connection,
        """
        WHERE "state" = 'DUE' ORDER BY "seq" FETCH FIRST ? ROWS ONLY""",
        statement -> statement.setInt(1, limit));
  }

  /** Every line of the job, in the order owed. */
  static List<Line> ofJob(Connection connection, Bytes32 jobId) throws SQLException {
    return lines(
        connection,
        """
        WHERE "job_id" = ? ORDER BY "seq\"""",
        statement -> statement.setString(1, jobId.toString()));
  }

  /** Records what became of line {@code seq}. */
  static void settle(
      Connection connection,
      long seq,
      State state,
      BigInteger paid,
      BigInteger held,
      BigInteger burned,
      String reason)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            """
            UPDATE "pin_settlements"
            SET "state" = ?, "paid" = ?, "held" = ?, "burned" = ?, "reason" = ?
            WHERE "seq" = ?""")) {
      update.setString(1, state.name());
      update.setBigDecimal(2, new BigDecimal(paid));
      update.setBigDecimal(3, new BigDecimal(held));
      update.setBigDecimal(4, new BigDecimal(burned));
      update.setString(5, reason.length() > 512 ? reason.substring(0, 512) : reason);
      update.setLong(6, seq);
      update.executeUpdate();
    }
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  private static List<Line> lines(Connection connection, String where, Binder binder)
      throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            """
            SELECT "seq", "settlement_id", "job_id", "slot", "kind", "period_no", "fraction_ppm",
            "payee", "state", "paid", "held", "burned", "reason", "at_ms"
            FROM "pin_settlements" """
                + where)) {
      binder.bind(query);
      List<Line> lines = new ArrayList<>();
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          State state = State.valueOf(rows.getString(9));
          lines.add(
              new Line(
                  rows.getLong(1),
                  new Due(
                      Bytes32.parse(rows.getString(2), "settlement id"),
                      Bytes32.parse(rows.getString(3), "job id"),
                      rows.getInt(4),
                      Kind.valueOf(rows.getString(5)),
                      rows.getLong(6),
                      rows.getInt(7),
                      new EthereumAddress(rows.getString(8)),
                      state != State.UNEARNED,
                      Instant.ofEpochMilli(rows.getLong(14))),
                  state,
                  rows.getBigDecimal(10).toBigIntegerExact(),
                  rows.getBigDecimal(11).toBigIntegerExact(),
                  rows.getBigDecimal(12).toBigIntegerExact(),
                  rows.getString(13)));
        }
      }
      return lines;
    }
  }
}
