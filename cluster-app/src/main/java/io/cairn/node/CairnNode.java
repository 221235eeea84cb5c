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
import io.cairn.api.ledger.LedgerBackend;
import io.cairn.api.ledger.LedgerRoutes;
import io.cairn.api.node.NodeRoutes;
import io.cairn.api.persist.PersistorRoutes;
import io.cairn.api.pinning.AgentRoutes;
import io.cairn.api.pinning.PinRoutes;
import io.cairn.api.pinning.ProviderRoutes;
import io.cairn.api.stream.PartitionKeyCheck;
import io.cairn.api.stream.StreamDataRoutes;
import io.cairn.api.stream.StreamReadAccess;
import io.cairn.api.stream.StreamRoutes;
import io.cairn.api.stream.StreamWebSocketHandler;
import io.cairn.api.ws.WebSocketRoutes;
import io.cairn.cluster.NodeRole;
import io.cairn.cluster.ServiceIdentity;
import io.cairn.core.CoreModule;
import io.cairn.core.CoreSettings;
import io.cairn.journal.JournalSettings;
import io.cairn.keys.KeySettings;
import io.cairn.keys.KeysModule;
import io.cairn.ledger.ChecksumSettings;
import io.cairn.ledger.LedgerModule;
import io.cairn.ledger.LedgerSettings;
import io.cairn.ledger.PaidCores;
import io.cairn.ledger.ProviderStake;
import io.cairn.ledger.evm.EvmChainSettings;
import io.cairn.ledger.evm.EvmLedgerModule;
import io.cairn.persist.PersistorModule;
import io.cairn.persist.PersistorSettings;
import io.cairn.pinning.EpochSecrets;
import io.cairn.pinning.PinningModule;
import io.cairn.pinning.PinningSettings;
import io.cairn.pinning.Settlements;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.event.AddressRecoveries;
import io.cairn.protocol.event.AddressRecovery;
import io.cairn.protocol.event.EventVerifier;
import io.cairn.stream.PartitionChecksums;
import io.cairn.stream.StreamModule;
import io.cairn.stream.StreamSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
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

  /**
   * What a node uses from outside its configuration: the journal it was configured with, the
   * verifier of events and session signatures, the clock, the cluster's service identity (the
   * ledger's operator, on every node with the api, stream or persistor role) and the cluster
   * secrets a node with the persistor role holds.
   */
  public record Dependencies(
      JournalSettings journal,
      EventVerifier verifier,
      AddressRecovery recoveries,
      Clock clock,
      Supplier<ServiceIdentity> service,
      Supplier<KeysModule.Custody> custody) {

    /**
     * The standard verifiers, the system clock and the secret files {@code config} names, read now
     * on a node with the persistor role: a missing or unreadable secret stops the start before the
     * node writes anything.
     */
    public static Dependencies fromConfig(Config config) {
      JournalSettings journal = JournalSettings.fromConfig(config);
      NodeSettings node = NodeSettings.fromConfig(config);
      Supplier<ServiceIdentity> service;
      if (node.has(NodeRole.API) || node.has(NodeRole.STREAM) || node.has(NodeRole.PERSISTOR)) {
        ServiceIdentity identity = secret(() -> ServiceIdentity.fromConfig(config, journal.kind()));
        service = () -> identity;
      } else {
        service =
            () -> {
              throw new IllegalStateException(
                  "only a node with the api, stream or persistor role holds the service key");
            };
      }
      Supplier<KeysModule.Custody> custody;
      if (node.has(NodeRole.PERSISTOR)) {
        KeysModule.Custody secrets =
            new KeysModule.Custody(
                service.get(), secret(() -> KeySettings.masterKey(config, journal.kind())));
        custody = () -> secrets;
      } else {
        custody =
            () -> {
              throw new IllegalStateException("only a node with the persistor role holds secrets");
            };
      }
      return new Dependencies(
          journal,
          EventVerifier.standard(),
          AddressRecoveries.preferred(),
          Clock.systemUTC(),
          service,
          custody);
    }
  }

  /** Starts a node on a complete configuration; a failed start leaves nothing running. */
  public static ActorSystem<Void> start(Config config) {
    return start(config, Dependencies.fromConfig(config));
  }

  /** As {@link #start(Config)}, with dependencies made (and secrets checked) beforehand. */
  public static ActorSystem<Void> start(Config config, Dependencies dependencies) {
    NodeSettings node = NodeSettings.fromConfig(config);
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
      init(system, node, dependencies);
      return system;
    } catch (RuntimeException e) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
      throw e;
    }
  }

  /**
   * Makes {@code system} a Cairn node: management, cluster membership, every feature module once,
   * then the public API on a node with the api role.
   */
  public static void init(ActorSystem<Void> system, NodeSettings node, Dependencies dependencies) {
    await(
        PekkoManagement.get(system).start(),
        "cannot start management HTTP on " + node.host() + ":" + node.managementPort());
    joinCluster(system, node);
    Config config = system.settings().config();
    Supplier<KeysModule.Custody> custody = dependencies.custody();
    StreamModule stream =
        StreamModule.init(system, StreamSettings.fromConfig(config), dependencies.verifier());
    CoreModule core = CoreModule.init(system, CoreSettings.fromConfig(config));
    KeysModule keys = KeysModule.init(system, KeySettings.fromConfig(config), custody);
    PersistorSettings persistorSettings = PersistorSettings.fromConfig(config);
    PersistorModule persistor =
        PersistorModule.init(
            system,
            persistorSettings,
            stream,
            keys.streamKeys(),
            () -> custody.get().identity().signer());
    Optional<LedgerModule> ledger =
        node.has(NodeRole.API) || node.has(NodeRole.STREAM) || node.has(NodeRole.CORE)
            ? Optional.of(
                EvmLedgerModule.init(
                    system,
                    LedgerSettings.fromConfig(config),
                    EvmChainSettings.fromConfig(config),
                    dependencies.service().get().address(),
                    dependencies.recoveries(),
                    dependencies.clock(),
                    stream.streams()))
            : Optional.empty();
    PinningSettings pinningSettings = PinningSettings.fromConfig(config);
    PinningModule pinning =
        PinningModule.init(
            system,
            pinningSettings,
            dependencies.clock(),
            core.cores(),
            epochSecrets(config, node, dependencies.journal()),
            dependencies.recoveries(),
            // selection weighs providers by their stake where the pinning supervisor runs
            provider ->
                ledger
                    .orElseThrow()
                    .ledger()
                    .providerStake(provider)
                    .thenApply(ProviderStake::stake));
    if (node.has(NodeRole.STREAM)) {
      // pinning is paid where the ledger is, as the cluster's service account (the settler)
      Settlements.start(
          system,
          pinningSettings,
          ledger.orElseThrow().ledger(),
          dependencies.service().get().signer(),
          dependencies.clock());
    }
    Optional<EthereumAddress> checksumReporter =
        ledger.flatMap(
            module ->
                module.reportChecksums(
                    system,
                    ChecksumSettings.fromConfig(config),
                    stream.streams(),
                    new PartitionChecksums(system, stream.resends()),
                    dependencies.service().get(),
                    dependencies.clock()));
    if (node.has(NodeRole.API)) {
      Optional<EthereumAddress> serviceAddress =
          node.has(NodeRole.PERSISTOR)
              ? Optional.of(custody.get().identity().address())
              : Optional.empty();
      await(
          ApiServer.start(
              system,
              node.host(),
              node.apiPort(),
              routes(
                  system,
                  node,
                  dependencies,
                  serviceAddress,
                  checksumReporter,
                  stream,
                  core,
                  keys,
                  persistor,
                  persistorSettings,
                  ledger.orElseThrow(),
                  pinning)),
          "cannot start the public API on " + node.host() + ":" + node.apiPort());
    }
    NodeStarted.ID.get(Adapter.toClassic(system)).markStarted();
  }

  /** Every feature's routes over the services its module built. */
  private static List<ApiRoutes> routes(
      ActorSystem<Void> system,
      NodeSettings node,
      Dependencies dependencies,
      Optional<EthereumAddress> serviceAddress,
      Optional<EthereumAddress> checksumReporter,
      StreamModule stream,
      CoreModule core,
      KeysModule keys,
      PersistorModule persistor,
      PersistorSettings persistorSettings,
      LedgerModule ledger,
      PinningModule pinning) {
    Config config = system.settings().config();
    SessionTokens tokens = SessionSettings.fromConfig(config, system).tokens();
    Authentication authentication = new Authentication(tokens);
    PartitionKeyCheck partitionKeys = new PartitionKeyCheck(stream.cache());
    StreamReadAccess readAccess = new StreamReadAccess(stream.streams(), authentication);
    PaidCores paidCores =
        new PaidCores(ledger.ledger(), config.getDuration("cairn.ledger.paid-cores-refresh"));
    List<ApiRoutes> routes =
        new ArrayList<>(
            List.of(
                new NodeRoutes(
                    system,
                    node.roles(),
                    dependencies.journal().kind().label(),
                    CairnVersion.current(),
                    serviceAddress,
                    checksumReporter),
                new AuthRoutes(
                    system,
                    new SessionChallenges(tokens, dependencies.recoveries(), dependencies.clock()),
                    tokens),
                new StreamRoutes(system, stream.streams(), keys.custodians(), authentication),
                new CustodianRoutes(system, keys.custodians(), authentication),
                new PersistorRoutes(
                    system,
                    stream.streams(),
                    authentication,
                    readAccess,
                    persistor.pairs(),
                    persistorSettings),
                new StreamDataRoutes(
                    system,
                    stream.publisher(),
                    partitionKeys,
                    stream.resends(),
                    readAccess,
                    StreamSettings.fromConfig(config).maxContentBytes()),
                new CoreRoutes(system, core.cores(), authentication, paidCores),
                new WebSocketRoutes(
                    system,
                    tokens,
                    List.of(
                        new StreamWebSocketHandler.Factory(
                            system,
                            stream.publisher(),
                            partitionKeys,
                            stream.resends(),
                            stream.streams(),
                            config.getInt("cairn.api.websocket.live-buffer")),
                        new CoreWebSocketHandler.Factory(core.cores(), paidCores)),
                    config.getBytes("cairn.api.websocket.max-message-size"))));
    routes.add(
        new LedgerRoutes(system, LedgerBackend.of(ledger, dependencies.service().get().address())));
    routes.add(new ProviderRoutes(system, pinning.providers(), authentication));
    routes.add(new PinRoutes(system, pinning, authentication));
    routes.add(new AgentRoutes(system, pinning.replicas(), pinning.checks(), authentication));
    return routes;
  }

  /**
   * A cluster secret read from its file; a missing or unreadable one stops the start with the
   * reason.
   */
  /**
   * On a core node, where pinning jobs and their supervisor run, the epochs' secrets derived from
   * the master key (read now, so a missing key stops the start); elsewhere nothing asks for them.
   */
  private static Supplier<EpochSecrets> epochSecrets(
      Config config, NodeSettings node, JournalSettings journal) {
    if (!node.has(NodeRole.CORE)) {
      return () -> {
        throw new IllegalStateException("only a node with the core role derives epoch secrets");
      };
    }
    EpochSecrets secrets =
        new EpochSecrets(
            secret(() -> KeySettings.masterKey(config, journal.kind()))
                .derive(EpochSecrets.PURPOSE));
    return () -> secrets;
  }

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
