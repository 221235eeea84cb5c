package io.cairn.cli.stream;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.client.CairnClient;
import io.cairn.protocol.api.v1.ResendOptions;
import io.cairn.protocol.api.v1.StreamMessage;
import java.io.PrintWriter;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "subscribe",
    mixinStandardHelpOptions = true,
    description =
        "Prints a stream partition's events as they are published, one line per event, until"
            + " stopped or --count; with --last, the last N stored events first. A lost connection"
            + " is taken up again by itself, after the last event printed: none missed, none twice.")
public final class SubscribeCommand implements Callable<Integer> {
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

  @Option(
      names = "--last",
      paramLabel = "N",
      description = "First the last N stored events, then live ones.")
  Integer last;

  @Option(
      names = "--count",
      paramLabel = "N",
      description = "Exit after N events (default: run until stopped).")
  Long count;

  @Override
  public Integer call() throws InterruptedException, InvalidProtocolBufferException {
    output.check();
    if (last != null && last < 0) {
      throw new IllegalArgumentException("--last takes a number of events, not " + last);
    }
    if (count != null && count <= 0) {
      throw new IllegalArgumentException("--count takes a positive number of events, not " + count);
    }
    ResendOptions history =
        last == null
            ? ResendOptions.getDefaultInstance()
            : ResendOptions.newBuilder().setLast(last).build();
    // a key, when given, opens a session for streams that are not public
    CairnClient client =
        options.key == null || options.key.isBlank() ? options.client() : options.authenticated();
    OneAtATime events = new OneAtATime();
    PrintWriter err = spec.commandLine().getErr();
    // a lost connection is taken up again after the last event printed: said on stderr
    client
        .subscribe(
            id,
            partition,
            history,
            CairnClient.Resubscribe.defaults()
                .toldTo(
                    notice -> {
                      err.println(notice);
                      err.flush();
                    }))
        .subscribe(events);
    PrintWriter out = spec.commandLine().getOut();
    try {
      for (long printed = 0; count == null || printed < count; printed++) {
        output.print(events.next(), out, System.out);
      }
    } finally {
      events.cancel();
    }
    return 0;
  }

  /**
   * Takes events as this command prints them, requesting the next as it takes one, so a slow reader
   * of the output holds back the socket rather than filling this process.
   */
  private static final class OneAtATime implements Flow.Subscriber<StreamMessage> {
    private final BlockingQueue<Object> arrivals = new LinkedBlockingQueue<>();
    private volatile Flow.Subscription subscription;

    StreamMessage next() throws InterruptedException {
      Object next = arrivals.take();
      if (next instanceof RuntimeException failure) {
        throw failure;
      }
      subscription.request(1);
      return (StreamMessage) next;
    }

    void cancel() {
      if (subscription != null) {
        subscription.cancel();
      }
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(1);
    }

    @Override
    public void onNext(StreamMessage event) {
      arrivals.add(event);
    }

    @Override
    public void onError(Throwable failure) {
      arrivals.add(
          failure instanceof RuntimeException runtime
              ? runtime
              : new IllegalStateException(failure));
    }

    @Override
    public void onComplete() {
      arrivals.add(new IllegalStateException("the node ended the subscription"));
    }
  }
}
