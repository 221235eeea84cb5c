package io.cairn.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.cluster.ClusterNodes;
import io.cairn.journal.TestDatabases;
import io.cairn.protocol.stream.Permission;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Three cluster nodes on 127.0.0.1 sharing one PostgreSQL journal. */
class StreamClusterTest {
  private static final StreamSettings SETTINGS =
      new StreamSettings(
          100,
          4096,
          100,
          Duration.ofSeconds(5),
          1024 * 1024,
          Duration.ofSeconds(1),
          10_000,
          100,
          Duration.ofSeconds(60));
  private ClusterNodes cluster;

  @AfterEach
  void stopNodes() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aStreamAnswersWithItsFullStateAfterItsNodeStops() throws Exception {
    cluster = ClusterNodes.start(3, TestDatabases.postgres());
    for (ActorTestKit node : cluster.nodes()) {
      Stream.init(node.system(), SETTINGS);
    }

    String streamId = StreamTest.OWNER + "/cluster/" + UUID.randomUUID();
    ClusterSharding sharding = ClusterSharding.get(cluster.node(1).system());
    var stream = sharding.entityRefFor(Stream.ENTITY_KEY, streamId);
    Duration timeout = Duration.ofSeconds(15);
    stream
        .<Stream.State>askWithStatus(
            r -> new Stream.Create(StreamTest.OWNER, "shared", 4, r), timeout)
        .toCompletableFuture()
        .join();
    stream
        .<Stream.State>askWithStatus(
            r ->
                new Stream.Grant(
                    StreamTest.OWNER,
                    Grantee.of(StreamTest.ALICE),
                    Permission.PUBLISH,
                    Optional.empty(),
                    r),
            timeout)
        .toCompletableFuture()
        .join();
    Stream.State written =
        stream
            .<Stream.State>askWithStatus(
                r ->
                    new Stream.Grant(
                        StreamTest.OWNER,
                        Grantee.EVERYONE,
                        Permission.SUBSCRIBE,
                        Optional.empty(),
                        r),
                timeout)
            .toCompletableFuture()
            .join();

    cluster.stop(cluster.hostOf(Stream.ENTITY_KEY, streamId));

    Stream.State answered = askUntilAnswered(cluster.node(0).system(), streamId);
    assertEquals(written, answered);
    assertTrue(answered.may(StreamTest.ALICE, Permission.PUBLISH));
  }

  /** While the shard moves, asks time out; the answer must come once it has moved. */
  private static Stream.State askUntilAnswered(ActorSystem<?> system, String streamId) {
    var stream = ClusterSharding.get(system).entityRefFor(Stream.ENTITY_KEY, streamId);
    return await()
        .alias("an answer from " + streamId)
        .atMost(Duration.ofSeconds(45))
        .pollDelay(Duration.ZERO)
        .ignoreExceptionsInstanceOf(CompletionException.class)
        .until(
            () ->
                stream
                    .<Stream.State>askWithStatus(Stream.Get::new, Duration.ofSeconds(3))
                    .toCompletableFuture()
                    .join(),
            Objects::nonNull);
  }
}
