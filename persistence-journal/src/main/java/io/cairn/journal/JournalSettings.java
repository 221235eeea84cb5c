package io.cairn.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the journal and snapshot store live, read from {@code cairn.journal}: the embedded H2 file
 * database in the data directory unless a JDBC URL is configured.
 */
public record JournalSettings(
    Kind kind,
    String url,
    String user,
    String password,
    int maxConnections,
    Duration connectTimeout) {

  public enum Kind {
    H2("h2", "slick.jdbc.H2Profile$", "org.h2.Driver", "h2-dialect", "cairn/schema/h2.sql"),
    POSTGRES(
        "postgres",
        "slick.jdbc.PostgresProfile$",
        "org.postgresql.Driver",
        "postgres-dialect",
        "cairn/schema/postgres.sql");

    private final String label;
    private final String slickProfile;
    private final String driver;
    private final String projectionDialect;
    private final String schemaResource;

    Kind(
        String label,
        String slickProfile,
        String driver,
        String projectionDialect,
        String schemaResource) {
      this.label = label;
      this.slickProfile = slickProfile;
      this.driver = driver;
      this.projectionDialect = projectionDialect;
      this.schemaResource = schemaResource;
    }

    public String label() {
      return label;
    }

    String schemaResource() {
      return schemaResource;
    }
  }

  /** The Pekko Persistence Query plugin that reads this journal back. */
  public static final String READ_JOURNAL = "jdbc-read-journal";

  /**
   * H2 keeps committed transactions in memory for up to half a second by default (WRITE_DELAY); an
   * acknowledged event must survive a SIGKILL, so every commit is written out at once. H2 keeps a
   * BLOB of up to 256 bytes in its row and any larger one in a separate LOB store, two more map
   * writes per event; a signed event is a few hundred bytes, so events up to 16 KiB stay in the
   * row.
   */
  static final String H2_OPTIONS =
      ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;MAX_LENGTH_INPLACE_LOB=16384";

  public static JournalSettings fromConfig(Config config) {
    Config journal = config.getConfig("cairn.journal");
    String url = journal.getString("url").trim();
    String user = journal.getString("user");
    String password = journal.getString("password");
    if (url.isEmpty()) {
      Path file =
          Path.of(config.getString("cairn.data-dir"))
              .toAbsolutePath()
              .normalize()
              .resolve("journal")
              .resolve("cairn");
      url = "jdbc:h2:file:" + file + H2_OPTIONS;
      if (user.isEmpty()) {
        user = "cairn";
      }
    }
    return new JournalSettings(
        kindOf(url),
        url,
        user,
        password,
        journal.getInt("max-connections"),
        journal.getDuration("connect-timeout"));
  }

  static Kind kindOf(String url) {
    if (url.startsWith("jdbc:postgresql:")) {
      return Kind.POSTGRES;
    }
    if (url.startsWith("jdbc:h2:")) {
      return Kind.H2;
    }
    throw new IllegalArgumentException(
        "unsupported journal URL '" + url + "': expected jdbc:postgresql:... or jdbc:h2:...");
  }

  /**
   * The settings that make Pekko Persistence write to this journal: the JDBC journal, snapshot
   * store and read journal, all on one shared connection pool named "cairn"; and projections keep
   * their offsets in the same database ({@link JournalDatabase}), through a pool of as many
   * connections with as many threads. Layered over the rest of the configuration, so they win over
   * every reference.conf.
   */
  public Config pekkoConfig() {
    String db = "pekko-persistence-jdbc.shared-databases.cairn.";
    Map<String, Object> settings = new HashMap<>();
    settings.put("pekko.persistence.journal.plugin", "jdbc-journal");
    settings.put("pekko.persistence.snapshot-store.plugin", "jdbc-snapshot-store");
    for (String plugin :
        List.of(
            "jdbc-journal",
            "jdbc-snapshot-store",
            "jdbc-read-journal",
            "jdbc-durable-state-store")) {
      settings.put(plugin + ".use-shared-db", "cairn");
    }
    settings.put(db + "profile", kind.slickProfile);
    settings.put(db + "db.url", url);
    settings.put(db + "db.user", user);
    settings.put(db + "db.password", password);
    settings.put(db + "db.driver", kind.driver);
    settings.put(db + "db.numThreads", maxConnections);
    settings.put(db + "db.maxConnections", maxConnections);
    settings.put("pekko.projection.jdbc.dialect", kind.projectionDialect);
    settings.put(
        "pekko.projection.jdbc.blocking-jdbc-dispatcher.thread-pool-executor.fixed-pool-size",
        maxConnections);
    return ConfigFactory.parseMap(settings, "cairn.journal");
  }

  /** The URL without options, safe to print: it never holds the password. */
  public String displayUrl() {
    int options = url.indexOf(';');
    return options < 0 ? url : url.substring(0, options);
  }

  @Override
  public String toString() {
    return kind.label + " journal at " + displayUrl();
  }
}
