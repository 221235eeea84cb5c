package io.cairn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cairn.journal.JournalSchema;
import io.cairn.journal.JournalSettings;
import java.io.IOException;
import java.net.BindException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Join;

/**
 * The one harness for clusters in this JVM: nodes on 127.0.0.1, one ActorSystem each, sharing one
 * journal. How a node starts is the {@link NodeStarter}'s: here, an actor system with every entity
 * role on which a test starts the features it needs through their modules' {@code init}; in
 * cluster-app, a whole node through {@code CairnNode}, as {@code cairn node} starts one.
 */
public final class ClusterNodes implements AutoCloseable {
  private static final Duration STOP_WAIT = Duration.ofSeconds(60);
  private static final Duration MEMBERS_UP_WITHIN = Duration.ofSeconds(30);

  /** Starts one node of a cluster. */
  @FunctionalInterface
  public interface NodeStarter {
    /**
     * Starts node number {@code index} (counted from 0 over the cluster's life) and has it join
     * {@code running}, the nodes already up; the first node, with none, starts the cluster.
     */
    ActorSystem<?> start(int index, List<Address> running) throws Exception;
  }

  private final List<ActorTestKit> nodes = new ArrayList<>();
  private final NodeStarter starter;
  private int started;

  private ClusterNodes(NodeStarter starter) {
    this.starter = starter;
  }

  /** Starts {@code count} nodes with every entity role and waits until all see each other Up. */
  public static ClusterNodes start(int count, JournalSettings journal) throws Exception {
    return start(count, journal, ConfigFactory.empty());
  }

  /** The same, with {@code overrides} over each node's configuration. */
  public static ClusterNodes start(int count, JournalSettings journal, Config overrides)
      throws Exception {
    JournalSchema.ensure(journal);
    return start(count, (index, running) -> featureNode(journal, overrides, running));
  }

