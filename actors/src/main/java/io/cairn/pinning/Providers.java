package io.cairn.pinning;

import io.cairn.protocol.EthereumAddress;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;

/** The cluster's storage providers as the API sees them: each a sharded {@link Provider}. */
public final class Providers {
  private final ClusterSharding sharding;
  private final PinningSettings settings;

  public Providers(ActorSystem<?> system, PinningSettings settings) {
    this.sharding = ClusterSharding.get(system);
    this.settings = settings;
  }

  /** Registers {@code address} with {@code terms}, or updates them; answers what it holds. */
  /** What the providers' scores mean: their standing and vetting. */
  public Reputation.Rules reputationRules() {
    return settings.reputation();
  }

  public CompletionStage<Provider.Info> register(EthereumAddress address, Provider.Terms terms) {
    return ask(address, replyTo -> new Provider.Register(terms, replyTo));
  }

  public CompletionStage<Provider.Info> exit(EthereumAddress address) {
    return ask(address, Provider.Exit::new);
  }

  public CompletionStage<Provider.Info> get(EthereumAddress address) {
    return ask(address, Provider.Get::new);
  }

  private CompletionStage<Provider.Info> ask(
      EthereumAddress address,
      Function<ActorRef<StatusReply<Provider.Info>>, Provider.Command> command) {
    return sharding
        .entityRefFor(Provider.ENTITY_KEY, address.value())
        .askWithStatus(command::apply, settings.askTimeout());
  }
}
