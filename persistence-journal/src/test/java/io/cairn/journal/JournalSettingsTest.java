package io.cairn.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class JournalSettingsTest {
  private static Config config(String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  @Test
  void embeddedDefaultIsAnH2FileInTheDataDirectory() {
    JournalSettings settings =
        JournalSettings.fromConfig(config("cairn.data-dir = \"/var/cairn\""));
    assertEquals(JournalSettings.Kind.H2, settings.kind());
    assertEquals("jdbc:h2:file:" + Path.of("/var/cairn/journal/cairn"), settings.displayUrl());
    assertTrue(settings.url().contains("WRITE_DELAY=0"), settings.url());
  }

  @Test
  void aPostgresUrlSelectsPostgres() {
    JournalSettings settings =
        JournalSettings.fromConfig(
            config(
                "cairn.journal { url = \"jdbc:postgresql://db:5432/cairn\", user = u, password = secret }"));
    assertEquals(JournalSettings.Kind.POSTGRES, settings.kind());
    Config pekko = settings.pekkoConfig();
    assertEquals(
        "slick.jdbc.PostgresProfile$",
        pekko.getString("pekko-persistence-jdbc.shared-databases.cairn.profile"));
    assertEquals(
        "org.postgresql.Driver",
        pekko.getString("pekko-persistence-jdbc.shared-databases.cairn.db.driver"));
    assertFalse(settings.toString().contains("secret"));
  }

  @Test
  void anotherDatabaseIsRefusedByName() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                JournalSettings.fromConfig(
                    config("cairn.journal.url = \"jdbc:mysql://db/cairn\"")));
    assertTrue(error.getMessage().contains("jdbc:mysql://db/cairn"), error.getMessage());
  }
}
