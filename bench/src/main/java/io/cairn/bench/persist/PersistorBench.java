package io.cairn.bench.persist;

import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cairn.client.CairnClient;
import io.cairn.client.GroupKeyExchange;
import io.cairn.client.PairCatchUp;
import io.cairn.journal.JournalSchema;
import io.cairn.journal.JournalSettings;
import io.cairn.node.CairnNode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Randomness;
import io.cairn.protocol.api.v1.ContentMessage;
import io.cairn.protocol.api.v1.ContentType;
import io.cairn.protocol.api.v1.PersistorMode;
import io.cairn.protocol.api.v1.PersistorStatus;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.encryption.StreamEncryption;
import io.cairn.protocol.event.EventSigner;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.persist.DataAddress;
import io.cairn.protocol.persist.ItemCipher;
import io.cairn.protocol.persist.Pair;
import io.cairn.protocol.persist.PairAccumulator;
import io.cairn.protocol.persist.PairContent;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What a persistor costs the network and what a late subscriber waits, on one node in this JVM
 * (embedded H2 journal, default settings: 1 s interval, rebroadcast pages of 500 pairs, 10 per
 * interval; the node is its own key custodian). For each size it seeds a stream with that many
 * pairs (events of 1,000 pairs, published over HTTP), appoints the persistor and waits until it
 * holds them all, then measures:
 *
 * <ul>
 *   <li>the size of one checkpoint event, what checkpoint mode publishes per interval in which
 *       pairs came;
 *   <li>bytes per second the persistor publishes in checkpoint mode, once its count is steady;
 *   <li>the same in rebroadcast mode;
 *   <li>the time a new subscriber takes to read every pair through {@code /pairs}, open them and
 *       check them against the signed checkpoint ({@link PairCatchUp}), median of the runs.
 * </ul>
 *
 * <p>Bytes are those of the signed events the persistor stored on the stream (what every subscriber
 * of partition 0 receives), counted over a window of whole seconds.
 *
 * <pre>
 * java -Xmx2g -cp bench/target/benchmarks.jar io.cairn.bench.persist.PersistorBench \
 *     [--sizes 1000,100000,1000000] [--window 10] [--runs 3]
 * </pre>
 */
