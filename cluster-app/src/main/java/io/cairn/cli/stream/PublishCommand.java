package io.cairn.cli.stream;

import com.google.gson.JsonElement;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.protobuf.util.JsonFormat;
import io.cairn.cli.Cairn;
import io.cairn.client.CairnApiException;
import io.cairn.client.CairnClient;
import io.cairn.client.Producer;
import io.cairn.protocol.api.v1.PublishAck;
import io.cairn.protocol.stream.PartitionKeys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
    description = {
      "Publishes one event per line of standard input (a JSON document), signed here with --key;"
          + " prints one acknowledgement line per event, in input order. Events are pipelined and"
          + " batched over one WebSocket; one that the cluster could not take at once is sent"
          + " again.",
      "A line that is not JSON is reported with its number and never published; --on-error"
          + " decides whether the rest goes on. Exit code 1 if a line was malformed, 3 if the"
          + " node refused an event."
    })
public final class PublishCommand implements Callable<Integer> {
  private static final TypeAdapter<JsonElement> JSON =
      new com.google.gson.Gson().getAdapter(JsonElement.class);

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

  /** What happens after a malformed line. */
  enum OnError {
    stop,
    skip
  }

  @Option(
      names = "--on-error",
      paramLabel = "stop|skip",
      defaultValue = "stop",
      description =
          "After a line that is not JSON: stop (default; what came before is still published) or"
              + " skip it and go on.")
  OnError onError;

  private final InputStream input;

  public PublishCommand() {
    this(System.in);
  }

  PublishCommand(InputStream input) {
    this.input = input;
  }

  /** One event handed to the producer, and the input line it came from. */
  private record Sent(long line, CompletableFuture<PublishAck> ack) {}

  @Override
  public Integer call() throws IOException {
    CairnClient client = options.client();
    int partitions =
        partitioning != null && partitioning.key != null ? client.stream(id).getPartitions() : 0;
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean malformed = false;
    boolean refused = false;
    Deque<Sent> unanswered = new ArrayDeque<>();
    try (Producer producer = client.producer(options.signer(), Producer.Settings.defaults())) {
      BufferedReader in = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8));
      long number = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        String json = line.strip();
        String problem = notJson(json);
        if (problem != null) {
          err.println("cairn: line " + number + " is not a JSON document (" + problem + ")");
          err.flush();
          malformed = true;
          if (onError == OnError.stop) {
            break;
          }
          continue;
        }
        int partition =
            partitioning == null
                ? 0
                : partitioning.key != null
                    ? PartitionKeys.partitionOf(partitioning.key, partitions)
                    : partitioning.partition;
        unanswered.add(new Sent(number, producer.publishAsync(id, partition, json)));
        while (!unanswered.isEmpty() && unanswered.peekFirst().ack().isDone()) {
          refused |= !print(unanswered.pollFirst(), out, err);
        }
      }
      producer.flush();
    }
    while (!unanswered.isEmpty()) {
      refused |= !print(unanswered.pollFirst(), out, err);
    }
    return refused ? Cairn.EXIT_REJECTED : malformed ? 1 : 0;
  }

  /** Prints the answer to one event; false if it was refused. */
  private static boolean print(Sent sent, PrintWriter out, PrintWriter err) throws IOException {
    try {
      out.println(JsonFormat.printer().omittingInsignificantWhitespace().print(sent.ack().join()));
      out.flush();
      return true;
    } catch (CompletionException failure) {
      Throwable cause = failure.getCause() == null ? failure : failure.getCause();
      err.println(
          "cairn: the event of line "
              + sent.line()
              + " was not published: "
              + (cause instanceof CairnApiException ? "the node refused: " : "")
              + cause.getMessage());
      err.flush();
      return false;
    }
  }

  /** Why {@code text} is not one JSON document, or null if it is. */
  private static String notJson(String text) {
    try (JsonReader reader = new JsonReader(new StringReader(text))) {
      JSON.read(reader);
      return reader.peek() == JsonToken.END_DOCUMENT ? null : "more follows the document";
    } catch (IOException | RuntimeException e) {
      return e.getMessage();
    }
  }
}
