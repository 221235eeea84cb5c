package io.cairn.cli.stream;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.client.CairnClient;
import io.cairn.protocol.api.v1.StreamMessage;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "resend",
    mixinStandardHelpOptions = true,
    description =
        "Prints stored events, one JSON StreamMessage per line: the last N, or from a time (to a time).")
public final class ResendCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions options;
  @Mixin EventOutputOptions output;

  @Parameters(paramLabel = "ID", description = "The stream's id.")
  String id;

  @Option(
      names = "--partition",
      defaultValue = "0",
      paramLabel = "P",
      description = "The partition (default: ${DEFAULT-VALUE}).")
  int partition;

  @ArgGroup(exclusive = true)
  Which which;

  static final class Which {
    @Option(names = "--last", paramLabel = "N", description = "The last N stored events.")
    Integer last;

    @Option(
        names = "--from",
        paramLabel = "MS",
        description = "The events from this timestamp (ms since 1970) on.")
    Long from;
  }

  @Option(
      names = "--to",
      paramLabel = "MS",
      description = "With --from: the last timestamp included.")
  Long to;

  @Override
  public Integer call() throws InvalidProtocolBufferException {
    output.check();
    String query;
    if (which != null && which.from != null) {
      query =
          to == null
              ? "from?fromTimestamp=" + which.from
              : "range?fromTimestamp=" + which.from + "&toTimestamp=" + to;
    } else {
      if (to != null) {
        throw new IllegalArgumentException("--to goes with --from");
      }
      query = "last?count=" + (which == null || which.last == null ? 1 : which.last);
    }
    CairnClient client = options.reader();
    for (StreamMessage event : client.storedEvents(id, partition, query)) {
      output.print(event, spec.commandLine().getOut(), System.out);
    }
    return 0;
  }
}
