package io.cairn.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cairn.cluster.ClusterNodes;
import io.cairn.journal.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deliveries published on one node reach subscribers on the others, in order, across Artery. */
class PartitionTopicsTest {
  @TempDir Path journal;
  private ClusterNodes cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void everySubscriberOnEveryNodeReceivesEveryDeliveryInOrder() throws Exception {
    cluster = ClusterNodes.start(3, TestDatabases.h2(journal));
    String partition = StreamTest.STREAM_ID + "#0";
    List<TestProbe<PartitionTopics.Delivery>> subscribers = new ArrayList<>();
    for (int node = 1; node < 3; node++) {
      TestProbe<PartitionTopics.Delivery> probe = cluster.node(node).createTestProbe();
      PartitionTopics.get(cluster.node(node).system()).subscribe(partition, probe.ref());
      subscribers.add(probe);
    }
    PartitionTopics publisher = PartitionTopics.get(cluster.node(0).system());
    // subscriptions spread through the receptionist; publish once both remote nodes are known
    TestProbe<Topic.TopicStats> stats = cluster.node(0).createTestProbe();
    stats.awaitAssert(
        Duration.ofSeconds(20),
        () -> {
          publisher.topic(partition).tell(Topic.getTopicStats(stats.ref()));
          assertEquals(2, stats.receiveMessage().topicInstanceCount());
          return null;
        });

    for (long seq = 1; seq <= 500; seq += 2) {
      publisher.publish(
          new PartitionTopics.Delivery(
              partition,
              seq,
              List.of(
                  ("event " + seq).getBytes(StandardCharsets.UTF_8),
                  ("event " + (seq + 1)).getBytes(StandardCharsets.UTF_8))));
    }
    for (TestProbe<PartitionTopics.Delivery> subscriber : subscribers) {
      for (long seq = 1; seq <= 500; seq += 2) {
        PartitionTopics.Delivery delivery = subscriber.receiveMessage(Duration.ofSeconds(10));
        assertEquals(seq, delivery.firstSequenceNr());
        assertEquals(
            List.of("event " + seq, "event " + (seq + 1)),
            delivery.messages().stream()
                .map(message -> new String(message, StandardCharsets.UTF_8))
                .toList());
      }
    }
  }

  @Test
  void aDeliveryOfTheLargestBatchCrossesNodes() throws Exception {
    cluster = ClusterNodes.start(2, TestDatabases.h2(journal));
    String partition = StreamTest.STREAM_ID + "#1";
    TestProbe<PartitionTopics.Delivery> subscriber = cluster.node(1).createTestProbe();
    PartitionTopics.get(cluster.node(1).system()).subscribe(partition, subscriber.ref());
    PartitionTopics publisher = PartitionTopics.get(cluster.node(0).system());
    TestProbe<Topic.TopicStats> stats = cluster.node(0).createTestProbe();
    stats.awaitAssert(
        Duration.ofSeconds(20),
        () -> {
          publisher.topic(partition).tell(Topic.getTopicStats(stats.ref()));
          assertEquals(1, stats.receiveMessage().topicInstanceCount());
          return null;
        });
    // a batch holds at most 1 MiB of events, or one event of up to 1 MiB of content and its fields
    List<byte[]> fullBatch = new ArrayList<>();
    for (int i = 0; i < 1024; i++) {
      fullBatch.add(new byte[1024]);
    }
    publisher.publish(new PartitionTopics.Delivery(partition, 1, fullBatch));
    publisher.publish(
        new PartitionTopics.Delivery(partition, 1025, List.of(new byte[1024 * 1024 + 4096])));
    assertEquals(1024, subscriber.receiveMessage(Duration.ofSeconds(20)).messages().size());
    assertEquals(
        1024 * 1024 + 4096,
        subscriber.receiveMessage(Duration.ofSeconds(20)).messages().get(0).length);
  }
}
