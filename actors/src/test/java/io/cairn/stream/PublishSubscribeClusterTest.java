package io.cairn.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.cluster.ClusterNodes;
import io.cairn.journal.TestDatabases;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.event.EventVerifier;
import io.cairn.protocol.event.PrivateKeySigner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three nodes on PostgreSQL: a publisher on the first, subscribers on the other two. The node
 * hosting the partition is downed and stopped mid-stream; the publisher retries what was not
 * acknowledged; afterwards every acknowledged event is stored exactly once and reached both
 * subscribers in order.
 */
class PublishSubscribeClusterTest {
  private static final int EVENTS = 10_000;
  private static final int WINDOW = 64;
  private static final StreamSettings SETTINGS =
      new StreamSettings(
          100,
          4096,
          1000,
          Duration.ofSeconds(5),
          1024 * 1024,
          Duration.ofSeconds(1),
          10_000,
          1000,
          Duration.ofSeconds(60));
  private ClusterNodes cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Behavior<PartitionTopics.Delivery> collector(ConcurrentLinkedQueue<Long> into) {
    return Behaviors.receiveMessage(
        delivery -> {
          for (byte[] message : delivery.messages()) {
            into.add(StreamMessage.parseFrom(message).getMessageId().getTimestamp());
          }
          return Behaviors.same();
        });
  }

  @Test
  void acknowledgedEventsSurviveTheLossOfThePartitionsNode() throws Exception {
    cluster = ClusterNodes.start(3, TestDatabases.postgres());
    Map<ActorTestKit, StreamModule> modules = new HashMap<>();
    for (ActorTestKit node : cluster.nodes()) {
      modules.put(node, StreamModule.init(node.system(), SETTINGS, EventVerifier.standard()));
    }
    PrivateKeySigner owner = PrivateKeySigner.generate();
    String streamId = owner.address() + "/cluster-" + System.nanoTime();
    String part = StreamPartition.entityId(streamId, 0);
    modules
        .get(cluster.node(0))
        .streams()
        .create(streamId, owner.address(), "", 1)
        .toCompletableFuture()
        .join();
    // the partition starts on some node; publish from another, so that stopping the host is a real
    // loss
    ClusterSharding.get(cluster.node(0).system())
        .entityRefFor(StreamPartition.ENTITY_KEY, part)
        .<StreamPartition.Head>askWithStatus(StreamPartition.GetHead::new, Duration.ofSeconds(10))
        .toCompletableFuture()
        .join();
    ActorTestKit publishingNode =
        cluster.others(cluster.hostOf(StreamPartition.ENTITY_KEY, part)).get(0);
    Publisher publisher = modules.get(publishingNode).publisher();

    Map<ActorTestKit, ConcurrentLinkedQueue<Long>> received = new HashMap<>();
    for (ActorTestKit node : cluster.others(publishingNode)) {
      ConcurrentLinkedQueue<Long> timestamps = new ConcurrentLinkedQueue<>();
      received.put(node, timestamps);
      PartitionTopics.get(node.system()).subscribe(part, node.spawn(collector(timestamps)));
    }
    var stats = publishingNode.<Topic.TopicStats>createTestProbe();
    stats.awaitAssert(
        Duration.ofSeconds(20),
        () -> {
          PartitionTopics.get(publishingNode.system())
              .topic(part)
              .tell(Topic.getTopicStats(stats.ref()));
          assertEquals(2, stats.receiveMessage().topicInstanceCount());
          return null;
        });

    long start = System.currentTimeMillis() - 3_600_000;
    List<StreamMessage> events = new ArrayList<>(EVENTS);
    StreamMessage previous = null;
    for (int i = 0; i < EVENTS; i++) {
      previous = PublisherTest.event(owner, streamId, 0, start + i, "{\"n\":" + i + "}", previous);
      events.add(previous);
    }

    Set<Long> acknowledged = new HashSet<>();
    Set<Long> refused = new HashSet<>();
    boolean hostStopped = false;
    long failedPublishes = 0;
    int next = 0;
    while (next < EVENTS) {
      if (!hostStopped && next >= EVENTS / 2) {
        ActorTestKit host = cluster.hostOf(StreamPartition.ENTITY_KEY, part);
        // the host vanishes without leaving: downed by the others, then stopped
        Cluster.get(publishingNode.system())
            .manager()
            .tell(new Down(Cluster.get(host.system()).selfMember().address()));
        cluster.stop(host);
        received.remove(host);
        hostStopped = true;
      }
      // a window of publishes in flight; on any failure, go back to the first unacknowledged one
      int windowEnd = Math.min(EVENTS, next + WINDOW);
      List<CompletableFuture<StreamPartition.Ack>> window = new ArrayList<>();
      for (int i = next; i < windowEnd; i++) {
        window.add(publisher.publish(events.get(i)).toCompletableFuture());
      }
      int firstFailed = -1;
      for (int i = 0; i < window.size(); i++) {
        try {
          window.get(i).get(30, TimeUnit.SECONDS);
          acknowledged.add(events.get(next + i).getMessageId().getTimestamp());
        } catch (Exception failure) {
          Throwable cause = failure.getCause() == null ? failure : failure.getCause();
          if (cause instanceof Rejection rejection && rejection.code() == ErrorCode.OUT_OF_ORDER) {
            refused.add(events.get(next + i).getMessageId().getTimestamp());
          } else {
            failedPublishes++;
            if (firstFailed < 0) {
              firstFailed = i;
            }
          }
        }
      }
      next = firstFailed < 0 ? windowEnd : next + firstFailed;
    }
    assertTrue(hostStopped);
    System.out.printf(
        "acknowledged %d, refused as out of order %d, publishes retried %d%n",
        acknowledged.size(), refused.size(), failedPublishes);

    List<Long> stored =
        modules
            .get(publishingNode)
            .resends()
            .last(part, EVENTS * 2, Resends.Filter.ALL)
            .map(
                event ->
                    StreamMessage.parseFrom(event.stored().message()).getMessageId().getTimestamp())
            .runWith(Sink.seq(), publishingNode.system())
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
    // the resend holds every acknowledged event exactly once, in chain order
    assertEquals(stored.size(), new HashSet<>(stored).size(), "no event stored twice");
    for (int i = 1; i < stored.size(); i++) {
      assertTrue(stored.get(i) > stored.get(i - 1), "stored in chain order at " + i);
    }
    Set<Long> missing = new HashSet<>(acknowledged);
    missing.removeAll(stored);
    assertEquals(Set.of(), missing, "acknowledged but not stored");
    Set<Long> unacknowledged = new HashSet<>(stored);
    unacknowledged.removeAll(acknowledged);
    assertEquals(Set.of(), unacknowledged, "stored but never acknowledged");
    // a batch lost with the node is sent again before any later event of its chain is stored
    assertEquals(Set.of(), refused, "refused as out of order");
    assertEquals(EVENTS, acknowledged.size(), "every event acknowledged");

    // live deliveries to the surviving subscribers: in chain order, never twice, only stored events
    Set<Long> storedSet = new HashSet<>(stored);
    for (ConcurrentLinkedQueue<Long> timestamps : received.values()) {
      long last = Long.MIN_VALUE;
      for (long timestamp : timestamps) {
        assertTrue(timestamp > last, "in order and never twice");
        assertTrue(storedSet.contains(timestamp), "only stored events are delivered");
        last = timestamp;
      }
      assertTrue(
          timestamps.size() >= EVENTS / 2, "the subscriber kept receiving: " + timestamps.size());
    }
  }
}
