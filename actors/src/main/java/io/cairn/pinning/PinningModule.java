package io.cairn.pinning;

import io.cairn.core.Cores;
import io.cairn.protocol.event.AddressRecovery;
import java.time.Clock;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The pinning feature on one node, built once: the sharded {@link Provider}, {@link PinningJob} and
 * {@link PinnedReplica} entities on the nodes with the core role, the {@link PinningSupervisor}
 * singleton, the directories', audit's and offline replacement's projections, and their ask
 * facades. A job is only requested for a core the cluster holds, so the module takes {@link Cores};
 * the epochs' secrets are derived from the cluster's master key ({@link EpochSecrets}), read only
 * where entities and the supervisor run (the core role).
 */
public record PinningModule(
    Providers providers, PinningJobs jobs, PinnedReplicas replicas, JobMoney money) {

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
    ReplicaAudit.start(system, settings, epochs, cores);
    OfflineReplacement.start(system, settings);
    ReplicaEarnings.start(system, settings);
    PinningJobs jobs = new PinningJobs(system, settings, cores);
    return new PinningModule(
        new Providers(system, settings, stakes),
        jobs,
        new PinnedReplicas(system, settings, jobs),
        new JobMoney(system));
  }
}