public final class PersistorBench {
  private static final int PAIRS_PER_EVENT = 1000;

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = List.of(1_000, 100_000, 1_000_000);
    int window = 10;
    int runs = 3;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--sizes" ->
            sizes = java.util.Arrays.stream(args[i + 1].split(",")).map(Integer::parseInt).toList();
        case "--window" -> window = Integer.parseInt(args[i + 1]);
        case "--runs" -> runs = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path data = Files.createTempDirectory("cairn-persistor-bench");
    int apiPort = freePort();
    Config config =
        ConfigFactory.load(
            ConfigFactory.parseMap(
                    Map.of(
                        "cairn.node.cluster-port",
                        freePort(),
                        "cairn.node.management-port",
                        freePort(),
                        "cairn.node.api-port",
                        apiPort,
                        "cairn.data-dir",
                        data.toString(),
                        "cairn.api.session.secret",
                        "be" + "00".repeat(31),
                        "pekko.loglevel",
                        "WARNING"))
                .withFallback(ConfigFactory.parseResources("application.conf")));
    JournalSchema.ensure(JournalSettings.fromConfig(config));
    ActorSystem<Void> system = CairnNode.start(config);
    try {
      URI node = URI.create("http://127.0.0.1:" + apiPort);
      waitUntilUp(node);
      System.out.println(
          "| pairs | checkpoint event, B | checkpoint mode, B/s | rebroadcast mode, B/s | catch-up of every pair, s (median of "
              + runs
              + ") |");
      System.out.println("|---|---|---|---|---|");
      for (int size : sizes) {
        measure(node, size, window, runs);
      }
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
    }
  }

  private static void measure(URI node, int size, int window, int runs) throws Exception {
    PrivateKeySigner owner = PrivateKeySigner.generate();
    String streamId = owner.address() + "/bench-" + size;
    CairnClient client = CairnClient.connect(node).authenticate(owner);
    EthereumAddress service = EthereumAddress.parse(client.nodeInfo().getServiceAddress());
    client.createStream(streamId, "", 1);
    client.grant(streamId, service, "publish");
    client.appointCustodian(streamId);
    GroupKey key = new GroupKeyExchange(client, owner).current(streamId);
    byte[] core = Randomness.bytes(DataAddress.CORE_KEY_LENGTH);
    EventSigner signer = new EventSigner(owner);
    long timestamp = System.currentTimeMillis() - size;
    for (int first = 0; first < size; first += PAIRS_PER_EVENT) {
      List<Pair> pairs = new ArrayList<>(PAIRS_PER_EVENT);
      for (int i = first; i < Math.min(size, first + PAIRS_PER_EVENT); i++) {
        pairs.add(new Pair(DataAddress.ofBlocks(core, i, 1).text(), ItemCipher.generateKey()));
      }
      StreamMessage.Builder event = StreamMessage.newBuilder();
      event
          .getMessageIdBuilder()
          .setStreamId(streamId)
          .setTimestamp(timestamp++)
          .setMessageChainId("seed");
      client.publish(
          signer.sign(
              StreamEncryption.encryptContent(
                  event
                      .setContentMessage(
                          ContentMessage.newBuilder()
                              .setContent(ByteString.copyFrom(PairContent.encode(pairs)))
                              .setContentType(ContentType.JSON))
                      .build(),
                  key)));
    }
    long seeded = System.nanoTime();
    client.appointPersistor(streamId, PersistorMode.CHECKPOINT, null);
    PersistorStatus status = client.persistor(streamId);
    while (!status.hasCheckpoint() || status.getCheckpoint().getCount() != size) {
      Thread.sleep(200);
      status = client.persistor(streamId);
    }
    System.err.printf(
        "%d pairs recorded and checkpointed %.1f s after appointment%n",
        size, (System.nanoTime() - seeded) / 1e9);

    double checkpointRate = bytesPerSecond(client, streamId, service, window);
    client.appointPersistor(streamId, PersistorMode.REBROADCAST, null);
    Thread.sleep(2000);
    double rebroadcastRate = bytesPerSecond(client, streamId, service, window);
    client.appointPersistor(streamId, PersistorMode.CHECKPOINT, null);

    List<Double> seconds = new ArrayList<>();
    PersistorStatus checkpointed = status;
    for (int run = 0; run < runs; run++) {
      CairnClient subscriber = CairnClient.connect(node).authenticate(owner);
      PairCatchUp catchUp =
          new PairCatchUp(
              subscriber,
              streamId,
              service,
              id -> id.equals(key.id()) ? Optional.of(key) : Optional.empty());
      AtomicLong read = new AtomicLong();
      long start = System.nanoTime();
      catchUp.catchUp(
          checkpointed.getCheckpoint(), new PairAccumulator(), pair -> read.incrementAndGet());
      seconds.add((System.nanoTime() - start) / 1e9);
      if (read.get() != size) {
        throw new IllegalStateException("read " + read.get() + " pairs, not " + size);
      }
    }
    seconds.sort(Double::compare);
    System.out.printf(
        "| %,d | %d | %,.0f | %,.0f | %.2f |%n",
        size,
        checkpointed.getCheckpoint().getMessage().getSerializedSize(),
        checkpointRate,
        rebroadcastRate,
        seconds.get(seconds.size() / 2));
  }

  /** Bytes of the persistor's events stored over the next {@code window} seconds, per second. */
  private static double bytesPerSecond(
      CairnClient client, String streamId, EthereumAddress service, int window)
      throws InterruptedException {
    long from = System.currentTimeMillis();
    Thread.sleep(window * 1000L);
    long to = from + window * 1000L;
    long bytes = 0;
    for (StreamMessage event :
        client.storedEvents(
            streamId,
            0,
            "range?fromTimestamp="
                + from
                + "&toTimestamp="
                + (to - 1)
                + "&publisherId="
                + service.value()
                + "&msgChainId=persistor")) {
      bytes += event.getSerializedSize();
    }
    return bytes / (double) window;
  }

  private static void waitUntilUp(URI node) throws InterruptedException {
    CairnClient client = CairnClient.connect(node);
    for (int attempt = 0; ; attempt++) {
      try {
        client.health();
        return;
      } catch (RuntimeException notYet) {
        if (attempt > 100) {
          throw notYet;
        }
        Thread.sleep(200);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
