package io.cairn.pinning;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import java.math.BigInteger;
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
  private final StakeLookup stakes;

  public Providers(ActorSystem<?> system, PinningSettings settings, StakeLookup stakes) {
    this.sharding = ClusterSharding.get(system);
    this.settings = settings;
    this.stakes = stakes;
  }

  /** What the providers' scores mean: their standing and vetting. */
  public Reputation.Rules reputationRules() {
    return settings.reputation();
  }

  /**
   * Registers {@code address} with {@code terms}, or updates them; answers what it holds. Refused
   * ({@code INSUFFICIENT_STAKE}) while it has less than {@code cairn.pinning.stake.minimum} staked.
   */
  public CompletionStage<Provider.Info> register(EthereumAddress address, Provider.Terms terms) {
    BigInteger minimum = settings.stake().minimum();
    if (minimum.signum() == 0) {
      return ask(address, replyTo -> new Provider.Register(terms, replyTo));
    }
    return stakes
        .stakeOf(address)
        .thenCompose(
            staked -> {
              if (staked.compareTo(minimum) < 0) {
                throw new Rejection(
                    ErrorCode.INSUFFICIENT_STAKE,
                    address
                        + " has "
                        + staked
                        + " staked; a provider registers with at least "
                        + minimum
                        + " (cairn provider stake)");
              }
              return ask(address, replyTo -> new Provider.Register(terms, replyTo));
            });
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
