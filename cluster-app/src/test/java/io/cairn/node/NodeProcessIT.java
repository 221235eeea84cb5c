package io.cairn.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.ConfigFactory;
import io.cairn.client.CairnClient;
import io.cairn.client.CoreReader;
import io.cairn.client.CoreWriter;
import io.cairn.cluster.ClusterNodes;
import io.cairn.journal.JournalSettings;
import io.cairn.journal.TestDatabases;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.NodeInfo;
import io.cairn.protocol.encryption.MasterKey;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.hypercore.CoreKeyPair;
import io.cairn.protocol.stream.Permission;
import io.cairn.stream.Grantee;
import io.cairn.stream.Stream;
import io.cairn.stream.StreamSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar as an operator runs it. Streams are created by a second cluster member in this JVM
 * that hosts no entities (it lacks the stream role), so every write lands in the node process's
 * journal.
 */
class NodeProcessIT {
  private static final EthereumAddress OWNER =
      new EthereumAddress("0x6a0e9a2a5d3f8d1c9b7e4f2a1b3c5d7e9f0a1b2c");
  private static final Duration READY_WITHIN = Duration.ofSeconds(60);
  private static final Duration ASK = Duration.ofSeconds(15);

  @TempDir Path work;

  /**
   * A first start, as a new user sees it: one log format from the first line, no library warning
   * about logging, and the readiness check that is not ready yet named, not a lambda's class.
   */
  @Test
  void aStartingNodeLogsInOneFormatAndNamesTheCheckNotReadyYet() throws Exception {
    try (NodeProcess node = NodeProcess.start(work.resolve("first"))) {
      // polled from the JVM's start: the checks are asked while the node is still starting
      node.awaitReady(READY_WITHIN);
      List<String> lines = node.log().lines().filter(line -> !line.isBlank()).toList();
      Pattern logLine =
          Pattern.compile(
              "^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},\\d{3} (DEBUG|INFO |WARN |ERROR) .*");
      List<String> otherFormats =
          lines.stream().filter(line -> !logLine.matcher(line).matches()).toList();
      assertEquals(List.of(), otherFormats, "lines in another format than the node's log");
      List<String> notReady = lines.stream().filter(line -> line.contains("Check [")).toList();
      assertTrue(
          notReady.stream()
              .allMatch(
                  line -> line.contains(NodeReadiness.NAME) || line.contains("MembershipCheck")),
          "each check not ready is named: " + notReady);
    }
  }

  @Test
  void startsReadyStopsOnSigtermAndKeepsItsStreams() throws Exception {
    Path data = work.resolve("data");
    Stream.State written;
    CoreWriter coreWriter;
    try (NodeProcess node = NodeProcess.start(data)) {
      node.awaitReady(READY_WITHIN);

      JsonObject members =
          JsonParser.parseString(node.get(node.management("/cluster/members"))).getAsJsonObject();
      JsonArray list = members.getAsJsonArray("members");
      assertEquals(1, list.size(), members.toString());
      assertEquals("Up", list.get(0).getAsJsonObject().get("status").getAsString());
      assertEquals(node.clusterAddress(), list.get(0).getAsJsonObject().get("node").getAsString());

      NodeInfo info = CairnClient.connect(node.api()).nodeInfo();
      assertEquals("h2", info.getJournal());
      assertEquals(List.of("api", "stream", "core", "persistor"), info.getRolesList());
      assertEquals("up", info.getMemberStatus());
      assertTrue(
          info.getChecksumReporter().matches("0x[0-9a-f]{40}"),
          "a stream node names the address it reports checksums as: " + info);
      assertNotEquals(info.getServiceAddress(), info.getChecksumReporter());

      coreWriter = CoreWriter.open(CairnClient.connect(node.api()), CoreKeyPair.generate());
      coreWriter.append(List.of("kept".getBytes(), "across".getBytes(), "restarts".getBytes()));

      ActorTestKit member = joinAsMember(node);
      try {
        EntityRef<Stream.Command> stream = streamRef(member.system(), OWNER + "/process/restart");
        stream
            .<Stream.State>askWithStatus(
                r -> new Stream.Create(OWNER, "kept across restarts", 3, r), ASK)
            .toCompletableFuture()
            .join();
        written =
            stream
                .<Stream.State>askWithStatus(
                    r ->
                        new Stream.Grant(
                            OWNER, Grantee.EVERYONE, Permission.SUBSCRIBE, Optional.empty(), r),
                    ASK)
                .toCompletableFuture()
                .join();
      } finally {
        member.shutdownTestKit();
      }

      assertEquals(0, node.terminate(), "exit code after SIGTERM");
    }

    try (NodeProcess node = NodeProcess.start(data)) {
      node.awaitReady(READY_WITHIN);
      ActorTestKit member = joinAsMember(node);
      try {
        Stream.State read =
            streamRef(member.system(), OWNER + "/process/restart")
                .<Stream.State>askWithStatus(Stream.Get::new, ASK)
                .toCompletableFuture()
                .join();
        assertEquals(written, read);
      } finally {
        member.shutdownTestKit();
      }
      CoreReader reader = CoreReader.open(CairnClient.connect(node.api()), coreWriter.key());
      assertArrayEquals("restarts".getBytes(), reader.get(2));
      assertEquals(coreWriter.head(), reader.trustedHead());
      assertEquals(0, node.terminate());
    }
  }

