package io.cairn.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the journal and snapshot store live, read from {@code cairn.journal}: which database is the
 * deployment's choice, made by the overlay its configuration includes, not by code.
 */
public record JournalSettings(
    Kind kind,
    String url,
    String user,
    String password,
    int maxConnections,
    Duration connectTimeout) {

  public enum Kind {
    H2("h2", "jdbc:h2:", "cairn/schema/h2.sql"),
    POSTGRES("postgres", "jdbc:postgresql:", "cairn/schema/postgres.sql");

    private final String label;
    private final String urlPrefix;
    private final String schemaResource;

    Kind(String label, String urlPrefix, String schemaResource) {
      this.label = label;
      this.urlPrefix = urlPrefix;
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
   * Reads {@code cairn.journal}, as the overlay the deployment includes set it ({@code
   * cairn/persistence/h2.conf} or {@code postgres.conf}); a URL of another database than the
   * overlay's is refused with what to include instead.
   */
  public static JournalSettings fromConfig(Config config) {
    Config journal = config.getConfig("cairn.journal");
    String kindName = journal.getString("kind");
    Kind kind =
        Arrays.stream(Kind.values())
            .filter(candidate -> candidate.label.equals(kindName))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "cairn.journal.kind is '"
                            + kindName
                            + "': include the journal overlay cairn/persistence/h2.conf (one node)"
                            + " or cairn/persistence/postgres.conf (a cluster, as config/postgres.conf"
                            + " does)"));
    String url = journal.getString("url").trim();
    if (!url.startsWith(kind.urlPrefix)) {
      throw new IllegalArgumentException(
          "journal URL '"
              + displayUrl(url)
              + "' is not a "
              + kind.label
              + " URL ("
              + kind.urlPrefix
              + "...), which the included overlay cairn/persistence/"
              + kind.label
              + ".conf expects");
    }
    return new JournalSettings(
        kind,
        url,
        journal.getString("user"),
        journal.getString("password"),
        journal.getInt("max-connections"),
        journal.getDuration("connect-timeout"));
  }

  /**
   * This journal as configuration: its overlay with these settings over it, for programs that make
   * their configuration in code (tests, benchmarks); a node reads the overlay its files include.
   */
  public Config overlay() {
    Map<String, Object> settings = new HashMap<>();
    settings.put("cairn.journal.url", url);
    settings.put("cairn.journal.user", user);
    settings.put("cairn.journal.password", password);
    settings.put("cairn.journal.max-connections", maxConnections);
    settings.put("cairn.journal.connect-timeout", connectTimeout.toMillis() + "ms");
    return ConfigFactory.parseMap(settings, "journal settings")
        .withFallback(ConfigFactory.parseResources("cairn/persistence/" + kind.label + ".conf"));
  }

  /** The URL without options, safe to print: it never holds the password. */
  public String displayUrl() {
    return displayUrl(url);
  }

  private static String displayUrl(String url) {
    int options = url.indexOf(';');
    return options < 0 ? url : url.substring(0, options);
  }

  @Override
  public String toString() {
    return kind.label + " journal at " + displayUrl();
  }
}
