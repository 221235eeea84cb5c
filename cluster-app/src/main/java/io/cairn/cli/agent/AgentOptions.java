package io.cairn.cli.agent;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.cairn.agent.AgentRole;
import io.cairn.agent.AgentSettings;
import io.cairn.agent.CheatMode;
import io.cairn.agent.CleanupMargin;
import io.cairn.cli.stream.NodeUrl;
import io.cairn.protocol.event.PrivateKeySigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** What every agent is given: its node, its key, its data directory and who runs it where. */
final class AgentOptions {
  private static final Pattern HEX_KEY = Pattern.compile("(0[xX])?[0-9a-fA-F]{64}");

  @Option(
      names = "--node",
      paramLabel = "URL",
      converter = NodeUrl.class,
      defaultValue = "${CAIRN_NODE:-http://127.0.0.1:7171}",
      description = "The node's public API (default: ${DEFAULT-VALUE}; env CAIRN_NODE).")
  URI node;

  @Option(
      names = "--key",
      paramLabel = "HEX_OR_FILE",
      defaultValue = "${CAIRN_KEY}",
      description =
          "The agent's Ethereum private key, 64 hex digits, or a file holding them (env"
              + " CAIRN_KEY). Its address is the provider; it signs locally, it is never sent.")
  String key;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description =
          "The agent's own data directory (created if missing): what it sealed, so that a restart"
              + " goes on where it stopped. One key, one directory.")
  Path data;

  @Option(
      names = "--operator",
      required = true,
      paramLabel = "NAME",
      description = "Who runs it: one job's replicas go to different operators.")
  String operator;

  @Option(
      names = "--region",
      required = true,
      paramLabel = "NAME",
      description = "Where it runs, as in eu-west: one job's replicas spread across regions.")
  String region;

  @Option(
      names = "--poll",
      paramLabel = "DURATION",
      defaultValue = "1s",
      description = "How often it asks the node for its tasks (default: ${DEFAULT-VALUE}).")
  String poll;

  @Option(
      names = "--keep-unlisted",
      paramLabel = "DURATION",
      defaultValue = "1h",
      description =
          "How long it keeps the data of a replica that its node no longer lists as its work (the"
              + " job ended, the replica was replaced) before deleting it; it must also be missing"
              + " from "
              + CleanupMargin.DEFAULT_LISTS
              + " task lists in a row (default: ${DEFAULT-VALUE}).")
  String keepUnlisted;

  AgentSettings settings(
      AgentRole role, long capacityBytes, Optional<InetSocketAddress> serve, CheatMode cheat) {
    return new AgentSettings(
        node,
        signer(),
        data,
        role,
        capacityBytes,
        operator,
        region,
        serve,
        duration("--poll", poll),
        new CleanupMargin(CleanupMargin.DEFAULT_LISTS, duration("--keep-unlisted", keepUnlisted)),
        cheat);
  }

  /**
   * The key, given as hex or as a file holding it. A file that cannot be read is a local problem; a
   * value that is neither a key nor a file is a usage mistake. The value is never echoed: it may be
   * a mistyped secret.
   */
  PrivateKeySigner signer() {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("an agent needs --key HEX_OR_FILE or CAIRN_KEY");
    }
    String text = key.strip();
    if (HEX_KEY.matcher(text).matches()) {
      return PrivateKeySigner.fromHex(text);
    }
    Path file = Path.of(text);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "--key is neither a private key (64 hex digits) nor a file that exists");
    }
    String content;
    try {
      content = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read --key " + file + ": " + e.getMessage(), e);
    }
    try {
      return PrivateKeySigner.fromHex(content.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--key " + file + " does not hold a private key: " + e.getMessage(), e);
    }
  }

  private static Duration duration(String option, String text) {
    try {
      return ConfigFactory.parseMap(Map.of("d", text)).getDuration("d");
    } catch (ConfigException malformed) {
      throw new IllegalArgumentException(
          option + " '" + text + "' is not a duration; write e.g. 1s, 500ms or 1h");
    }
  }
}
