package io.cairn.journal;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The real databases journal tests run against. PostgreSQL comes from {@code
 * CAIRN_TEST_POSTGRES_URL} (default: the local server on 127.0.0.1:5432, database test); without
 * one, from Testcontainers when a Docker engine is present; otherwise the PostgreSQL tests are
 * skipped with a message, unless {@code CAIRN_REQUIRE_POSTGRES=true} (as in CI), which fails them.
 *
 * <p>Test JVMs run side by side (the build's forks, numbered by {@code cairn.test.fork}), and the
 * cluster singletons' persistence ids are fixed, so on a server that lasts across runs each fork
 * works in a database of its own: {@code test_fork1}, {@code test_fork2}…, created on first use.
 */
public final class TestDatabases {
  private static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test";

  /** PostgreSQL's SQLSTATE for CREATE DATABASE of a name taken. */
  private static final String DUPLICATE_DATABASE = "42P04";

  private static JournalSettings postgres;

  private TestDatabases() {}

  /** The embedded journal as a node with data directory {@code directory} has it. */
  public static JournalSettings h2(Path directory) {
    return JournalSettings.fromConfig(
        ConfigFactory.parseMap(
                Map.of(
                    "cairn.data-dir",
                    directory.toAbsolutePath().toString(),
                    "cairn.journal.max-connections",
                    4))
            .withFallback(ConfigFactory.parseResources("cairn/persistence/h2.conf"))
            .withFallback(ConfigFactory.defaultReference())
            .resolve());
  }

  public static synchronized JournalSettings postgres() {
    if (postgres == null) {
      postgres = findPostgres();
    }
    JournalSchema.ensure(postgres);
    return postgres;
  }

  /**
   * A new, empty database named after {@code purpose} on the server {@link #postgres} is on, for a
   * test that needs one no other test writes to (or a node's first start on an empty one); {@link
   * #dropPostgres} removes it.
   */
  public static JournalSettings newPostgres(String purpose) throws SQLException {
    JournalSettings server = postgres();
    String name = purpose + "_" + System.nanoTime();
    execute(server, "CREATE DATABASE " + name);
    return withDatabase(server, name);
  }

  /** Drops {@code database}, ending the sessions a killed node's pool may still hold in it. */
  public static void dropPostgres(JournalSettings database) throws SQLException {
    execute(postgres(), "DROP DATABASE IF EXISTS " + databaseName(database) + " WITH (FORCE)");
  }

  private static JournalSettings findPostgres() {
    String url = env("CAIRN_TEST_POSTGRES_URL", DEFAULT_URL);
    JournalSettings local =
        settings(
            url,
            env("CAIRN_TEST_POSTGRES_USER", "postgres"),
            env("CAIRN_TEST_POSTGRES_PASSWORD", ""));
    String unreachable;
    try (Connection ignored = JournalSchema.connect(local)) {
      return forkDatabase(local);
    } catch (Exception e) {
      unreachable = e.getMessage();
    }
    if (Boolean.parseBoolean(env("CAIRN_REQUIRE_POSTGRES", "false"))) {
      Assertions.fail("PostgreSQL is required (CAIRN_REQUIRE_POSTGRES=true) but " + unreachable);
    }
    if (DockerClientFactory.instance().isDockerAvailable()) {
      // a container per test JVM: forks do not share it
      PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:15-alpine");
      container.start();
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
      return settings(container.getJdbcUrl(), container.getUsername(), container.getPassword());
    }
    Assumptions.abort(
        "skipping PostgreSQL tests: "
            + unreachable
            + " and no Docker engine for Testcontainers; set CAIRN_TEST_POSTGRES_URL to run them");
    throw new AssertionError("unreachable");
  }

  /** This fork's database on {@code server}, or {@code server}'s own outside a build's forks. */
  private static JournalSettings forkDatabase(JournalSettings server) {
    String fork = System.getProperty("cairn.test.fork");
    if (fork == null) {
      return server;
    }
    String name = databaseName(server) + "_fork" + Integer.parseInt(fork);
    try {
      execute(server, "CREATE DATABASE " + name);
    } catch (SQLException e) {
      // made by an earlier run, as the shared database was: its journal lasts as that one's did
      if (!DUPLICATE_DATABASE.equals(e.getSQLState())) {
        throw new AssertionError("cannot create " + name + " on " + server.url(), e);
      }
    }
    return withDatabase(server, name);
  }

  private static void execute(JournalSettings server, String sql) throws SQLException {
    try (Connection connection = JournalSchema.connect(server);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** The database a PostgreSQL URL names: its path, before any parameters. */
  private static String databaseName(JournalSettings database) {
    String url = database.url();
    int parameters = url.indexOf('?');
    return url.substring(url.lastIndexOf('/') + 1, parameters < 0 ? url.length() : parameters);
  }

  private static JournalSettings withDatabase(JournalSettings server, String name) {
    String url = server.url();
    int start = url.lastIndexOf('/') + 1;
    int parameters = url.indexOf('?');
    String renamed =
        url.substring(0, start) + name + (parameters < 0 ? "" : url.substring(parameters));
    return settings(renamed, server.user(), server.password());
  }

  private static JournalSettings settings(String url, String user, String password) {
    return new JournalSettings(
        JournalSettings.Kind.POSTGRES, url, user, password, 6, Duration.ofSeconds(5));
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
