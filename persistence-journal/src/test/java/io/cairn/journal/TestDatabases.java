package io.cairn.journal;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.sql.Connection;
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
 */
public final class TestDatabases {
  private static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test";
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

  private static JournalSettings findPostgres() {
    String url = env("CAIRN_TEST_POSTGRES_URL", DEFAULT_URL);
    JournalSettings local =
        settings(
            url,
            env("CAIRN_TEST_POSTGRES_USER", "postgres"),
            env("CAIRN_TEST_POSTGRES_PASSWORD", ""));
    String unreachable;
    try (Connection ignored = JournalSchema.connect(local)) {
      return local;
    } catch (Exception e) {
      unreachable = e.getMessage();
    }
    if (Boolean.parseBoolean(env("CAIRN_REQUIRE_POSTGRES", "false"))) {
      Assertions.fail("PostgreSQL is required (CAIRN_REQUIRE_POSTGRES=true) but " + unreachable);
    }
    if (DockerClientFactory.instance().isDockerAvailable()) {
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

  private static JournalSettings settings(String url, String user, String password) {
    return new JournalSettings(
        JournalSettings.Kind.POSTGRES, url, user, password, 6, Duration.ofSeconds(5));
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
