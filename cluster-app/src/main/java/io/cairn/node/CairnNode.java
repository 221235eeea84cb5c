package io.cairn.node;

import com.typesafe.config.Config;
import io.cairn.api.ApiRoutes;
import io.cairn.api.ApiServer;
import io.cairn.api.auth.AuthRoutes;
import io.cairn.api.auth.Authentication;
import io.cairn.api.auth.SessionChallenges;
import io.cairn.api.auth.SessionSettings;
import io.cairn.api.auth.SessionTokens;
import io.cairn.api.core.CoreRoutes;
import io.cairn.api.core.CoreWebSocketHandler;
import io.cairn.api.keys.CustodianRoutes;
import io.cairn.api.node.NodeRoutes;
import io.cairn.api.persist.PersistorRoutes;
import io.cairn.api.stream.PartitionKeyCheck;
import io.cairn.api.stream.StreamDataRoutes;
import io.cairn.api.stream.StreamReadAccess;
import io.cairn.api.stream.StreamRoutes;
import io.cairn.api.stream.StreamWebSocketHandler;
import io.cairn.api.ws.WebSocketRoutes;
import io.cairn.cluster.NodeRole;
import io.cairn.cluster.ServiceIdentity;
import io.cairn.core.Core;
import io.cairn.core.CoreSettings;
import io.cairn.core.Cores;
import io.cairn.journal.JournalSettings;
import io.cairn.keys.CustodianStreamKeys;
import io.cairn.keys.KeyCustodian;
import io.cairn.keys.KeyCustodians;
import io.cairn.keys.KeySettings;
import io.cairn.keys.RevokeRotation;
import io.cairn.persist.PairJournal;
import io.cairn.persist.Persistor;
import io.cairn.persist.PersistorSettings;
import io.cairn.protocol.event.AddressRecoveries;
import io.cairn.protocol.event.EventVerifier;
import io.cairn.stream.PartitionIndex;
import io.cairn.stream.Publisher;
import io.cairn.stream.Resends;
import io.cairn.stream.Stream;
import io.cairn.stream.StreamCache;
import io.cairn.stream.StreamDirectory;
import io.cairn.stream.StreamPartition;
import io.cairn.stream.StreamSettings;
import io.cairn.stream.Streams;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.management.javadsl.PekkoManagement;

/** Starts one node: management, cluster membership, entities, then the public API. */
public final class CairnNode {
  public static final String SYSTEM_NAME = "cairn";
  private static final Duration BIND_TIMEOUT = Duration.ofSeconds(30);

  private CairnNode() {}

