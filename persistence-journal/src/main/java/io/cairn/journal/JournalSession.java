package io.cairn.journal;

import java.sql.Connection;
import java.sql.SQLException;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.projection.jdbc.JdbcSession;

/**
 * One transaction on the journal's database, as pekko-projection-jdbc runs a handler in: what the
 * handler writes and the projection's new offset are committed together, or neither is.
 */
public final class JournalSession implements JdbcSession {
  private final Connection connection;

  /** Takes {@code connection} over: closes it if it cannot begin a transaction on it. */
  JournalSession(Connection connection) throws SQLException {
    this.connection = connection;
    try {
      connection.setAutoCommit(false);
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
  }

  @Override
  public <R> R withConnection(Function<Connection, R> work) throws Exception {
    return work.apply(connection);
  }

  @Override
  public void commit() throws SQLException {
    connection.commit();
  }

  @Override
  public void rollback() throws SQLException {
    connection.rollback();
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
