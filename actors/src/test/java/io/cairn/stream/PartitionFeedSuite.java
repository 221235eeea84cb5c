package io.cairn.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.cairn.cluster.ClusterNodes;
import io.cairn.journal.JournalSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link PartitionFeed} on two cluster nodes and a real journal, each database through a subclass:
 * a lost delivery and a head announcement are repaired from the journal, history and live overlap
 * without a doubled event, a late subscriber gets history then live, and a subscriber on the node
 * that does not host the partition gets every event of a new stream published right after it was
 * confirmed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PartitionFeedSuite {
  private static final StreamSettings SETTINGS =
      new StreamSettings(
          100,
          4096,
          100,
          Duration.ofSeconds(10),
          1024 * 1024,
          Duration.ofSeconds(1),
          10_000,
          100,
          Duration.ofSeconds(60));
  private static final Duration WAIT = Duration.ofSeconds(40);
  private static final String CHAIN = "0x00000000000000000000000000000000000000aa|feed";
  private static final String COMPLETED = "completed";

  private ClusterNodes cluster;
  private final List<org.apache.pekko.stream.UniqueKillSwitch> running = new ArrayList<>();

  protected abstract JournalSettings journal();

  @BeforeAll
  void startCluster() throws Exception {
    // subscriptions spread slowly, as in a large cluster: a remote topic learns of a new
    // subscriber seconds after it was confirmed, later than the partition's head announcement
    cluster =
        ClusterNodes.start(
            2,
            journal(),
            ConfigFactory.parseString(
                """
                pekko.cluster.typed.receptionist.distributed-data {
                  gossip-interval = 4 s
                  delta-crdt.enabled = off
                }
                """));
    for (ActorTestKit node : cluster.nodes()) {
      StreamPartition.init(node.system(), SETTINGS);
    }
  }

  @AfterAll
  void stopCluster() {
    cluster.close();
  }

  @AfterEach
  void stopFeeds() {
    running.forEach(org.apache.pekko.stream.UniqueKillSwitch::shutdown);
    running.clear();
  }

  private static String newPartition() {
    return StreamPartition.entityId("0x" + "ab".repeat(20) + "/feed-" + UUID.randomUUID(), 0);
  }

  private static Resends resends(ActorTestKit node) {
    return new Resends(node.system(), JdbcReadJournal.Identifier(), SETTINGS.askTimeout());
  }

  private static byte[] message(long n) {
    return ("event " + n).getBytes(StandardCharsets.UTF_8);
  }

  private static String seen(long n) {
    return n + ":event " + n;
  }

  /** Stores events {@code from} to {@code to} (both included) through the partition entity. */
  private static void store(ActorTestKit node, String part, long from, long to) {
    List<StreamPartition.Incoming> events = new ArrayList<>();
    for (long n = from; n <= to; n++) {
      events.add(
          new StreamPartition.Incoming(
              message(n),
              CHAIN,
              new StreamPartition.Position(1000 + n, 0),
              n == 1 ? Optional.empty() : Optional.of(new StreamPartition.Position(999 + n, 0))));
    }
    StreamPartition.Outcomes outcomes =
        await(
            ClusterSharding.get(node.system())
                .entityRefFor(StreamPartition.ENTITY_KEY, part)
                .askWithStatus(
                    replyTo -> new StreamPartition.PublishBatch(events, replyTo),
                    SETTINGS.askTimeout()));
    assertEquals(
        to,
        outcomes.outcomes().get(outcomes.outcomes().size() - 1).ack().orElseThrow().sequenceNr());
  }

  private static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Runs a feed into a probe, as {@code <sequence nr>:<message>} strings, and waits for its
   * confirmed position.
   */
  private long run(
      ActorTestKit node,
      Source<PartitionFeed.Event, CompletionStage<Long>> feed,
      TestProbe<String> into) {
    Pair<CompletionStage<Long>, org.apache.pekko.stream.UniqueKillSwitch> materialized =
        feed.map(
                event ->
                    event.sequenceNr() + ":" + new String(event.message(), StandardCharsets.UTF_8))
            .viaMat(org.apache.pekko.stream.KillSwitches.single(), Keep.both())
            .toMat(ActorSink.actorRef(into.ref(), COMPLETED, Throwable::toString), Keep.left())
            .run(node.system());
    running.add(materialized.second());
    return await(materialized.first());
  }

  private static void expectEvents(TestProbe<String> probe, long from, long to) {
    for (long n = from; n <= to; n++) {
      assertEquals(seen(n), probe.receiveMessage(WAIT));
    }
  }

  /** What reached a feed: deliveries offered by the test, some of them lost on the way. */
  private static Pair<
          BoundedSourceQueue<PartitionTopics.Delivery>, Source<PartitionTopics.Delivery, NotUsed>>
      arrivals(ActorTestKit node) {
    return Source.<PartitionTopics.Delivery>queue(16).preMaterialize(node.system());
  }

  @Test
  void aLostDeliveryIsReadFromTheJournal() {
    ActorTestKit node = cluster.node(0);
    String part = newPartition();
    var arrived = arrivals(node);
    TestProbe<String> probe = node.createTestProbe();
    long confirmed =
        run(
            node,
            new PartitionFeed(node.system(), resends(node))
                .follow(
                    part,
                    PartitionFeed.History.none(),
                    PartitionFeed.LiveBuffer.failing(100),
                    arrived.second()),
            probe);
    assertEquals(0, confirmed);
    store(node, part, 1, 4);

    // 2 and 3 lost between the nodes, then 4 arrives
    arrived.first().offer(PartitionTopics.Delivery.of(part, 1, message(1)));
    arrived.first().offer(PartitionTopics.Delivery.of(part, 4, message(4)));
    expectEvents(probe, 1, 4);
    // a late copy of one delivered already is dropped
    arrived.first().offer(PartitionTopics.Delivery.of(part, 3, message(3)));
    store(node, part, 5, 5);
    arrived.first().offer(PartitionTopics.Delivery.of(part, 5, message(5)));
    expectEvents(probe, 5, 5);
    probe.expectNoMessage(Duration.ofMillis(300));
  }

  @Test
  void aHeadAnnouncementBringsWhatWasMissed() {
    ActorTestKit node = cluster.node(0);
    String part = newPartition();
    var arrived = arrivals(node);
    TestProbe<String> probe = node.createTestProbe();
    run(
        node,
        new PartitionFeed(node.system(), resends(node))
            .follow(
                part,
                PartitionFeed.History.none(),
                PartitionFeed.LiveBuffer.failing(100),
                arrived.second()),
        probe);
    store(node, part, 1, 3);

    // the last write's delivery lost: only the partition's announcement tells of it
    arrived.first().offer(PartitionTopics.Delivery.of(part, 1, message(1)));
    arrived.first().offer(PartitionTopics.Delivery.head(part, 3));
    expectEvents(probe, 1, 3);
    arrived.first().offer(PartitionTopics.Delivery.head(part, 3));
    probe.expectNoMessage(Duration.ofMillis(300));
  }

  @Test
  void historyAndLiveOverlapWithoutADoubledEvent() {
    ActorTestKit node = cluster.node(0);
    String part = newPartition();
    int total = 300;
    store(node, part, 1, 1);
    // events keep coming, one write each, while the subscription starts
    CompletableFuture<Void> publishing =
        CompletableFuture.runAsync(
            () -> {
              for (int n = 2; n <= total; n++) {
                store(node, part, n, n);
              }
            });
    Resends resends = resends(node);
    node.createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              assertTrue(await(resends.head(part)) >= 50);
              return null;
            });
    TestProbe<String> probe = node.createTestProbe();
    long confirmed =
        run(
            node,
            new PartitionFeed(node.system(), resends)
                .follow(
                    part, PartitionFeed.History.after(0), PartitionFeed.LiveBuffer.failing(1000)),
            probe);
    await(publishing);

    assertTrue(confirmed >= 50 && confirmed < total, "confirmed at " + confirmed);
    expectEvents(probe, 1, total);
    probe.expectNoMessage(Duration.ofMillis(1500));
  }

  @Test
  void aLateSubscriptionGetsHistoryThenLive() {
    ActorTestKit node = cluster.node(1);
    String part = newPartition();
    store(node, part, 1, 5);
    Resends resends = resends(node);
    TestProbe<String> probe = node.createTestProbe();
    long confirmed =
        run(
            node,
            new PartitionFeed(node.system(), resends)
                .follow(
                    part,
                    PartitionFeed.History.resend(
                        head -> resends.last(part, 3, Resends.Filter.ALL, head)),
                    PartitionFeed.LiveBuffer.failing(100)),
            probe);
    assertEquals(5, confirmed);
    expectEvents(probe, 3, 5);

    store(node, part, 6, 8);
    expectEvents(probe, 6, 8);
    probe.expectNoMessage(Duration.ofMillis(300));
  }

  /**
   * The everyday-use report: a stream's first events, published on the partition's node right after
   * a subscriber on another node was told it is subscribed. The topic there may not know of the
   * subscriber yet; the feed reads what the topic did not bring.
   */
  @Test
  void aSubscriberOnAnotherNodeGetsTheFirstEventsOfANewStream() {
    String part = newPartition();
    await(resends(cluster.node(0)).head(part));
    ActorTestKit host = cluster.hostOf(StreamPartition.ENTITY_KEY, part);
    ActorTestKit subscriber = cluster.others(host).get(0);
    assertNotSame(host, subscriber);
    TestProbe<String> probe = subscriber.createTestProbe();
    long confirmed =
        run(
            subscriber,
            new PartitionFeed(subscriber.system(), resends(subscriber))
                .follow(part, PartitionFeed.History.none(), PartitionFeed.LiveBuffer.failing(100)),
            probe);
    assertEquals(0, confirmed);

    store(host, part, 1, 3);
    store(host, part, 4, 5);
    expectEvents(probe, 1, 5);
    probe.expectNoMessage(Duration.ofMillis(300));
    assertEquals(
        LongStream.rangeClosed(1, 5)
            .mapToObj(PartitionFeedSuite::seen)
            .collect(Collectors.toList()),
        await(
            resends(host)
                .after(part, 0)
                .map(
                    r ->
                        r.sequenceNr()
                            + ":"
                            + new String(r.stored().message(), StandardCharsets.UTF_8))
                .runWith(org.apache.pekko.stream.javadsl.Sink.seq(), host.system())));
  }
}
