package io.cairn.bench.resend;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cairn.journal.JournalSchema;
import io.cairn.journal.JournalSettings;
import io.cairn.node.CairnNode;
import io.cairn.protocol.Randomness;
import io.cairn.stream.PartitionIndex;
import io.cairn.stream.Resends;
import io.cairn.stream.StreamPartition;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * What a {@code from} resend near the end of a large partition costs, on one node in this JVM
 * (embedded H2 journal, default settings). It stores {@code --events} events of 300 bytes in one
 * partition, in batches of 1,000 written straight to the partition entity (the checks before it,
 * signatures included, are not what is measured), waits until the {@link PartitionIndex} holds them
 * all, then asks {@link Resends#from} for the last {@code --tail} events by their chain position
 * and reads them all, {@code --runs} times; it prints the median and every run.
 *
 * <pre>
 * java -Xmx2g -cp bench/target/benchmarks.jar io.cairn.bench.resend.ResendBench \
 *     [--events 1000000] [--tail 100] [--runs 5]
 * </pre>
 */
public final class ResendBench {
  private static final int BATCH = 1000;
  private static final int EVENT_BYTES = 300;
  private static final Duration ASK = Duration.ofSeconds(60);

  public static void main(String[] args) throws Exception {
    int events = 1_000_000;
    int tail = 100;
    int runs = 5;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--events" -> events = Integer.parseInt(args[i + 1]);
        case "--tail" -> tail = Integer.parseInt(args[i + 1]);
        case "--runs" -> runs = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path data = Files.createTempDirectory("cairn-resend-bench");
    Config config =
        ConfigFactory.load(
            ConfigFactory.parseMap(
                    Map.of(
                        "cairn.node.cluster-port",
                        freePort(),
                        "cairn.node.management-port",
                        freePort(),
                        "cairn.node.api-port",
                        freePort(),
                        "cairn.data-dir",
                        data.toString(),
                        "cairn.api.session.secret",
                        "be" + "00".repeat(31),
                        "pekko.loglevel",
                        "WARNING",
                        // pekko-persistence-jdbc's events-by-tag query reads every row of the tag
                        // on H2 (see docs/benchmarks.md): fewer, larger pages let the index
                        // catch up with a million events in minutes
                        "jdbc-read-journal.max-buffer-size",
                        "20000"))
                .withFallback(ConfigFactory.parseResources("application.conf")));
    JournalSchema.ensure(JournalSettings.fromConfig(config));
    ActorSystem<Void> system = CairnNode.start(config);
    try {
      String partition = StreamPartition.entityId("0x" + "be".repeat(20) + "/resend-bench", 0);
      long firstTimestamp = System.currentTimeMillis() - events;
      long stored = System.nanoTime();
      store(system, partition, events, firstTimestamp);
      System.err.printf(
          "%,d events stored in %.1f s%n", events, (System.nanoTime() - stored) / 1e9);
      PartitionIndex index = new PartitionIndex(system);
      long wholePages = events - events % PartitionIndex.EVENTS_PER_PAGE;
      while (index.indexedTo(partition).toCompletableFuture().get() < wholePages) {
        Thread.sleep(500);
      }
      System.err.printf(
          "and indexed %.1f s after the first was stored%n", (System.nanoTime() - stored) / 1e9);

      Resends resends = new Resends(system, JournalSettings.READ_JOURNAL, ASK);
      StreamPartition.Position from =
          new StreamPartition.Position(firstTimestamp + events - tail, 0);
      List<Double> millis = new ArrayList<>();
      for (int run = 0; run < runs; run++) {
        long start = System.nanoTime();
        List<Resends.Resent> resent =
            resends
                .from(partition, from, Resends.Filter.ALL)
                .runWith(Sink.seq(), system)
                .toCompletableFuture()
                .get();
        millis.add((System.nanoTime() - start) / 1e6);
        if (resent.size() != tail || resent.get(0).sequenceNr() != events - tail + 1) {
          throw new IllegalStateException(
              "resent " + resent.size() + " events, not the last " + tail);
        }
      }
      List<Double> sorted = new ArrayList<>(millis);
      sorted.sort(Double::compare);
      System.out.printf(
          "from-resend of the last %d of %,d events: median %.1f ms over %d runs %s%n",
          tail,
          events,
          sorted.get(sorted.size() / 2),
          runs,
          millis.stream().map(ms -> String.format("%.1f", ms)).toList());
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
    }
  }

  /** One chain, one event per millisecond, each naming the one before it. */
  private static void store(
      ActorSystem<?> system, String partition, int events, long firstTimestamp) throws Exception {
    EntityRef<StreamPartition.Command> entity =
        ClusterSharding.get(system).entityRefFor(StreamPartition.ENTITY_KEY, partition);
    String chain = "0x" + "be".repeat(20) + "|bench";
    byte[] message = Randomness.bytes(EVENT_BYTES);
    for (int first = 0; first < events; first += BATCH) {
      List<StreamPartition.Incoming> batch = new ArrayList<>(BATCH);
      for (int i = first; i < Math.min(events, first + BATCH); i++) {
        batch.add(
            new StreamPartition.Incoming(
                message,
                chain,
                new StreamPartition.Position(firstTimestamp + i, 0),
                i == 0
                    ? Optional.empty()
                    : Optional.of(new StreamPartition.Position(firstTimestamp + i - 1, 0))));
      }
      entity
          .<StreamPartition.Outcomes>askWithStatus(
              replyTo -> new StreamPartition.PublishBatch(batch, replyTo), ASK)
          .toCompletableFuture()
          .get();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
