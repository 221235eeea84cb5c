package io.cairn.pinning;

import io.cairn.core.Cores;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.event.AddressRecovery;
import java.time.Clock;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The pinning feature on one node, built once: the sharded {@link Provider}, {@link PinningJob} and
 * {@link PinnedReplica} entities on the nodes with the core role, the {@link PinningSupervisor}
 * singleton, the directories', audit's and offline replacement's projections, the replicas' service
 * checks ({@link ServiceCheck}, their schedule and directory), and their ask facades. A job is only
 * requested for a core the cluster holds, so the module takes {@link Cores}; the epochs' secrets
 * are derived from the cluster's master key ({@link EpochSecrets}), read only where entities and
 * the supervisor run (the core role).
 */
public record PinningModule(
    Providers providers,
    PinningJobs jobs,
    PinnedReplicas replicas,
    JobMoney money,
    ServiceChecks checks) {

  public static PinningModule init(
      ActorSystem<?> system,
      PinningSettings settings,
      Clock clock,
      Cores cores,
      Supplier<EpochSecrets> epochs,
      AddressRecovery recovery,
      StakeLookup stakes) {
    Provider.init(system, settings, clock);
    ProviderDirectory.start(system, settings.reputation());
    ActorRef<PinningSupervisor.Command> supervisor =
        PinningSupervisor.init(
            system, settings, epochs, new ProviderDirectory(system), stakes, cores, clock);
    PinningJob.init(system, settings, clock, supervisor, cores::info);
    PinnedReplica.init(system, settings, epochs, recovery, clock);
    PinningJobDirectory.start(system);
    ServiceCheck.init(
        system,
        new ServiceCheck.Needs(
            settings,
            AttestationSettings.fromConfig(system.settings().config()),
            epochs,
            recovery,
            hoster -> drawInputs(system, settings, stakes, hoster),
            (provider, judgement) ->
                ClusterSharding.get(system)
                    .entityRefFor(Provider.ENTITY_KEY, provider.value())
                    .tell(new Provider.Judge(judgement)),
            clock));
    ServiceCheckSchedule.start(system, settings);
    ServiceCheckDirectory.start(system);
    ReplicaAudit.start(system, settings, epochs, cores);
    OfflineReplacement.start(system, settings);
    ReplicaEarnings.start(system, settings);
    PinningJobs jobs = new PinningJobs(system, settings, cores);
    return new PinningModule(
        new Providers(system, settings, stakes),
        jobs,
        new PinnedReplicas(system, settings, jobs),
        new JobMoney(system),
        new ServiceChecks(system, settings, cores));
  }

  /** The providers a service check draws from, and where {@code hoster} serves readers. */
  private static CompletionStage<ServiceCheck.DrawInputs> drawInputs(
      ActorSystem<?> system, PinningSettings settings, StakeLookup stakes, EthereumAddress hoster) {
    return new ProviderDirectory(system)
        .activeProviders(settings.reputation(), settings.stake(), stakes)
        .thenCombine(
            ClusterSharding.get(system)
                .entityRefFor(Provider.ENTITY_KEY, hoster.value())
                .<Provider.Info>askWithStatus(Provider.Get::new, settings.askTimeout()),
            (candidates, info) -> new ServiceCheck.DrawInputs(candidates, info.terms().serveUrl()));
  }
}
