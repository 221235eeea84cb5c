package io.cairn.cli.stream;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.PersistorMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "stream",
    mixinStandardHelpOptions = true,
    description = "Create, read and share streams.")
public final class StreamCommand {
  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Creates stream ID (<your address>/<path>); --public lets everyone subscribe.")
  int create(
      @Parameters(paramLabel = "ID") String id,
      @Option(names = "--partitions", defaultValue = "1", paramLabel = "N") int partitions,
      @Option(names = "--description", defaultValue = "", paramLabel = "TEXT") String description,
      @Option(names = "--public", description = "Everyone may subscribe.") boolean everyone)
      throws InvalidProtocolBufferException {
    var client = options.authenticated();
    var stream = client.createStream(id, description, partitions);
    if (everyone) {
      stream = client.grant(id, null, "subscribe");
    }
    return print(stream);
  }

  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      description = "Prints a stream's description and permissions.")
  int get(@Parameters(paramLabel = "ID") String id) throws InvalidProtocolBufferException {
    return print(options.client().stream(id));
  }

  @Command(
      name = "grant",
      mixinStandardHelpOptions = true,
      description =
          "Grants PERMISSION (publish, subscribe, edit, delete, grant) to ADDRESS, or to everyone with 'public'.")
  int grant(
      @Parameters(index = "0", paramLabel = "ID") String id,
      @Parameters(index = "1", paramLabel = "ADDRESS") String address,
      @Parameters(index = "2", paramLabel = "PERMISSION") String permission)
      throws InvalidProtocolBufferException {
    EthereumAddress grantee = address.equals("public") ? null : EthereumAddress.parse(address);
    return print(options.authenticated().grant(id, grantee, permission));
  }

  @Command(
      name = "custodian",
      mixinStandardHelpOptions = true,
      description =
          "Appoints the cluster as key custodian of stream ID (its owner only; again, harmlessly):"
              + " it makes the first group key and hands keys to subscribers. Prints the current key id and"
              + " the address that signs the key responses.")
  int custodian(@Parameters(paramLabel = "ID") String id) throws InvalidProtocolBufferException {
    return print(options.authenticated().appointCustodian(id));
  }

  @Command(
      name = "rotate-key",
      mixinStandardHelpOptions = true,
      description =
          "Makes a new current group key for stream ID (its owner only); old keys stay readable to"
              + " subscribers. Revoking subscribe rotates the key by itself.")
  int rotateKey(@Parameters(paramLabel = "ID") String id) throws InvalidProtocolBufferException {
    return print(options.authenticated().rotateGroupKey(id));
  }

  @Command(
      name = "persistor",
      mixinStandardHelpOptions = true,
      description = {
        "Appoints the cluster's persistor for stream ID, or changes its mode or interval (its owner only):"
            + " it keeps every {address, key} pair announced on the stream, publishes a signed checkpoint (count and"
            + " merkle root) and serves the pairs late subscribers lack.",
        "The persistor signs with the cluster's service address: grant that address publish on the stream."
      })
  int persistor(
      @Parameters(paramLabel = "ID") String id,
      @Option(
              names = "--mode",
              defaultValue = "checkpoint",
              paramLabel = "MODE",
              description =
                  "checkpoint (default), or rebroadcast: every pair again each interval, as Resourced did.")
          String mode,
      @Option(
              names = "--interval",
              paramLabel = "DURATION",
              description = "How often it checkpoints, e.g. 1s or 500ms (default: the node's, 1s).")
          String interval)
      throws InvalidProtocolBufferException {
    PersistorMode parsed =
        switch (mode.trim().toLowerCase(Locale.ROOT)) {
          case "checkpoint" -> PersistorMode.CHECKPOINT;
          case "rebroadcast" -> PersistorMode.REBROADCAST;
          default ->
              throw new IllegalArgumentException(
                  "'"
                      + mode
                      + "' is not a persistor mode; expected checkpoint or"
                      + " rebroadcast");
        };
    return print(
        options
            .authenticated()
            .appointPersistor(id, parsed, interval == null ? null : duration(interval)));
  }

  /** A duration as the node's configuration writes one (HOCON: 1s, 500ms, 2 minutes). */
  private static Duration duration(String text) {
    try {
      return ConfigFactory.parseMap(Map.of("d", text)).getDuration("d");
    } catch (ConfigException malformed) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration; write e.g. 1s or 500ms");
    }
  }

  private int print(MessageOrBuilder message) throws InvalidProtocolBufferException {
    spec.commandLine()
        .getOut()
        .println(JsonFormat.printer().omittingInsignificantWhitespace().print(message));
    return 0;
  }
}
