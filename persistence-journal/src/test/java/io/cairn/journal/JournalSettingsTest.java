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
  /** {@code overrides} over the journal overlay {@code kind} (h2 or postgres). */
  private static Config config(String kind, String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.parseResources("cairn/persistence/" + kind + ".conf"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  @Test
  void embeddedDefaultIsAnH2FileInTheDataDirectory() {
    JournalSettings settings =
        JournalSettings.fromConfig(config("h2", "cairn.data-dir = \"/var/cairn\""));
    assertEquals(JournalSettings.Kind.H2, settings.kind());
    assertEquals("jdbc:h2:file:" + Path.of("/var/cairn/journal/cairn"), settings.displayUrl());
    assertTrue(settings.url().contains("WRITE_DELAY=0"), settings.url());
  }

  @Test
  void thePostgresOverlaySelectsPostgres() {
    Config config =
        config(
            "postgres",
            "cairn.journal { url = \"jdbc:postgresql://db:5432/cairn\", user = u, password = secret }");
    JournalSettings settings = JournalSettings.fromConfig(config);
    assertEquals(JournalSettings.Kind.POSTGRES, settings.kind());
    Config pekko = ConfigFactory.load(settings.overlay());
    assertEquals(
        "jdbc:postgresql://db:5432/cairn",
        config.getString("pekko-persistence-jdbc.shared-databases.cairn.db.url"));
    assertEquals(
        "slick.jdbc.PostgresProfile$",
        pekko.getString("pekko-persistence-jdbc.shared-databases.cairn.profile"));
    assertEquals(
        "org.postgresql.Driver",
        pekko.getString("pekko-persistence-jdbc.shared-databases.cairn.db.driver"));
    assertFalse(settings.toString().contains("secret"));
  }

  @Test
  void aUrlOfAnotherDatabaseThanTheOverlaysIsRefusedByName() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                JournalSettings.fromConfig(
                    config("h2", "cairn.journal.url = \"jdbc:postgresql://db/cairn\"")));
    assertTrue(error.getMessage().contains("jdbc:postgresql://db/cairn"), error.getMessage());
    assertTrue(error.getMessage().contains("cairn/persistence/h2.conf"), error.getMessage());
  }

  @Test
  void withoutAnOverlayTheNodeIsToldWhatToInclude() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> JournalSettings.fromConfig(ConfigFactory.defaultReference().resolve()));
    assertTrue(error.getMessage().contains("cairn/persistence/postgres.conf"), error.getMessage());
  }
}
