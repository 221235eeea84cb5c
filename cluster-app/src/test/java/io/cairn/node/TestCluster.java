package io.cairn.node;

import io.cairn.journal.JournalSettings;
import io.cairn.protocol.encryption.MasterKey;
import io.cairn.protocol.event.PrivateKeySigner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;

/**
 * Whole nodes in this JVM forming one cluster on 127.0.0.1, as {@code cairn node --seed} forms one:
 * the first node starts the cluster, the others join it, all share one journal database.
 */
public final class TestCluster implements AutoCloseable {
  private static final Duration MEMBERS_UP_WITHIN = Duration.ofSeconds(30);
  private static final Duration ASK = Duration.ofSeconds(10);

  private final List<TestNode> nodes = new ArrayList<>();

  private final JournalSettings journal;
  private final Path dataDir;
  private int started;

  private TestCluster(JournalSettings journal, Path dataDir) {
    this.journal = journal;
    this.dataDir = dataDir;
  }

  /**
   * Starts {@code size} nodes with every role on {@code journal} and waits until each sees all of
   * them Up.
   */
  public static TestCluster start(int size, JournalSettings journal, Path dataDir)
      throws Exception {
    TestCluster cluster = new TestCluster(journal, dataDir);
    try {
      for (int i = 0; i < size; i++) {
        cluster.nodes.add(
            TestNode.start(dataDir.resolve("node-" + cluster.started++), cluster.nodeConfig()));
      }
      cluster.awaitMembersUp(size);
      return cluster;
    } catch (Exception | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * Starts a cluster of one node whose configuration {@code overrides} change (its roles, say);
   * others join it with {@link #join(Map)}.
   */
  public static TestCluster start(
      JournalSettings journal, Path dataDir, Map<String, Object> overrides) throws Exception {
    TestCluster cluster = new TestCluster(journal, dataDir);
    try {
      cluster.join(overrides);
      return cluster;
    } catch (Exception | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * Starts one more node, as a crashed node's replacement comes back: it joins through the running
   * nodes, on a data directory of its own, and the call returns once every node sees it Up.
   */
  public TestNode join() throws Exception {
    return join(Map.of());
  }

  /** Starts one more node, as {@link #join()}, whose configuration {@code overrides} change. */
  public TestNode join(Map<String, Object> overrides) throws Exception {
    Map<String, Object> config = nodeConfig();
    config.putAll(overrides);
    TestNode node = TestNode.start(dataDir.resolve("node-" + started++), config);
    nodes.add(node);
    awaitMembersUp(nodes.size());
    return node;
  }

  private Map<String, Object> nodeConfig() throws IOException {
    Map<String, Object> config =
        new HashMap<>(
            Map.of(
                "cairn.journal.url", journal.url(),
                "cairn.journal.user", journal.user(),
                "cairn.journal.password", journal.password(),
                // several nodes share the database with other tests' nodes
                "cairn.journal.max-connections", 4,
                "pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on",
                // a stopped node dies as a crashed process does: it neither leaves nor hands off
                // its shards
                "pekko.coordinated-shutdown.run-by-actor-system-terminate", "off",
                // every node of a cluster holds the same secrets, as if mounted from one place
                "cairn.keys.master-key-file",
                    secret(dataDir, "master.key", MasterKey.generate().toHex()),
                "cairn.service.key-file",
                    secret(dataDir, "service.key", PrivateKeySigner.generate().toHex())));
    if (!nodes.isEmpty()) {
      config.put("cairn.node.seeds", nodes.stream().map(TestNode::seed).toList());
    }
    return config;
  }

  /** The cluster's secret file {@code name}, written with {@code value} for the first node. */
  private static String secret(Path dataDir, String name, String value) throws IOException {
    Path file = dataDir.resolve(name);
    if (Files.notExists(file)) {
      Files.createDirectories(dataDir);
      Files.writeString(file, value);
    }
    return file.toString();
  }

  private void awaitMembersUp(int count) throws InterruptedException {
    long deadline = System.nanoTime() + MEMBERS_UP_WITHIN.toNanos();
    for (TestNode node : nodes) {
      while (membersUp(node) != count) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              node.seed() + " sees " + membersUp(node) + " members Up, not " + count);
        }
        Thread.sleep(50);
      }
    }
  }

  private static long membersUp(TestNode node) {
    long up = 0;
    for (var member : Cluster.get(node.system()).state().getMembers()) {
      if (member.status() == MemberStatus.up()) {
        up++;
      }
    }
    return up;
  }

  /** The running nodes, in the order they started. */
  public List<TestNode> nodes() {
    return List.copyOf(nodes);
  }

  /** The node whose shard region hosts {@code entityId} right now. */
  public TestNode hostOf(EntityTypeKey<?> type, String entityId) throws Exception {
    for (TestNode node : nodes) {
      CurrentShardRegionState state =
          AskPattern.<ClusterShardingQuery, CurrentShardRegionState>ask(
                  ClusterSharding.get(node.system()).shardState(),
                  replyTo -> new GetShardRegionState(type, replyTo),
                  ASK,
                  node.system().scheduler())
              .toCompletableFuture()
              .get(ASK.toSeconds(), TimeUnit.SECONDS);
      if (state.getShards().stream().anyMatch(shard -> shard.getEntityIds().contains(entityId))) {
        return node;
      }
    }
    throw new AssertionError("no node hosts " + entityId);
  }

  /**
   * Stops {@code node} the way a crash does, then has another node down it, as an operator or the
   * split brain resolver would: only a downed node's shards move to the others.
   */
  public void crash(TestNode node) throws Exception {
    Address address = Cluster.get(node.system()).selfMember().address();
    nodes.remove(node);
    node.close();
    Cluster.get(nodes.get(0).system()).manager().tell(new Down(address));
  }

  /** Stops every node at once: none waits for the others to see it go. */
  @Override
  public void close() throws Exception {
    nodes.forEach(node -> node.system().terminate());
    for (TestNode node : nodes) {
      node.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    nodes.clear();
  }
}
