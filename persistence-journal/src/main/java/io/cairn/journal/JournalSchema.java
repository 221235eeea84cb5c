package io.cairn.journal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Creates the journal's tables when they are missing. It runs before the actor system starts, so an
 * unreachable database ends start-up with one clear message instead of entities failing later.
 */
public final class JournalSchema {
  /** Any fixed number: nodes of one cluster take the same advisory lock while creating tables. */
  private static final long SCHEMA_LOCK = 0x636169726eL;

  private JournalSchema() {}

  public static void ensure(JournalSettings settings) {
    List<String> statements = statements(settings.kind().schemaResource());
    try (Connection connection = connect(settings)) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        if (settings.kind() == JournalSettings.Kind.POSTGRES) {
          statement.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
        }
        for (String sql : statements) {
          statement.execute(sql);
        }
      }
      connection.commit();
    } catch (SQLException e) {
      throw new JournalUnavailableException("cannot prepare the " + settings + ": " + reason(e), e);
    }
  }

  static Connection connect(JournalSettings settings) {
    Properties properties = new Properties();
    properties.setProperty("user", settings.user());
    properties.setProperty("password", settings.password());
    if (settings.kind() == JournalSettings.Kind.POSTGRES) {
      long seconds = Math.max(1, settings.connectTimeout().toSeconds());
      properties.setProperty("connectTimeout", Long.toString(seconds));
      properties.setProperty("loginTimeout", Long.toString(seconds));
    }
    try {
      return DriverManager.getConnection(settings.url(), properties);
    } catch (SQLException e) {
      throw new JournalUnavailableException("cannot reach the " + settings + ": " + reason(e), e);
    }
  }

  private static String reason(SQLException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    // H2 appends its version and an error URL on further lines; the first line says it all
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).trim();
  }

  private static List<String> statements(String resource) {
    String script;
    try (InputStream in = JournalSchema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("schema resource " + resource + " is missing");
      }
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read schema resource " + resource, e);
    }
    StringBuilder withoutComments = new StringBuilder();
    for (String line : script.split("\n")) {
      if (!line.stripLeading().startsWith("--")) {
        withoutComments.append(line).append('\n');
      }
    }
    List<String> statements = new ArrayList<>();
    for (String statement : withoutComments.toString().split(";")) {
      if (!statement.isBlank()) {
        statements.add(statement.strip());
      }
    }
    return statements;
  }
}
