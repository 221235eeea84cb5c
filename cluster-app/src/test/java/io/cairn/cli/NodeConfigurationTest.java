package io.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.cairn.cluster.NodeRole;
import io.cairn.journal.JournalSettings;
import io.cairn.ledger.evm.EvmChainSettings;
import io.cairn.node.NodeSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class NodeConfigurationTest {
  @TempDir Path directory;

  private static NodeCommand parse(String... args) {
    CommandLine commandLine = Cairn.commandLine();
    CommandLine.ParseResult result = commandLine.parseArgs(args);
    return (NodeCommand) result.subcommand().commandSpec().userObject();
  }

  @Test
  void defaultsAreASingleNodeWithEveryRoleOnAnEmbeddedJournal() {
    Config config = parse("node").configuration();
    NodeSettings node = NodeSettings.fromConfig(config);
    assertEquals(
        new NodeSettings("127.0.0.1", 25520, 8558, 7171, List.of(), Set.of(NodeRole.values())),
        node);
    assertEquals(JournalSettings.Kind.H2, JournalSettings.fromConfig(config).kind());
    assertEquals(25520, config.getInt("pekko.remote.artery.canonical.port"));
    assertEquals(8558, config.getInt("pekko.management.http.port"));
    assertFalse(config.getBoolean("pekko.actor.allow-java-serialization"));
  }

  @Test
  void optionsOverrideTheConfigFileWhichOverridesTheDefaults() throws Exception {
    Path file = directory.resolve("node.conf");
    Files.writeString(
        file,
        """
        include classpath("cairn/persistence/postgres.conf")
        cairn.node { cluster-port = 2600, api-port = 7200 }
        cairn.journal.url = "jdbc:postgresql://db.example:5432/cairn"
        """);
    Config config =
        parse(
                "node",
                "--config",
                file.toString(),
                "--cluster-port",
                "2700",
                "--seed",
                "10.0.0.1:2552",
                "--seed",
                "10.0.0.2:2552",
                "--roles",
                "stream",
                "--host",
                "10.0.0.3")
            .configuration();
    NodeSettings node = NodeSettings.fromConfig(config);
    assertEquals(2700, node.clusterPort());
    assertEquals(7200, node.apiPort());
    assertEquals("10.0.0.3", config.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals(
        List.of(
            new NodeSettings.HostPort("10.0.0.1", 2552),
            new NodeSettings.HostPort("10.0.0.2", 2552)),
        node.seeds());
    assertEquals(Set.of(NodeRole.STREAM), node.roles());
    assertEquals(List.of("stream"), config.getStringList("pekko.cluster.roles"));
    assertEquals(JournalSettings.Kind.POSTGRES, JournalSettings.fromConfig(config).kind());
  }

  @Test
  void theDataDirectoryHoldsTheEmbeddedJournal() {
    Config config = parse("node", "--data", directory.toString()).configuration();
    assertEquals(
        "jdbc:h2:file:" + directory.toAbsolutePath().resolve("journal").resolve("cairn"),
        JournalSettings.fromConfig(config).displayUrl());
  }

  @Test
  void aBadOptionIsOneLineAndExitCode2() {
    CommandLine commandLine = Cairn.commandLine();
    StringWriter err = new StringWriter();
    commandLine.setErr(new PrintWriter(err));
    assertEquals(2, commandLine.execute("node", "--cluster-port", "abc"));
    String message = err.toString().strip();
    assertEquals(1, message.lines().count(), message);
    assertTrue(message.startsWith("cairn: Invalid value for option '--cluster-port'"), message);
  }

  @Test
  void theShippedPostgresConfigurationSelectsPostgres() {
    Config config =
        parse("node", "--config", Path.of("..", "config", "postgres.conf").toString())
            .configuration();
    assertEquals(JournalSettings.Kind.POSTGRES, JournalSettings.fromConfig(config).kind());
  }

  @Test
  void joiningAClusterWithAnEmbeddedJournalIsRefused() {
    CommandLine commandLine = Cairn.commandLine();
    StringWriter err = new StringWriter();
    commandLine.setErr(new PrintWriter(err));
    assertEquals(
        1, commandLine.execute("node", "--data", directory.toString(), "--seed", "127.0.0.1:1"));
    assertTrue(
        err.toString()
            .startsWith(
                "cairn: a node joining a cluster (--seed) needs the cluster's shared journal"),
        err.toString());
  }

  @Test
  void withChainTheLedgerIsTheContractsTheConfigFileNames() throws Exception {
    assertFalse(EvmChainSettings.fromConfig(parse("node").configuration()).configured());
    Path file = directory.resolve("chain.conf");
    Files.writeString(
        file,
        """
        cairn.ledger.chain {
          url = "http://chain.example:8545"
          contracts {
            token = "0x5fbdb2315678afecb367f032d93f642f64180aa3"
            marketplace = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"
            escrow = "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0"
            checksum-reports = "0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9"
            provider-stakes = "0xdc64a140aa3e981100a9beca4e685f962f0cf6c9"
          }
        }
        """);
    EvmChainSettings chain =
        EvmChainSettings.fromConfig(
            parse("node", "--config", file.toString(), "--chain", "http://127.0.0.1:8545")
                .configuration());
    assertTrue(chain.configured());
    assertEquals("http://127.0.0.1:8545", chain.url());
    assertEquals(
        "0x5fbdb2315678afecb367f032d93f642f64180aa3",
        chain.contracts().orElseThrow().token().value());
  }

  @Test
  void aMalformedSeedIsNamed() {
    var error =
        assertThrows(
            IllegalArgumentException.class,
            () -> NodeSettings.fromConfig(parse("node", "--seed", "nohost").configuration()));
    assertEquals("seed 'nohost' must be host:port", error.getMessage());
  }
}
