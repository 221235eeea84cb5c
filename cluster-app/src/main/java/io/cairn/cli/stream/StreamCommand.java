package io.cairn.cli.stream;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.PersistorMode;
import io.cairn.protocol.api.v1.PersistorSettings;
import java.io.PrintWriter;
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
    subcommands = ChecksumCommand.class,
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
      @Parameters(paramLabel = "ID", description = "The new stream's id: your address/path.")
          String id,
      @Option(
              names = "--partitions",
              defaultValue = "1",
              paramLabel = "N",
              description = "Partitions, 1 to the node's limit (default: ${DEFAULT-VALUE}).")
          int partitions,
      @Option(
              names = "--description",
              defaultValue = "",
              paramLabel = "TEXT",
              description = "What the stream carries, for people who find it.")
          String description,
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
  int get(@Parameters(paramLabel = "ID", description = "The stream's id.") String id)
      throws InvalidProtocolBufferException {
    return print(options.client().stream(id));
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "Lists streams, one JSON object per line: those of --owner, or whose id or description"
              + " holds --search, or both.")
  int list(
      @Option(
              names = "--owner",
              paramLabel = "ADDRESS",
              description = "Only the streams this address owns.")
          String owner,
      @Option(
              names = "--search",
              paramLabel = "TEXT",
              description = "Only streams whose id or description holds TEXT.")
          String search,
      @Option(
              names = "--max",
              defaultValue = "100",
              paramLabel = "N",
              description = "At most N streams, 1 to 1000 (default: ${DEFAULT-VALUE}).")
          int max)
      throws InvalidProtocolBufferException {
    if (owner == null && search == null) {
      throw new IllegalArgumentException("name --owner ADDRESS, --search TEXT or both");
    }
    for (var stream :
        options
            .client()
            .searchStreams(owner == null ? null : EthereumAddress.parse(owner.trim()), search, max)
            .getStreamsList()) {
      print(stream);
    }
    return 0;
  }

  @Command(
      name = "update",
      mixinStandardHelpOptions = true,
      description =
          "Changes stream ID's description or adds partitions (needs edit; partitions never go"
              + " away, so events stored under them stay reachable).")
  int update(
      @Parameters(paramLabel = "ID", description = "The stream's id.") String id,
      @Option(names = "--description", paramLabel = "TEXT", description = "The new description.")
          String description,
      @Option(
              names = "--partitions",
              paramLabel = "N",
              description = "The new number of partitions, no fewer than now.")
          Integer partitions)
      throws InvalidProtocolBufferException {
    if (description == null && partitions == null) {
      throw new IllegalArgumentException("name what changes: --description TEXT, --partitions N");
    }
    var client = options.authenticated();
    var current = client.stream(id);
    return print(
        client.updateStream(
            id,
            description == null ? current.getDescription() : description,
            partitions == null ? current.getPartitions() : partitions));
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description =
          "Deletes stream ID (needs delete): it takes no more events and its id is never used"
              + " again.")
  int delete(@Parameters(paramLabel = "ID", description = "The stream's id.") String id)
      throws InvalidProtocolBufferException {
    return print(options.authenticated().deleteStream(id));
  }

  @Command(
      name = "grant",
      mixinStandardHelpOptions = true,
      description =
          "Grants PERMISSION (publish, subscribe, edit, delete, grant) to ADDRESS, or to everyone with 'public'.")
  int grant(
      @Parameters(index = "0", paramLabel = "ID", description = "The stream's id.") String id,
      @Parameters(
              index = "1",
              paramLabel = "ADDRESS",
              description = "Who gets it: a 0x address, or 'public' for everyone.")
          String address,
      @Parameters(
              index = "2",
              paramLabel = "PERMISSION",
              description = "publish, subscribe, edit, delete or grant.")
          String permission)
      throws InvalidProtocolBufferException {
    EthereumAddress grantee = address.equals("public") ? null : EthereumAddress.parse(address);
    return print(options.authenticated().grant(id, grantee, permission));
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description =
          "Revokes PERMISSION from ADDRESS, or from everyone with 'public'. Revoking subscribe on a"
              + " stream with a key custodian rotates its group key; the answer's keyRotation says"
              + " whether that is done or still pending.")
  int revoke(
      @Parameters(index = "0", paramLabel = "ID", description = "The stream's id.") String id,
      @Parameters(
              index = "1",
              paramLabel = "ADDRESS",
              description = "Who loses it: a 0x address, or 'public'.")
          String address,
      @Parameters(
              index = "2",
              paramLabel = "PERMISSION",
              description = "publish, subscribe, edit, delete or grant.")
          String permission)
      throws InvalidProtocolBufferException {
    EthereumAddress grantee = address.equals("public") ? null : EthereumAddress.parse(address);
    return print(options.authenticated().revoke(id, grantee, permission));
  }

  @Command(
      name = "custodian",
      mixinStandardHelpOptions = true,
      description =
          "Appoints the cluster as key custodian of stream ID (its owner only; again, harmlessly):"
              + " it makes the first group key and hands keys to subscribers. Prints the current key id and"
              + " the address that signs the key responses.")
  int custodian(@Parameters(paramLabel = "ID", description = "The stream's id.") String id)
      throws InvalidProtocolBufferException {
    return print(options.authenticated().appointCustodian(id));
  }

  @Command(
      name = "rotate-key",
      mixinStandardHelpOptions = true,
      description =
          "Makes a new current group key for stream ID (its owner only); old keys stay readable to"
              + " subscribers. Revoking subscribe rotates the key by itself.")
  int rotateKey(@Parameters(paramLabel = "ID", description = "The stream's id.") String id)
      throws InvalidProtocolBufferException {
    return print(options.authenticated().rotateGroupKey(id));
  }

  @Command(
      name = "persistor",
      mixinStandardHelpOptions = true,
      description = {
        "Sets stream ID up to be persisted, in one command (its owner only), or changes its persistor's mode,"
            + " interval or --while-licensed: the cluster's persistor keeps every {address, key} pair announced on the stream, publishes a"
            + " signed checkpoint (count and merkle root) and serves the pairs late subscribers lack.",
        "What it needs is done too, where missing, and said on stderr: the cluster's service address (which signs the"
            + " checkpoints) gets publish, and a key custodian is appointed to hold the group keys."
      })
  int persistor(
      @Parameters(paramLabel = "ID", description = "The stream's id.") String id,
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
          String interval,
      @Option(
              names = "--while-licensed",
              description =
                  "Follow the stream only while at least one licence on it is active (a subscribe"
                      + " grant with an end still to come, as a purchase makes); catch up on what was"
                      + " published meanwhile when the next one is bought.")
          boolean whileLicensed)
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
    PrintWriter err = spec.commandLine().getErr();
    return print(
        options
            .authenticated()
            .setUpPersistence(
                id,
                PersistorSettings.newBuilder()
                    .setMode(parsed)
                    .setIntervalMillis(interval == null ? 0 : duration(interval).toMillis())
                    .setWhileLicensed(whileLicensed)
                    .build(),
                err::println));
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