  /** Starts a node on a complete configuration; a failed start leaves nothing running. */
  public static ActorSystem<Void> start(Config config) {
    NodeSettings node = NodeSettings.fromConfig(config);
    JournalSettings journal = JournalSettings.fromConfig(config);
    ActorSystem<Void> system;
    try {
      system = ActorSystem.create(Behaviors.empty(), SYSTEM_NAME, config);
    } catch (RuntimeException e) {
      throw new StartupException(
          "cannot start the cluster node on "
              + node.host()
              + ":"
              + node.clusterPort()
              + ": "
              + rootMessage(e),
          e);
    }
    try {
      init(system, node, journal);
      return system;
    } catch (RuntimeException e) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
      throw e;
    }
  }

  static void init(ActorSystem<Void> system, NodeSettings node, JournalSettings journal) {
    await(
        PekkoManagement.get(system).start(),
        "cannot start management HTTP on " + node.host() + ":" + node.managementPort());
    joinCluster(system, node);
    Config config = system.settings().config();
    StreamSettings streamSettings = StreamSettings.fromConfig(config);
    Stream.init(system, streamSettings);
    StreamPartition.init(system, streamSettings);
    CoreSettings coreSettings = CoreSettings.fromConfig(config);
    Core.init(system, coreSettings);
    KeySettings keySettings = KeySettings.fromConfig(config);
    PersistorSettings persistorSettings = PersistorSettings.fromConfig(config);
    Optional<ServiceIdentity> service = Optional.empty();
    if (node.has(NodeRole.PERSISTOR)) {
      ServiceIdentity identity = secret(() -> ServiceIdentity.fromConfig(config, journal.kind()));
      KeyCustodian.init(
          system,
          keySettings,
          identity,
          secret(() -> KeySettings.masterKey(config, journal.kind())));
      Streams streams = new Streams(system, streamSettings);
      Publisher publisher =
          new Publisher(
              system,
              streamSettings,
              new StreamCache(streams, streamSettings),
              EventVerifier.standard());
      Persistor.init(
          system,
          persistorSettings,
          new Persistor.Services(
              new CustodianStreamKeys(system, keySettings.askTimeout()),
              identity.signer(),
              publisher,
              new Resends(system, JournalSettings.READ_JOURNAL, streamSettings.askTimeout()),
              JournalSettings.READ_JOURNAL));
      service = Optional.of(identity);
    } else {
      KeyCustodian.initProxy(system);
      Persistor.initProxy(system);
    }
    if (node.has(NodeRole.STREAM)) {
      StreamDirectory.start(system);
      PartitionIndex.start(system);
      RevokeRotation.start(system, keySettings);
    }
    if (node.has(NodeRole.API)) {
      Cores cores = new Cores(system, coreSettings, JournalSettings.READ_JOURNAL);
      SessionTokens tokens = SessionSettings.fromConfig(config, system).tokens();
      Authentication authentication = new Authentication(tokens);
      Streams streams = new Streams(system, streamSettings);
      Resends resends =
          new Resends(system, JournalSettings.READ_JOURNAL, streamSettings.askTimeout());
      StreamCache streamCache = new StreamCache(streams, streamSettings);
      Publisher publisher =
          new Publisher(system, streamSettings, streamCache, EventVerifier.standard());
      PartitionKeyCheck partitionKeys = new PartitionKeyCheck(streamCache);
      StreamReadAccess readAccess = new StreamReadAccess(streams, authentication);
      KeyCustodians custodians = new KeyCustodians(system, keySettings);
      List<ApiRoutes> features =
          List.of(
              new NodeRoutes(
                  system,
                  node.roles(),
                  journal.kind().label(),
                  CairnVersion.current(),
                  service.map(ServiceIdentity::address)),
              new AuthRoutes(
                  system,
                  new SessionChallenges(tokens, AddressRecoveries.preferred(), Clock.systemUTC()),
                  tokens),
              new StreamRoutes(system, streams, custodians, authentication),
              new CustodianRoutes(system, custodians, authentication),
              new PersistorRoutes(
                  system,
                  streams,
                  authentication,
                  readAccess,
                  new PairJournal(system, JournalSettings.READ_JOURNAL),
                  persistorSettings),
              new StreamDataRoutes(
                  system,
                  publisher,
                  partitionKeys,
                  resends,
                  readAccess,
                  streamSettings.maxContentBytes()),
              new CoreRoutes(system, cores),
              new WebSocketRoutes(
                  system,
                  tokens,
                  List.of(
                      new StreamWebSocketHandler.Factory(
                          system,
                          publisher,
                          partitionKeys,
                          resends,
                          streams,
                          config.getInt("cairn.api.websocket.live-buffer")),
                      new CoreWebSocketHandler.Factory(cores)),
                  config.getBytes("cairn.api.websocket.max-message-size")));
      await(
          ApiServer.start(system, node.host(), node.apiPort(), features),
          "cannot start the public API on " + node.host() + ":" + node.apiPort());
    }
    NodeStarted.ID.get(Adapter.toClassic(system)).markStarted();
  }

  /**
   * A cluster secret read from its file; a missing or unreadable one stops the start with the
   * reason.
   */
  private static <T> T secret(Supplier<T> read) {
    try {
      return read.get();
    } catch (IllegalStateException e) {
      throw new StartupException(e.getMessage(), e);
    }
  }

  private static void joinCluster(ActorSystem<Void> system, NodeSettings node) {
    Cluster cluster = Cluster.get(system);
    List<Address> seeds =
        node.seeds().isEmpty()
            ? List.of(cluster.selfMember().address())
            : node.seeds().stream()
                .map(seed -> new Address("pekko", SYSTEM_NAME, seed.host(), seed.port()))
                .toList();
    cluster.manager().tell(new JoinSeedNodes(seeds));
  }

  private static <T> T await(CompletionStage<T> stage, String failure) {
    try {
      return stage.toCompletableFuture().get(BIND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException | CompletionException e) {
      throw new StartupException(failure + ": " + rootMessage(e), e);
    } catch (TimeoutException e) {
      throw new StartupException(
          failure + ": no answer within " + BIND_TIMEOUT.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException(failure + ": interrupted", e);
    }
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
