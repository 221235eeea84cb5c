package io.cairn.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.cairn.cluster.ClusterNodes;
import io.cairn.journal.TestDatabases;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.event.EventVerifier;
import io.cairn.protocol.event.PrivateKeySigner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that has touched 100,000 partitions and hundreds of streams keeps only what is in use: the
 * publisher's queues, the partition topics and the stream cache stay bounded.
 */
class NodeLocalStateTest {
  private static final int PARTITIONS_TOUCHED = 100_000;
  private static final int CACHE_SIZE = 50;
  private static final StreamSettings SETTINGS =
      new StreamSettings(
          100,
          4096,
          100,
          Duration.ofSeconds(10),
          1024,
          Duration.ofMinutes(10),
          CACHE_SIZE,
          10000,
          Duration.ofSeconds(1));
  private static final PrivateKeySigner OWNER = PrivateKeySigner.generate();

  @TempDir Path journalDir;
  private ClusterNodes cluster;
  private ActorTestKit node;
  private StreamModule module;
  private Streams streams;

  @BeforeEach
  void start() throws Exception {
    cluster =
        ClusterNodes.start(
            1,
            TestDatabases.h2(journalDir),
            ConfigFactory.parseString("cairn.stream.topic-idle-after = 1s"));
    node = cluster.node(0);
    module = StreamModule.init(node.system(), SETTINGS, EventVerifier.standard());
    streams = module.streams();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void publishingToManyPartitionsLeavesNoQueueBehind() {
    String stream = OWNER.address() + "/many-partitions";
    streams.create(stream, OWNER.address(), "", 1).toCompletableFuture().join();
    Publisher publisher = module.publisher();
    List<CompletableFuture<StreamPartition.Ack>> answers = new ArrayList<>();
    for (int partition = 1; partition <= PARTITIONS_TOUCHED; partition++) {
      StreamMessage.Builder event = StreamMessage.newBuilder();
      event.getMessageIdBuilder().setStreamId(stream).setStreamPartition(partition);
      answers.add(publisher.publish(event.build()).toCompletableFuture());
    }
    for (CompletableFuture<StreamPartition.Ack> answer : answers) {
      CompletionException refused = assertThrows(CompletionException.class, answer::join);
      assertEquals(ErrorCode.PARTITION_OUT_OF_RANGE, ((Rejection) refused.getCause()).code());
    }
    assertEquals(0, publisher.partitionsInFlight());
  }

  @Test
  void idleTopicsStopAndSubscribedOnesStay() {
    PartitionTopics topics = PartitionTopics.get(node.system());
    TestProbe<PartitionTopics.Delivery> subscriber = node.createTestProbe();
    String watched = OWNER.address() + "/watched#0";
    topics.subscribe(watched, subscriber.ref());
    for (int partition = 0; partition < PARTITIONS_TOUCHED; partition++) {
      topics.publish(PartitionTopics.Delivery.head(OWNER.address() + "/idle#" + partition, 0));
    }
    assertTrue(topics.size() > 1);
    await().atMost(Duration.ofSeconds(60)).until(() -> topics.size() == 1);

    topics.publish(PartitionTopics.Delivery.head(watched, 7));
    assertEquals(8, subscriber.receiveMessage(Duration.ofSeconds(5)).firstSequenceNr());
    String restarted = OWNER.address() + "/idle#0";
    topics.subscribe(restarted, subscriber.ref());
    topics.publish(PartitionTopics.Delivery.head(restarted, 1));
    assertEquals(2, subscriber.receiveMessage(Duration.ofSeconds(5)).firstSequenceNr());
  }

  @Test
  void theStreamCacheKeepsTheMostRecentlyUsedStreams() {
    StreamCache cache = module.cache();
    for (int i = 0; i < CACHE_SIZE * 4; i++) {
      String stream = OWNER.address() + "/cached-" + i;
      streams.create(stream, OWNER.address(), "", 1).toCompletableFuture().join();
      assertEquals(stream, cache.get(stream).toCompletableFuture().join().streamId());
    }
    assertTrue(cache.size() <= CACHE_SIZE, "the cache holds " + cache.size() + " streams");
  }
}
