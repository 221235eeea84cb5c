package io.cairn.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cairn.journal.JournalSchema;
import io.cairn.journal.JournalSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * A whole node in this JVM, started as {@code cairn node} starts one, on free ports of 127.0.0.1.
 */
public final class TestNode implements AutoCloseable {
  private final ActorSystem<Void> system;
  private final NodeSettings settings;

  private TestNode(ActorSystem<Void> system, NodeSettings settings) {
    this.system = system;
    this.settings = settings;
  }

  /** The session secret test nodes sign tokens with, so tests can open sessions of their own. */
  public static final String SESSION_SECRET = "5e55" + "00".repeat(30);

  public static TestNode start(Path dataDir) throws Exception {
    return start(dataDir, Map.of());
  }

  /** A node whose configuration {@code overrides} change, e.g. a limit a test wants to reach. */
  public static TestNode start(Path dataDir, Map<String, Object> overrides) throws Exception {
    Config config =
        ConfigFactory.load(
            ConfigFactory.parseMap(overrides)
                .withFallback(
                    ConfigFactory.parseMap(
                        Map.of(
                            "cairn.node.cluster-port", freePort(),
                            "cairn.node.management-port", freePort(),
                            "cairn.node.api-port", freePort(),
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

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
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

  public ActorSystem<Void> system() {
    return system;
  }

  @Override
  public void close() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get();
  }
}
