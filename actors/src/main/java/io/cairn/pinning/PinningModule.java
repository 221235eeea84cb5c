package io.cairn.pinning;

import io.cairn.core.Cores;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The pinning feature on one node, built once: the sharded {@link Provider} and {@link PinningJob}
 * entities on the nodes with the core role, the job directory's projection, and their ask facades.
 * A job is only requested for a core the cluster holds, so the module takes {@link Cores}.
 */
public record PinningModule(Providers providers, PinningJobs jobs) {

  public static PinningModule init(
      ActorSystem<?> system, PinningSettings settings, Clock clock, Cores cores) {
    Provider.init(system, settings, clock);
    PinningJob.init(system, settings, clock);
    PinningJobDirectory.start(system);
    return new PinningModule(
        new Providers(system, settings), new PinningJobs(system, settings, cores));
  }
}
