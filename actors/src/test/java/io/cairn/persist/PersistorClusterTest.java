package io.cairn.persist;

import static io.cairn.persist.PairEvents.pair;
import static io.cairn.persist.PersistorNodes.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.journal.TestDatabases;
import io.cairn.keys.InMemoryStreamKeys;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.persist.Checkpoint;
import io.cairn.protocol.persist.Pair;
import io.cairn.protocol.stream.Permission;
import io.cairn.stream.Grantee;
import io.cairn.stream.Publisher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes on one H2 journal. The node hosting a persistor is downed and stopped; the persistor
 * comes back on another node by itself, with the same pairs, count and root, follows the stream on
 * from there, and its checkpoint chain goes on without a gap.
 */
class PersistorClusterTest {
  private static final PersistorSettings SETTINGS =
      new PersistorSettings(
          Duration.ofMillis(300), Duration.ofMillis(100), Duration.ofSeconds(10), 16, 100, 100, 2);

  /**
   * How long a moved persistor may take to checkpoint again: the downed node's shards are handed
   * off only when sharding's handoff timeout (60 s) has passed, since their region is gone.
   */
  private static final Duration MOVE_WAIT = Duration.ofSeconds(120);

  @TempDir Path journalDir;
  private PersistorNodes nodes;

  @AfterEach
  void stop() {
    if (nodes != null) {
      nodes.close();
    }
  }

  @Test
  void movesToAnotherNodeWithItsState() throws Exception {
    PrivateKeySigner owner = PrivateKeySigner.generate();
    PrivateKeySigner publisherKey = PrivateKeySigner.generate();
    String streamId = owner.address() + "/moving";
    nodes =
        PersistorNodes.start(
            3,
            TestDatabases.h2(journalDir),
            SETTINGS,
            new InMemoryStreamKeys(),
            PrivateKeySigner.generate());
    GroupKey key = nodes.createStream(streamId, owner, 2);
    await(
        nodes
            .streams(nodes.cluster.node(0))
            .grant(
                streamId, owner.address(), Grantee.of(publisherKey.address()), Permission.PUBLISH));
    PersistorNodes.configure(
        nodes.cluster.node(0), streamId, Persistor.Mode.CHECKPOINT, Optional.empty());

    ActorTestKit host = nodes.cluster.hostOf(Persistor.ENTITY_KEY, streamId);
    ActorTestKit survivor = nodes.cluster.others(host).get(0);
    PairEvents events = new PairEvents(publisherKey, streamId, "pairs");
    List<Pair> before = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Pair pair = pair("before/" + i);
      before.add(pair);
      await(nodes.publisher(survivor).publish(events.pairs(i % 2, key, List.of(pair))));
    }
    awaitCheckpoint(survivor, streamId, 20);
    byte[] rootBefore = PersistorNodes.status(survivor, streamId).root();

    Cluster.get(survivor.system())
        .manager()
        .tell(new Down(Cluster.get(host.system()).selfMember().address()));
    nodes.cluster.stop(host);

    for (int i = 0; i < 5; i++) {
      publishRetrying(survivor, events.pairs(i % 2, key, List.of(pair("after/" + i))));
    }
    // nobody asks the persistor: it restarts on a surviving node and checkpoints the new pairs
    Checkpoint moved = awaitCheckpoint(survivor, streamId, 25);
    assertTrue(nodes.cluster.hostOf(Persistor.ENTITY_KEY, streamId) != host);
    List<Pair> all = nodes.pairs(survivor, streamId, 0, 25, SETTINGS.pageSize());
    assertEquals(25, all.size());
    assertArrayEquals(
        rootBefore,
        PersistorNodes.root(all.subList(0, 20)),
        "the first 20 pairs are those of before the move");
    assertArrayEquals(PersistorNodes.root(all), moved.root());
    assertArrayEquals(PersistorNodes.root(all), PersistorNodes.status(survivor, streamId).root());
  }

  /** The partitions of the stopped node move too: an event sent meanwhile is sent again. */
  private void publishRetrying(ActorTestKit node, StreamMessage event) {
    Publisher publisher = nodes.publisher(node);
    Awaitility.await()
        .alias("the event stored once its stream and partition have moved")
        .atMost(MOVE_WAIT)
        .pollDelay(Duration.ZERO)
        .ignoreExceptions()
        .until(
            () ->
                publisher
                    .publish(event)
                    .toCompletableFuture()
                    .get(30, java.util.concurrent.TimeUnit.SECONDS),
            java.util.Objects::nonNull);
  }

  private Checkpoint awaitCheckpoint(ActorTestKit node, String streamId, long count) {
    return node.createTestProbe()
        .awaitAssert(
            MOVE_WAIT,
            Duration.ofMillis(300),
            () -> {
              List<Checkpoint> checkpoints = nodes.checkpoints(node, streamId);
              assertTrue(
                  !checkpoints.isEmpty()
                      && checkpoints.get(checkpoints.size() - 1).count() == count,
                  "checkpoints so far: " + checkpoints);
              return checkpoints.get(checkpoints.size() - 1);
            });
  }
}
