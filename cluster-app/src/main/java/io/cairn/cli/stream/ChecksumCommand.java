package io.cairn.cli.stream;

import com.google.gson.JsonObject;
import io.cairn.client.CairnClient;
import io.cairn.client.PartitionChecksums;
import io.cairn.protocol.stream.PartitionChecksum;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "checksum",
    mixinStandardHelpOptions = true,
    description =
        "Computes a partition's checksum over one reporting interval from its stored events"
            + " (docs/protocol.md, \"Partition checksums\"), as the nodes report it to the ledger.")
public final class ChecksumCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand StreamCommand stream;

  @Parameters(paramLabel = "ID", description = "The stream's id.")
  String id;

  @Option(
      names = "--partition",
      defaultValue = "0",
      paramLabel = "P",
      description = "The partition (default: ${DEFAULT-VALUE}).")
  int partition;

  @Option(
      names = "--interval",
      paramLabel = "K",
      description =
          "The interval: events with timestamps in [K·L, (K+1)·L) seconds; default the last"
              + " complete one.")
  Long interval;

  @Option(
      names = "--interval-seconds",
      defaultValue = "60",
      paramLabel = "L",
      description =
          "The reporting interval's length L, as the node's cairn.ledger.checksums.interval"
              + " (default: ${DEFAULT-VALUE}).")
  long intervalSeconds;

  @Override
  public Integer call() {
    if (intervalSeconds < 1) {
      throw new IllegalArgumentException("--interval-seconds must be at least 1");
    }
    long k =
        interval != null
            ? interval
            : PartitionChecksum.intervalOf(System.currentTimeMillis(), intervalSeconds) - 1;
    CairnClient client = stream.options.reader();
    PartitionChecksum checksum =
        PartitionChecksums.compute(client, id, partition, k, Duration.ofSeconds(intervalSeconds));
    JsonObject json = new JsonObject();
    json.addProperty("streamId", id);
    json.addProperty("partition", partition);
    json.addProperty("interval", k);
    json.addProperty("intervalSeconds", intervalSeconds);
    json.addProperty("eventCount", checksum.count());
    json.addProperty("checksum", checksum.hex());
    spec.commandLine().getOut().println(json);
    return 0;
  }
}
