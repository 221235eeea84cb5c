package io.cairn.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cairn.cluster.ClusterNodes;
import io.cairn.journal.JournalSchema;
import io.cairn.journal.JournalSettings;
import io.cairn.protocol.encryption.MasterKey;
import io.cairn.protocol.event.PrivateKeySigner;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * A whole node in this JVM, started as {@code cairn node} starts one, on free ports of 127.0.0.1:
 * alone ({@link #start}), or as a member of a {@link ClusterNodes} cluster ({@link #wholeNodes}).
 */
public final class TestNode implements AutoCloseable {
  private final ActorSystem<?> system;
  private final NodeSettings settings;

  private TestNode(ActorSystem<?> system, NodeSettings settings) {
    this.system = system;
    this.settings = settings;
  }

  /** The whole node running as {@code member} of a {@link ClusterNodes} cluster. */
  public static TestNode of(ActorTestKit member) {
    return new TestNode(
        member.system(), NodeSettings.fromConfig(member.system().settings().config()));
  }

  /**
   * Starts whole nodes for {@link ClusterNodes}, as {@code cairn node --seed} forms a cluster: each
   * on {@code journal}, on a data directory of its own under {@code dataDir}, joining the running
   * nodes through their cluster ports, with the same secrets (as if mounted from one place) and
   * {@code overrides} over their configuration (their roles, say).
   */
  public static ClusterNodes.NodeStarter wholeNodes(
      JournalSettings journal, Path dataDir, Map<String, Object> overrides) {
    return (index, running) -> {
      Map<String, Object> config =
          new HashMap<>(
              Map.of(
                  "cairn.journal.url", journal.url(),
                  "cairn.journal.user", journal.user(),
                  "cairn.journal.password", journal.password(),
                  // several nodes share the database with other tests' nodes
                  "cairn.journal.max-connections", 4,
                  "pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on",
                  // a terminated node dies as a crashed process does: it neither leaves nor hands
                  // off its shards (ClusterNodes.stop runs coordinated shutdown itself)
                  "pekko.coordinated-shutdown.run-by-actor-system-terminate", "off",
                  "cairn.keys.master-key-file",
                      secret(dataDir, "master.key", MasterKey.generate().toHex()),
                  "cairn.service.key-file",
                      secret(dataDir, "service.key", PrivateKeySigner.generate().toHex())));
      config.put(
          "cairn.node.seeds",
          running.stream()
              .map(address -> address.host().get() + ":" + address.port().get())
              .toList());
      config.putAll(overrides);
      return start(dataDir.resolve("node-" + index), config).system;
    };
  }

  /** The cluster's secret file {@code name}, written with {@code value} for the first node. */
  private static String secret(Path dataDir, String name, String value) throws IOException {
    Path file = dataDir.resolve(name);
    synchronized (TestNode.class) {
      if (Files.notExists(file)) {
        Files.createDirectories(dataDir);
        Files.writeString(file, value);
      }
    }
    return file.toString();
  }

  /** The session secret test nodes sign tokens with, so tests can open sessions of their own. */
  public static final String SESSION_SECRET = "5e55" + "00".repeat(30);

  public static TestNode start(Path dataDir) throws Exception {
    return start(dataDir, Map.of());
  }

  /** A node whose configuration {@code overrides} change, e.g. a limit a test wants to reach. */
  public static TestNode start(Path dataDir, Map<String, Object> overrides) throws Exception {
    int[] ports = ClusterNodes.distinctFreePorts(3);
    Config config =
        ConfigFactory.load(
            ConfigFactory.parseMap(overrides)
                .withFallback(
                    ConfigFactory.parseMap(
                        Map.of(
                            "cairn.node.cluster-port", ports[0],
                            "cairn.node.management-port", ports[1],
                            "cairn.node.api-port", ports[2],
                            "cairn.data-dir", dataDir.toString(),
                            "cairn.api.session.secret", SESSION_SECRET)))
                .withFallback(journalOverlay(overrides))
                .withFallback(ConfigFactory.parseResources("application.conf")));
    JournalSchema.ensure(JournalSettings.fromConfig(config));
    ActorSystem<Void> system = CairnNode.start(config);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (Cluster.get(system).selfMember().status() != MemberStatus.up()) {
      if (System.nanoTime() > deadline) {
        system.terminate();
        throw new AssertionError("test node did not come up");
      }
      Thread.sleep(50);
    }
    return new TestNode(system, NodeSettings.fromConfig(config));
  }

  /**
   * The PostgreSQL overlay when {@code overrides} name a PostgreSQL journal, as a cluster node's
   * config file includes it; otherwise application.conf's own H2 overlay applies.
   */
  private static Config journalOverlay(Map<String, Object> overrides) {
    Object url = overrides.get("cairn.journal.url");
    return url != null && url.toString().startsWith("jdbc:postgresql:")
        ? ConfigFactory.parseResources("cairn/persistence/postgres.conf")
        : ConfigFactory.empty();
  }

  /** Where other nodes join this one, as {@code cairn node --seed} takes it. */
  public String seed() {
    return settings.host() + ":" + settings.clusterPort();
  }

  public URI api() {
    return URI.create("http://" + settings.host() + ":" + settings.apiPort());
  }

  /** Creates {@code stream} with {@code partitions} over HTTP as the session's owner would. */
  public void createStream(String stream, int partitions, String session) throws Exception {
    HttpResponse<String> created =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(api().resolve("/api/v1/streams"))
                    .header("Authorization", "Bearer " + session)
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"id\":\"" + stream + "\",\"partitions\":" + partitions + "}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (created.statusCode() != 201) {
      throw new AssertionError("creating " + stream + ": " + created.body());
    }
  }

  public ActorSystem<?> system() {
    return system;
  }

  @Override
  public void close() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get();
  }
}
