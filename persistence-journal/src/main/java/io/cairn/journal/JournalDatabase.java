package io.cairn.journal;

import com.typesafe.config.Config;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The journal's database for what is not the journal: projection offsets and the read models that
 * projections write in the same transaction as their offsets. It is the database the JDBC journal
 * plugin writes to (the shared database the journal overlay, cairn/persistence/*.conf, configures),
 * so a read model always lives beside the events it is made from, on a connection pool of its own
 * so that neither can starve the other of connections. JDBC blocks: every call runs on the
 * projections' JDBC dispatcher, whose threads match the pool's connections.
 */
public final class JournalDatabase implements Extension {
  /** What a read model runs against a connection. */
  @FunctionalInterface
  public interface Query<T> {
    T run(Connection connection) throws SQLException;
  }

  private static final String SHARED_DATABASE = "pekko-persistence-jdbc.shared-databases.cairn";
  private static final String JDBC_DISPATCHER = "pekko.projection.jdbc.use-dispatcher";

  public static final ExtensionId<JournalDatabase> ID =
      new ExtensionId<>() {
        @Override
        public JournalDatabase createExtension(ActorSystem<?> system) {
          return new JournalDatabase(system);
        }
      };

  public static JournalDatabase get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private final JournalSettings.Kind kind;
  private final HikariDataSource pool;
  private final Executor blocking;

  private JournalDatabase(ActorSystem<?> system) {
    Config config = system.settings().config();
    Config database = config.getConfig(SHARED_DATABASE + ".db");
    String url = database.getString("url");
    this.kind = JournalSettings.fromConfig(config).kind();
    HikariConfig pool = new HikariConfig();
    pool.setPoolName("cairn-read-models");
    pool.setJdbcUrl(url);
    pool.setUsername(database.getString("user"));
    pool.setPassword(database.getString("password"));
    pool.setMaximumPoolSize(database.getInt("maxConnections"));
    // connections are opened when projections or queries need them, not held by idle nodes
    pool.setMinimumIdle(0);
    this.pool = new HikariDataSource(pool);
    this.blocking =
        system
            .dispatchers()
            .lookup(DispatcherSelector.fromConfig(config.getString(JDBC_DISPATCHER)));
    system.getWhenTerminated().thenRun(this.pool::close);
  }

  public JournalSettings.Kind kind() {
    return kind;
  }

  /** A transaction for a projection: its handler's writes and its offset commit together. */
  public JournalSession session() {
    try {
      return new JournalSession(pool.getConnection());
    } catch (SQLException e) {
      throw new JournalUnavailableException("cannot open a transaction on the journal database", e);
    }
  }

  /** Runs {@code query} on a connection of its own, off the caller's thread. */
  public <T> CompletionStage<T> read(Query<T> query) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection connection = pool.getConnection()) {
            return query.run(connection);
          } catch (SQLException e) {
            throw new CompletionException(
                new JournalUnavailableException("cannot read the journal database", e));
          }
        },
        blocking);
  }
}