  @Test
  void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
    Path data = work.resolve("data");
    int streams = 200;
    List<Stream.State> acknowledged = new ArrayList<>();
    try (NodeProcess node = NodeProcess.start(data)) {
      node.awaitReady(READY_WITHIN);
      ActorTestKit member = joinAsMember(node);
      try {
        for (int i = 0; i < streams; i++) {
          int n = i;
          EntityRef<Stream.Command> stream = streamRef(member.system(), OWNER + "/kill/" + n);
          stream
              .<Stream.State>askWithStatus(r -> new Stream.Create(OWNER, "stream " + n, 1, r), ASK)
              .toCompletableFuture()
              .join();
          acknowledged.add(
              stream
                  .<Stream.State>askWithStatus(
                      r ->
                          new Stream.Grant(
                              OWNER,
                              Grantee.of(new EthereumAddress(String.format("0x%040x", n))),
                              Permission.PUBLISH,
                              Optional.empty(),
                              r),
                      ASK)
                  .toCompletableFuture()
                  .join());
        }
        // the kill follows the last acknowledgement at once: no time for a delayed write
        node.kill();
      } finally {
        member.shutdownTestKit();
      }
    }

    try (NodeProcess node = NodeProcess.start(data)) {
      node.awaitReady(READY_WITHIN);
      ActorTestKit member = joinAsMember(node);
      try {
        for (int i = 0; i < streams; i++) {
          Stream.State read =
              streamRef(member.system(), OWNER + "/kill/" + i)
                  .<Stream.State>askWithStatus(Stream.Get::new, ASK)
                  .toCompletableFuture()
                  .join();
          assertEquals(acknowledged.get(i), read, "stream " + i);
        }
      } finally {
        member.shutdownTestKit();
      }
    }
  }

  /**
   * A node on PostgreSQL whose service key file is missing refuses to start, names the file, and
   * leaves its database as it found it: every check runs before the first write.
   */
  @Test
  void aNodeThatRefusesToStartWritesNothing() throws Exception {
    JournalSettings empty = TestDatabases.newPostgres("cairn_refused");
    Path masterKey = Files.writeString(work.resolve("master.key"), MasterKey.generate().toHex());
    Path missing = work.resolve("no-such-service.key");
    Map<String, String> environment =
        Map.of(
            "CAIRN_JDBC_URL", empty.url(),
            "CAIRN_JDBC_USER", empty.user(),
            "CAIRN_JDBC_PASSWORD", empty.password(),
            "CAIRN_MASTER_KEY_FILE", masterKey.toString(),
            "CAIRN_SERVICE_KEY_FILE", missing.toString());
    String config = Path.of("..", "config", "postgres.conf").toString();
    try (NodeProcess node = NodeProcess.start(work.resolve("a"), environment, "--config", config)) {
      assertEquals(1, node.awaitExit(READY_WITHIN), node.log());
      assertTrue(node.log().contains(missing.toString()), node.log());
    }
    try (Connection connection =
            DriverManager.getConnection(empty.url(), empty.user(), empty.password());
        Statement statement = connection.createStatement();
        ResultSet tables =
            statement.executeQuery(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")) {
      List<String> created = new ArrayList<>();
      while (tables.next()) {
        created.add(tables.getString(1));
      }
      assertEquals(List.of(), created, "tables created by a node that refused to start");
    } finally {
      TestDatabases.dropPostgres(empty);
    }
  }

  @Test
  void nodesWithSeedsFormOneClusterOnTheSharedPostgresJournal() throws Exception {
    JournalSettings journal = TestDatabases.postgres();
    Path masterKey = Files.writeString(work.resolve("master.key"), MasterKey.generate().toHex());
    Path serviceKey =
        Files.writeString(work.resolve("service.key"), PrivateKeySigner.generate().toHex());
    Map<String, String> environment =
        Map.of(
            "CAIRN_JDBC_URL", journal.url(),
            "CAIRN_JDBC_USER", journal.user(),
            "CAIRN_JDBC_PASSWORD", journal.password(),
            "CAIRN_MASTER_KEY_FILE", masterKey.toString(),
            "CAIRN_SERVICE_KEY_FILE", serviceKey.toString());
    String config = Path.of("..", "config", "postgres.conf").toString();
    try (NodeProcess first =
        NodeProcess.start(work.resolve("a"), environment, "--config", config)) {
      first.awaitReady(READY_WITHIN);
      try (NodeProcess second =
          NodeProcess.start(
              work.resolve("b"),
              environment,
              "--config",
              config,
              "--seed",
              "127.0.0.1:" + first.clusterPort,
              "--roles",
              "stream")) {
        second.awaitReady(READY_WITHIN);
        JsonArray members =
            JsonParser.parseString(first.get(first.management("/cluster/members")))
                .getAsJsonObject()
                .getAsJsonArray("members");
        assertEquals(2, members.size(), members.toString());
        for (var member : members) {
          assertEquals(
              "Up", member.getAsJsonObject().get("status").getAsString(), members.toString());
        }
        NodeInfo info = CairnClient.connect(first.api()).nodeInfo();
        assertEquals("postgres", info.getJournal());
        assertEquals(
            PrivateKeySigner.fromHex(Files.readString(serviceKey)).address().value(),
            info.getServiceAddress());
        assertEquals(0, second.terminate());
      }
      assertEquals(0, first.terminate());
    }
  }

  /** A cluster member without the stream role: it reaches Stream entities only by proxy. */
  private static ActorTestKit joinAsMember(NodeProcess node) throws Exception {
    ActorTestKit member =
        ActorTestKit.create(
            "cairn",
            ConfigFactory.parseString(
                    String.format(
                        """
            pekko.actor.provider = cluster
            pekko.remote.artery.canonical.hostname = 127.0.0.1
            pekko.remote.artery.canonical.port = %d
            pekko.cluster.roles = [api]
            pekko.coordinated-shutdown.phases.cluster-exiting.timeout = 5s
            pekko.cluster.shutdown-after-unsuccessful-join-seed-nodes = off
            """,
                        ClusterNodes.freePort()))
                .withFallback(ConfigFactory.load()));
    Cluster cluster = Cluster.get(member.system());
    cluster.manager().tell(Join.create(AddressFromURIString.parse(node.clusterAddress())));
    member
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(30),
            () -> {
              assertTrue(cluster.selfMember().status() == MemberStatus.up(), "member not up yet");
              return null;
            });
    Stream.init(member.system(), StreamSettings.fromConfig(member.system().settings().config()));
    return member;
  }

  private static EntityRef<Stream.Command> streamRef(ActorSystem<?> system, String streamId) {
    return ClusterSharding.get(system).entityRefFor(Stream.ENTITY_KEY, streamId);
  }
}
