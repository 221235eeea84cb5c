package io.cairn.cli.stream;

import com.google.protobuf.util.JsonFormat;
import io.cairn.client.EventPublisher;
import io.cairn.protocol.api.v1.PublishAck;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description =
        "Publishes one event per line of standard input (a JSON document), signed here with --key;"
            + " prints one acknowledgement line per event.")
public final class PublishCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Parameters(paramLabel = "ID", description = "The stream.")
  String id;

  @ArgGroup(exclusive = true)
  Partitioning partitioning;

  static final class Partitioning {
    @Option(names = "--partition", paramLabel = "P", description = "The partition (default: 0).")
    Integer partition;

    @Option(
        names = "--partition-key",
        paramLabel = "KEY",
        description =
            "Picks the partition as Streamr clients do, so one key's events stay in one partition.")
    String key;
  }

  @Override
  public Integer call() throws IOException {
    EventPublisher publisher = new EventPublisher(options.client(), options.signer());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (!line.isBlank()) {
        PublishAck ack =
            partitioning != null && partitioning.key != null
                ? publisher.publishJson(id, partitioning.key, line.strip())
                : publisher.publishJson(
                    id, partitioning == null ? 0 : partitioning.partition, line.strip());
        spec.commandLine()
            .getOut()
            .println(JsonFormat.printer().omittingInsignificantWhitespace().print(ack));
        spec.commandLine().getOut().flush();
      }
    }
    return 0;
  }
}