  /** Starts {@code count} nodes with {@code starter} and waits until all see each other Up. */
  public static ClusterNodes start(int count, NodeStarter starter) throws Exception {
    ClusterNodes cluster = new ClusterNodes(starter);
    try {
      for (int i = 0; i < count; i++) {
        cluster.startOne(starter);
      }
      cluster.awaitMembersUp();
      return cluster;
    } catch (Exception | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  /** An actor system with every entity role, joined to the first of {@code running}. */
  private static ActorSystem<?> featureNode(
      JournalSettings journal, Config overrides, List<Address> running) throws IOException {
    ActorSystem<?> system =
        ActorSystem.create(
            org.apache.pekko.actor.typed.javadsl.Behaviors.empty(),
            "cairn",
            ConfigFactory.load(overrides.withFallback(featureNodeConfig(journal))));
    Cluster cluster = Cluster.get(system);
    cluster
        .manager()
        .tell(Join.create(running.isEmpty() ? cluster.selfMember().address() : running.get(0)));
    return system;
  }

  private static Config featureNodeConfig(JournalSettings journal) throws IOException {
    return ConfigFactory.parseString(
            String.format(
                """
            pekko.actor.provider = cluster
            pekko.remote.artery.canonical.hostname = 127.0.0.1
            pekko.remote.artery.canonical.port = %d
            pekko.cluster.roles = [stream, core, persistor]
            pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
            pekko.cluster.downing-provider-class = "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider"
            pekko.coordinated-shutdown.run-by-actor-system-terminate = off
            """,
                freePort()))
        .withFallback(ConfigFactory.parseResources("cairn/large-messages.conf"))
        .withFallback(journal.overlay());
  }

  /** A free TCP port on this machine. */
  public static int freePort() throws IOException {
    return distinctFreePorts(1)[0];
  }

  /**
   * Free ports that differ from each other, for one node's several listeners: the sockets stay open
   * until all are taken, so that none is offered twice.
   */
  public static int[] distinctFreePorts(int count) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = bindNextFreePort();
        held.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket socket : held) {
        socket.close();
      }
    }
  }

  /*
   * The ports this JVM's nodes listen on: a range of its own per test fork (cairn.test.fork), below
   * the kernel's ephemeral ports (32768 up). A probed port stays free until the node binds it only
   * if nobody else takes it meanwhile: the kernel may hand a port just probed here to the other
   * fork's bind(0) or to an outgoing connection, but never one of these, and the forks' ranges do
   * not meet. Going through the range in turn keeps a port just closed from being offered again
   * soon (a node once got the same port for remoting and management); the random start keeps two
   * builds on one machine out of step. Five ranges fit below 32768; forks beyond share them.
   */
  private static final int PORT_RANGE_SIZE = 4_000;
  private static final int PORT_RANGE_START =
      12_000
          + Math.floorMod(Integer.parseInt(System.getProperty("cairn.test.fork", "1")) - 1, 5)
              * PORT_RANGE_SIZE;
  private static final AtomicInteger nextPortOffset =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(PORT_RANGE_SIZE));

  /** A socket bound to the next free port of this JVM's range. */
  private static ServerSocket bindNextFreePort() throws IOException {
    for (int tries = 0; tries < PORT_RANGE_SIZE; tries++) {
      int port =
          PORT_RANGE_START + Math.floorMod(nextPortOffset.getAndIncrement(), PORT_RANGE_SIZE);
      try {
        return new ServerSocket(port);
      } catch (BindException taken) {
        // another process listens there: the next one
      }
    }
    throw new IOException(
        "no free port in " + PORT_RANGE_START + "-" + (PORT_RANGE_START + PORT_RANGE_SIZE - 1));
  }

  private ActorTestKit startOne(NodeStarter with) throws Exception {
    List<Address> running =
        nodes.stream().map(node -> Cluster.get(node.system()).selfMember().address()).toList();
    ActorTestKit node = ActorTestKit.create(with.start(started++, running));
    nodes.add(node);
    return node;
  }

  /**
   * Starts one more node, as a crashed node's replacement comes back: it joins the running nodes,
   * and the call returns once every node sees it Up.
   */
  public ActorTestKit join() throws Exception {
    return join(starter);
  }

  /** Starts one more node, as {@link #join()}, started by {@code with} (other roles, say). */
  public ActorTestKit join(NodeStarter with) throws Exception {
    ActorTestKit node = startOne(with);
    awaitMembersUp();
    return node;
  }

  private void awaitMembersUp() {
    for (ActorTestKit node : nodes) {
      node.createTestProbe()
          .awaitAssert(
              MEMBERS_UP_WITHIN,
              () -> {
                long up = 0;
                for (var member : Cluster.get(node.system()).state().getMembers()) {
                  if (member.status() == MemberStatus.up()) {
                    up++;
                  }
                }
                assertEquals(nodes.size(), up, node.system().address() + " sees members Up");
                return null;
              });
    }
  }

  /** The running nodes, in the order they started. */
  public List<ActorTestKit> nodes() {
    return List.copyOf(nodes);
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
    nodes.remove(node);
    CoordinatedShutdown.get(node.system()).run(CoordinatedShutdown.unknownReason());
    awaitTerminated(node, STOP_WAIT);
  }

  /**
   * Stops {@code node} the way a crash does (it neither leaves nor hands off its shards), then has
   * another node down it, as an operator or the split brain resolver would: only a downed node's
   * shards move to the others.
   */
  public void crash(ActorTestKit node) {
    Address address = Cluster.get(node.system()).selfMember().address();
    nodes.remove(node);
    node.system().terminate();
    awaitTerminated(node, STOP_WAIT);
    Cluster.get(nodes.get(0).system()).manager().tell(new Down(address));
  }

  /**
   * Stops every node at once: one after another, each would wait for the others to see it leave.
   */
  @Override
  public void close() {
    nodes.forEach(node -> node.system().terminate());
    nodes.forEach(node -> awaitTerminated(node, Duration.ofSeconds(30)));
    nodes.clear();
  }

  private static void awaitTerminated(ActorTestKit node, Duration within) {
    try {
      node.system()
          .getWhenTerminated()
          .toCompletableFuture()
          .get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError(
          "node " + node.system().address() + " did not stop within " + within.toSeconds() + " s",
          e);
    }
  }
}
