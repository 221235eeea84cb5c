package io.cairn.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.cairn.cluster.NodeRole;
import io.cairn.journal.JournalSchema;
import io.cairn.journal.JournalSettings;
import io.cairn.journal.JournalUnavailableException;
import io.cairn.node.CairnNode;
import io.cairn.node.NodeSettings;
import io.cairn.node.StartupException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a Cairn node: a Pekko cluster member with its journal, management HTTP and public API.",
      "Without --seed it starts a cluster of its own; with --seed it joins the cluster of those nodes.",
      "Settings come from the built-in configuration, then --config FILE, then these options."
    })
final class NodeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "Address to listen on and announce to other nodes (default: 127.0.0.1).")
  String host;

  @Option(
      names = "--cluster-port",
      paramLabel = "PORT",
      description = "Cluster (Artery TCP) port (default: 25520).")
  Integer clusterPort;

  @Option(
      names = "--management-port",
      paramLabel = "PORT",
      description = "Pekko Management HTTP port: /cluster/members, /ready, /alive (default: 8558).")
  Integer managementPort;

  @Option(
      names = "--api-port",
      paramLabel = "PORT",
      description = "Public HTTP and WebSocket API port (default: 7171).")
  Integer apiPort;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description =
          "Data directory; the embedded H2 journal lives in DIR/journal (default: ./data).")
  Path dataDir;

  @Option(
      names = "--seed",
      paramLabel = "HOST:PORT",
      description = "Cluster port of a node to join; repeat for several. None: join itself.")
  List<String> seeds;

  @Option(
      names = "--roles",
      paramLabel = "ROLE[,ROLE...]",
      split = ",",
      description = "What this node does: api, stream, core, persistor (default: all).")
  List<String> roles;

  @Option(
      names = "--chain",
      paramLabel = "URL",
      description =
          "JSON-RPC endpoint (http or https) of the Ethereum chain whose contracts are the ledger;"
              + " the deployment comes from cairn.ledger.chain (see 'cairn contracts deploy')."
              + " None: the embedded ledger (env CAIRN_CHAIN_URL).")
  String chain;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "HOCON file with settings, e.g. config/postgres.conf for a PostgreSQL journal.")
  Path configFile;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    ActorSystem<Void> system;
    try {
      Config config = configuration();
      NodeSettings node = NodeSettings.fromConfig(config);
      JournalSettings journal = JournalSettings.fromConfig(config);
      checkJournalShared(node, journal);
      checkPortsFree(node);
      // every check, the secrets included, before the first write to the journal
      CairnNode.Dependencies dependencies = CairnNode.Dependencies.fromConfig(config);
      JournalSchema.ensure(journal);
      system = CairnNode.start(config, dependencies);
    } catch (StartupException
        | JournalUnavailableException
        | IllegalArgumentException
        | ConfigException e) {
      err.println("cairn: " + e.getMessage());
      err.flush();
      return 1;
    }
    stopOnSignal(system, "TERM");
    stopOnSignal(system, "INT");
    system.getWhenTerminated().toCompletableFuture().join();
    return CoordinatedShutdown.get(system)
        .getShutdownReason()
        .filter(reason -> reason instanceof SignalReason)
        .map(reason -> 0)
        .orElse(1);
  }

  /** Options override --config, which overrides the built-in application.conf. */
  Config configuration() {
    Map<String, Object> options = new HashMap<>();
    if (host != null) {
      options.put("cairn.node.host", host);
    }
    if (clusterPort != null) {
      options.put("cairn.node.cluster-port", clusterPort);
    }
    if (managementPort != null) {
      options.put("cairn.node.management-port", managementPort);
    }
    if (apiPort != null) {
      options.put("cairn.node.api-port", apiPort);
    }
    if (dataDir != null) {
      options.put("cairn.data-dir", dataDir.toAbsolutePath().toString());
    }
    if (chain != null) {
      options.put("cairn.ledger.chain.url", chain);
    }
    Config overrides = ConfigFactory.parseMap(options, "command line");
    if (seeds != null) {
      overrides = overrides.withValue("cairn.node.seeds", ConfigValueFactory.fromIterable(seeds));
    }
    if (roles != null) {
      overrides = overrides.withValue("cairn.node.roles", ConfigValueFactory.fromIterable(roles));
    }
    Config file = ConfigFactory.empty();
    if (configFile != null) {
      if (!Files.isReadable(configFile)) {
        throw new IllegalArgumentException("cannot read configuration file " + configFile);
      }
      file = ConfigFactory.parseFile(configFile.toFile());
    }
    return ConfigFactory.load(
        overrides
            .withFallback(file)
            .withFallback(ConfigFactory.parseResources("application.conf")));
  }

  /**
   * Entities move between the nodes of a cluster and must find their events wherever they go, so a
   * node that joins others cannot keep its journal in a file of its own.
   */
  private static void checkJournalShared(NodeSettings node, JournalSettings journal) {
    if (!node.seeds().isEmpty() && journal.url().startsWith("jdbc:h2:file:")) {
      throw new StartupException(
          "a node joining a cluster (--seed) needs the cluster's shared journal,"
              + " not the embedded H2 file; use --config config/postgres.conf or CAIRN_JDBC_URL");
    }
  }

  private static void checkPortsFree(NodeSettings node) {
    checkPortFree(node.host(), node.clusterPort(), "cluster");
    checkPortFree(node.host(), node.managementPort(), "management");
    if (node.has(NodeRole.API)) {
      checkPortFree(node.host(), node.apiPort(), "API");
    }
  }

  private static void checkPortFree(String host, int port, String purpose) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new StartupException(
          purpose + " port " + port + " on " + host + " is not available: " + e.getMessage());
    }
  }

  private static void stopOnSignal(ActorSystem<Void> system, String signal) {
    Signal.handle(
        new Signal(signal),
        received -> CoordinatedShutdown.get(system).run(new SignalReason(signal)));
  }

  /** The node was asked to stop: a clean exit, not a failure. */
  private record SignalReason(String signal) implements CoordinatedShutdown.Reason {}
}
