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
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/** Cluster nodes on 127.0.0.1 in this JVM, one ActorSystem each, sharing one journal. */
public final class ClusterNodes implements AutoCloseable {
  private final List<ActorTestKit> nodes = new ArrayList<>();

  /** Starts {@code count} nodes with every entity role and waits until all see each other Up. */
  public static ClusterNodes start(int count, JournalSettings journal) throws IOException {
    JournalSchema.ensure(journal);
    ClusterNodes cluster = new ClusterNodes();
    for (int i = 0; i < count; i++) {
      cluster.nodes.add(ActorTestKit.create("cairn", config(journal)));
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
    return ConfigFactory.parseString(String.format("""
            pekko.actor.provider = cluster
            pekko.remote.artery.canonical.hostname = 127.0.0.1
            pekko.remote.artery.canonical.port = %d
            pekko.cluster.roles = [stream, core]
            pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
            pekko.cluster.downing-provider-class = "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider"
            """, freePort()))
        .withFallback(ConfigFactory.parseResources("cairn/large-messages.conf"))
        .withFallback(journal.pekkoConfig())
        .withFallback(ConfigFactory.load());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void awaitUpMembers(ActorTestKit node, int count) {
    node.createTestProbe().awaitAssert(Duration.ofSeconds(20), () -> {
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

  /** Stops one node the way an operator does: it leaves the cluster and its shards move. */
  public void stop(ActorTestKit node) {
    node.shutdownTestKit();
    nodes.remove(node);
  }

  @Override
  public void close() {
    nodes.forEach(ActorTestKit::shutdownTestKit);
    nodes.clear();
  }
}
