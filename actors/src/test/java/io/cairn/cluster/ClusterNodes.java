package io.cairn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cairn.journal.JournalSchema;
import io.cairn.journal.JournalSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/** Cluster nodes on 127.0.0.1 in this JVM, one ActorSystem each, sharing one journal. */
public final class ClusterNodes implements AutoCloseable {
  private static final Duration STOP_WAIT = Duration.ofSeconds(60);
  private final List<ActorTestKit> nodes = new ArrayList<>();

  /** Starts {@code count} nodes with every entity role and waits until all see each other Up. */
  public static ClusterNodes start(int count, JournalSettings journal) throws IOException {
    return start(count, journal, ConfigFactory.empty());
  }

  /** The same, with {@code overrides} over each node's configuration. */
  public static ClusterNodes start(int count, JournalSettings journal, Config overrides)
      throws IOException {
    JournalSchema.ensure(journal);
    ClusterNodes cluster = new ClusterNodes();
    for (int i = 0; i < count; i++) {
      cluster.nodes.add(
          ActorTestKit.create(
              "cairn", ConfigFactory.load(overrides.withFallback(config(journal)))));
    }
    Cluster first = Cluster.get(cluster.nodes.get(0).system());
    for (ActorTestKit node : cluster.nodes) {
      Cluster.get(node.system()).manager().tell(Join.create(first.selfMember().address()));
    }
    for (ActorTestKit node : cluster.nodes) {
      awaitUpMembers(node, count);
    }
    return cluster;
  }

  private static Config config(JournalSettings journal) throws IOException {
    return ConfigFactory.parseString(
            String.format(
                """
            pekko.actor.provider = cluster
            pekko.remote.artery.canonical.hostname = 127.0.0.1
            pekko.remote.artery.canonical.port = %d
            pekko.cluster.roles = [stream, core, persistor]
            pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
            pekko.cluster.downing-provider-class = "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider"
            """,
                freePort()))
        .withFallback(ConfigFactory.parseResources("cairn/large-messages.conf"))
        .withFallback(journal.overlay());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void awaitUpMembers(ActorTestKit node, int count) {
    node.createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(20),
            () -> {
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

  public List<ActorTestKit> nodes() {
    return nodes;
  }

  public ActorTestKit node(int i) {
    return nodes.get(i);
  }

  /** The node whose shard region hosts {@code entityId} right now. */
  public ActorTestKit hostOf(EntityTypeKey<?> type, String entityId) {
    for (ActorTestKit node : nodes) {
      TestProbe<CurrentShardRegionState> probe = node.createTestProbe();
      ClusterSharding.get(node.system())
          .shardState()
          .tell(new GetShardRegionState(type, probe.ref()));
      CurrentShardRegionState state = probe.receiveMessage(Duration.ofSeconds(10));
      if (state.getShards().stream().anyMatch(shard -> shard.getEntityIds().contains(entityId))) {
        return node;
      }
    }
    throw new AssertionError("no node hosts " + entityId);
  }

  /** Every node but {@code host}. */
  public List<ActorTestKit> others(ActorTestKit host) {
    return nodes.stream().filter(node -> node != host).toList();
  }

  /**
   * Stops one node the way an operator does: it leaves the cluster and its shards move. The wait
   * covers coordinated shutdown's own phase timeouts (shard hand-off, cluster exit), which on a
   * busy machine add up to more than the test kit's default of 10 s.
   */
  public void stop(ActorTestKit node) {
    ActorTestKit.shutdown(node.system(), STOP_WAIT, true);
    nodes.remove(node);
  }

  /**
   * Stops every node at once: one after another, each would wait for the others to see it leave.
   */
  @Override
  public void close() {
    nodes.forEach(node -> node.system().terminate());
    for (ActorTestKit node : nodes) {
      try {
        node.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError(
            "node " + node.system().address() + " did not stop within 30 s", e);
      }
    }
    nodes.clear();
  }
}
