package io.cairn.agent;

import io.cairn.protocol.api.v1.ProviderRegistration;
import io.cairn.protocol.api.v1.ProviderView;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running agent: its data directory opened, signed in and registered with its node, its block
 * server (a hoster's, when asked for) listening. {@link #start} fails at once, with one clear
 * message, on a data directory it cannot use or a node it cannot reach or that refuses it; after
 * that, {@link #run} keeps going through the node's absences until it is told to stop.
 */
public final class AgentRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentRuntime.class);

  private final AgentSettings settings;
  private final ReplicaStore store;
  private final ProviderView provider;
  private final PolledAgent agent;
  private final BlockServer server;

  private AgentRuntime(
      AgentSettings settings,
      ReplicaStore store,
      ProviderView provider,
      PolledAgent agent,
      BlockServer server) {
    this.settings = settings;
    this.store = store;
    this.provider = provider;
    this.agent = agent;
    this.server = server;
  }

  public static AgentRuntime start(AgentSettings settings) {
    ReplicaStore store = ReplicaStore.open(settings.data(), settings.signer().address());
    BlockServer server =
        settings
            .serve()
            .map(address -> BlockServer.start(address, store, settings.signer()))
            .orElse(null);
    AgentConnection connection =
        new AgentConnection(
            settings.node(),
            settings.signer(),
            registration(settings, Optional.ofNullable(server).map(BlockServer::uri)));
    ProviderView provider;
    try {
      provider = connection.signIn();
    } catch (RuntimeException refused) {
      if (server != null) {
        server.close();
      }
      throw refused;
    }
    PolledAgent agent;
    switch (settings.role()) {
      case HOSTER:
        agent =
            new HosterAgent(
                connection,
                store,
                settings.capacityBytes(),
                settings.keepUnlisted(),
                settings.cheat());
        break;
      case ENCODER:
        agent = new EncoderAgent(connection, store, settings.keepUnlisted());
        break;
      default:
        agent = new AttesterAgent(connection, settings.cheat());
    }
    log.info(
        "{} {} registered with {}: {} replicas on disk in {}{}",
        settings.role().registered(),
        provider.getAddress(),
        settings.node(),
        store.replicas().size(),
        settings.data(),
        server == null ? "" : ", serving blocks on " + server.uri());
    return new AgentRuntime(settings, store, provider, agent, server);
  }

  /** The terms it registers: a hoster's serve URL is where its block server listens. */
  private static ProviderRegistration registration(AgentSettings settings, Optional<URI> serving) {
    ProviderRegistration.Builder registration =
        ProviderRegistration.newBuilder()
            .addRoles(settings.role().registered())
            .setCapacityBytes(settings.capacityBytes())
            .setOperator(settings.operator())
            .setRegion(settings.region());
    serving.ifPresent(uri -> registration.setServeUrl(uri.toString()));
    return registration.build();
  }

  /** The provider as the node registered it. */
  public ProviderView provider() {
    return provider;
  }

  /** Where the block server listens, when it runs. */
  public Optional<URI> serving() {
    return Optional.ofNullable(server).map(BlockServer::uri);
  }

  public ReplicaStore store() {
    return store;
  }

  /** Polls the agent's tasks until {@code stop} is counted down. */
  public void run(CountDownLatch stop) throws InterruptedException {
    AgentLoop.run(agent, settings.poll(), stop);
  }

  @Override
  public void close() {
    agent.close();
    if (server != null) {
      server.close();
    }
  }
}
