package io.cairn.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalSchemaTest {
  /** The journal's, the projections' offsets and the read models' (quoted lower case: both). */
  private static final String[] TABLES = {
    "\"event_journal\"",
    "\"event_tag\"",
    "\"snapshot\"",
    "\"pekko_projection_offset_store\"",
    "\"pekko_projection_management\"",
    "\"stream_directory\"",
    "\"partition_index_page\"",
    "\"pin_job_directory\"",
    "\"pin_provider_directory\"",
    "\"pin_provider_jobs\"",
    "\"pin_replica_earnings\"",
    "\"pin_settlements\"",
    "\"pin_service_checks\""
  };

  @TempDir Path directory;

  @Test
  void createsH2TablesAndCanRunAgain() throws SQLException {
    JournalSettings settings = TestDatabases.h2(directory);
    JournalSchema.ensure(settings);
    JournalSchema.ensure(settings);
    assertTablesUsable(settings, TABLES);
  }

  @Test
  void createsPostgresTablesAndCanRunAgain() throws SQLException {
    JournalSettings settings = TestDatabases.postgres();
    JournalSchema.ensure(settings);
    assertTablesUsable(settings, TABLES);
  }

  @Test
  void anUnreachableDatabaseIsNamedInOneLine() {
    JournalSettings nowhere =
        new JournalSettings(
            JournalSettings.Kind.POSTGRES,
            "jdbc:postgresql://127.0.0.1:1/cairn",
            "cairn",
            "",
            2,
            Duration.ofSeconds(2));
    JournalUnavailableException error =
        assertThrows(JournalUnavailableException.class, () -> JournalSchema.ensure(nowhere));
    assertTrue(
        error
            .getMessage()
            .startsWith(
                "cannot reach the postgres journal at jdbc:postgresql://127.0.0.1:1/cairn: "),
        error.getMessage());
    assertEquals(-1, error.getMessage().indexOf('\n'), error.getMessage());
  }

  private static void assertTablesUsable(JournalSettings settings, String... tables)
      throws SQLException {
    try (Connection connection = JournalSchema.connect(settings);
        Statement statement = connection.createStatement()) {
      for (String table : tables) {
        try (ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
          assertTrue(rows.next());
        }
      }
    }
  }
}
