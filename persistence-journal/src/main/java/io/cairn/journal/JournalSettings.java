package io.cairn.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Where the journal and snapshot store live, read from {@code cairn.journal}: the embedded H2 file
 * database in the data directory unless a JDBC URL is configured.
 */
public record JournalSettings(
    Kind kind, String url, String user, String password, int maxConnections, Duration connectTimeout) {

  public enum Kind {
    H2("h2", "slick.jdbc.H2Profile$", "org.h2.Driver", "cairn/schema/h2.sql"),
    POSTGRES("postgres", "slick.jdbc.PostgresProfile$", "org.postgresql.Driver", "cairn/schema/postgres.sql");

    private final String label;
    private final String slickProfile;
    private final String driver;
    private final String schemaResource;

    Kind(String label, String slickProfile, String driver, String schemaResource) {
      this.label = label;
      this.slickProfile = slickProfile;
      this.driver = driver;
      this.schemaResource = schemaResource;
    }

    public String label() {
      return label;
    }

    String schemaResource() {
      return schemaResource;
    }
  }

  /**
   * H2 keeps committed transactions in memory for up to half a second by default (WRITE_DELAY);
   * an acknowledged event must survive a SIGKILL, so every commit is written out at once.
   */
  static final String H2_OPTIONS = ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";

  public static JournalSettings fromConfig(Config config) {
    Config journal = config.getConfig("cairn.journal");
    String url = journal.getString("url").trim();
    String user = journal.getString("user");
    String password = journal.getString("password");
    if (url.isEmpty()) {
      Path file = Path.of(config.getString("cairn.data-dir")).toAbsolutePath().normalize()
          .resolve("journal").resolve("cairn");
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

  private static Kind kindOf(String url) {
    if (url.startsWith("jdbc:postgresql:")) {
      return Kind.POSTGRES;
    }
    if (url.startsWith("jdbc:h2:")) {
      return Kind.H2;
    }
    throw new IllegalArgumentException(
        "unsupported journal URL '" + url + "': expected jdbc:postgresql:... or jdbc:h2:...");
  }

  /** The pekko-persistence-jdbc settings that point its shared database "cairn" at this journal. */
  public Config pekkoConfig() {
    String db = "pekko-persistence-jdbc.shared-databases.cairn.";
    return ConfigFactory.parseMap(
        Map.of(
            db + "profile", kind.slickProfile,
            db + "db.url", url,
            db + "db.user", user,
            db + "db.password", password,
            db + "db.driver", kind.driver,
            db + "db.numThreads", maxConnections,
            db + "db.maxConnections", maxConnections),
        "cairn.journal");
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
