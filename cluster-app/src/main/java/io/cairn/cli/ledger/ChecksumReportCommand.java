package io.cairn.cli.ledger;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.cairn.cli.stream.ClientOptions;
import io.cairn.client.CairnClient;
import io.cairn.client.PartitionChecksums;
import io.cairn.protocol.api.v1.ReportRoundView;
import io.cairn.protocol.stream.PartitionChecksum;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "checksum",
    mixinStandardHelpOptions = true,
    description = "The checksum reports the nodes make of paid partitions to the ledger.")
public final class ChecksumReportCommand {
  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "Prints the ledger's report round of a partition's interval (reporters, final report,"
            + " closed) beside the checksum this reader computes from the stored events, and"
            + " whether they match."
      })
  int show(
      @Parameters(paramLabel = "STREAM", description = "The stream's id.") String stream,
      @Option(
              names = "--partition",
              defaultValue = "0",
              paramLabel = "P",
              description = "The partition (default: ${DEFAULT-VALUE}).")
          int partition,
      @Option(
              names = "--interval",
              paramLabel = "K",
              description =
                  "The interval; default the last one whose round has closed (two before the"
                      + " current).")
          Long interval,
      @Option(
              names = "--interval-seconds",
              defaultValue = "60",
              paramLabel = "L",
              description =
                  "The node's cairn.ledger.checksums.interval in seconds (default:"
                      + " ${DEFAULT-VALUE}).")
          long intervalSeconds)
      throws InvalidProtocolBufferException {
    if (intervalSeconds < 1) {
      throw new IllegalArgumentException("--interval-seconds must be at least 1");
    }
    long k =
        interval != null
            ? interval
            : PartitionChecksum.intervalOf(System.currentTimeMillis(), intervalSeconds) - 2;
    CairnClient client = options.reader();
    ReportRoundView round = client.ledger().reportRound(stream, partition, k);
    PartitionChecksum computed =
        PartitionChecksums.compute(
            client, stream, partition, k, Duration.ofSeconds(intervalSeconds));
    JsonObject json = new JsonObject();
    json.add(
        "round",
        JsonParser.parseString(
            JsonFormat.printer().omittingInsignificantWhitespace().print(round)));
    JsonObject mine = new JsonObject();
    mine.addProperty("eventCount", computed.count());
    mine.addProperty("checksum", computed.hex());
    json.add("computed", mine);
    if (round.hasFinalReport()) {
      json.addProperty(
          "matches",
          round.getFinalReport().getEventCount() == computed.count()
              && round.getFinalReport().getChecksum().equals(computed.hex()));
    }
    spec.commandLine().getOut().println(json);
    return 0;
  }
}
