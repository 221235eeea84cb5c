package io.cairn.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cairn.journal.JournalSettings;
import io.cairn.journal.TestDatabases;
import io.cairn.protocol.stream.Permission;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Three cluster nodes on 127.0.0.1 sharing one PostgreSQL journal. */
class StreamClusterTest {
  private static final StreamSettings SETTINGS = new StreamSettings(100, 4096, 100, Duration.ofSeconds(5));
  private final List<ActorTestKit> nodes = new ArrayList<>();

  @AfterEach
  void stopNodes() {
    nodes.forEach(ActorTestKit::shutdownTestKit);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private ActorTestKit startNode(JournalSettings journal) throws IOException {
    Config config = ConfigFactory.parseString(String.format("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = 127.0.0.1
        pekko.remote.artery.canonical.port = %d
        pekko.cluster.roles = [stream]
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.cluster.downing-provider-class = "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider"
        """, freePort()))
        .withFallback(journal.pekkoConfig())
        .withFallback(ConfigFactory.load());
    ActorTestKit node = ActorTestKit.create("cairn", config);
    nodes.add(node);
    return node;
  }

  @Test
  void aStreamAnswersWithItsFullStateAfterItsNodeStops() throws Exception {
    JournalSettings journal = TestDatabases.postgres();
    for (int i = 0; i < 3; i++) {
      startNode(journal);
    }
    Cluster first = Cluster.get(nodes.get(0).system());
    for (ActorTestKit node : nodes) {
      Cluster.get(node.system()).manager().tell(Join.create(first.selfMember().address()));
    }
    for (ActorTestKit node : nodes) {
      awaitUpMembers(node, 3);
      Stream.init(node.system(), SETTINGS);
    }

    String streamId = StreamTest.OWNER + "/cluster/" + UUID.randomUUID();
    ClusterSharding sharding = ClusterSharding.get(nodes.get(1).system());
    var stream = sharding.entityRefFor(Stream.ENTITY_KEY, streamId);
    Duration timeout = Duration.ofSeconds(15);
    stream.<Stream.State>askWithStatus(r -> new Stream.Create(StreamTest.OWNER, "shared", 4, r), timeout)
        .toCompletableFuture().join();
    stream.<Stream.State>askWithStatus(
            r -> new Stream.Grant(StreamTest.OWNER, Grantee.of(StreamTest.ALICE), Permission.PUBLISH, r), timeout)
        .toCompletableFuture().join();
    Stream.State written = stream.<Stream.State>askWithStatus(
            r -> new Stream.Grant(StreamTest.OWNER, Grantee.EVERYONE, Permission.SUBSCRIBE, r), timeout)
        .toCompletableFuture().join();

    ActorTestKit host = hostOf(streamId);
    host.shutdownTestKit();
    nodes.remove(host);

    Stream.State answered = askUntilAnswered(nodes.get(0).system(), streamId);
    assertEquals(written, answered);
    assertTrue(answered.may(StreamTest.ALICE, Permission.PUBLISH));
  }

  private static void awaitUpMembers(ActorTestKit node, int count) {
    TestProbe<Object> probe = node.createTestProbe();
    probe.awaitAssert(Duration.ofSeconds(20), () -> {
      long up = 0;
      for (var member : Cluster.get(node.system()).state().getMembers()) {
        if (member.status() == MemberStatus.up()) {
          up++;
        }
      }
      assertEquals(count, up);
      return null;
    });
  }

  private ActorTestKit hostOf(String streamId) {
    for (ActorTestKit node : nodes) {
      TestProbe<CurrentShardRegionState> probe = node.createTestProbe();
      ClusterSharding.get(node.system()).shardState()
          .tell(new GetShardRegionState(Stream.ENTITY_KEY, probe.ref()));
      CurrentShardRegionState state = probe.receiveMessage(Duration.ofSeconds(10));
      boolean hosts = state.getShards().stream()
          .anyMatch(shard -> shard.getEntityIds().contains(streamId));
      if (hosts) {
        return node;
      }
    }
    throw new AssertionError("no node hosts " + streamId);
  }

  /** While the shard moves, asks time out; the answer must come once it has moved. */
  private static Stream.State askUntilAnswered(ActorSystem<?> system, String streamId) {
    var stream = ClusterSharding.get(system).entityRefFor(Stream.ENTITY_KEY, streamId);
    long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
    Optional<RuntimeException> last = Optional.empty();
    while (System.nanoTime() < deadline) {
      try {
        return stream.<Stream.State>askWithStatus(Stream.Get::new, Duration.ofSeconds(3))
            .toCompletableFuture().join();
      } catch (CompletionException e) {
        last = Optional.of(e);
      }
    }
    throw new AssertionError("no answer from " + streamId, last.orElse(null));
  }
}
