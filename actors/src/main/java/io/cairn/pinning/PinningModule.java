package io.cairn.pinning;

import java.time.Clock;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The pinning feature on one node, built once: the sharded {@link Provider} entities on the nodes
 * with the core role, and their ask facade.
 */
public record PinningModule(Providers providers) {

  public static PinningModule init(ActorSystem<?> system, PinningSettings settings, Clock clock) {
    Provider.init(system, settings, clock);
    return new PinningModule(new Providers(system, settings));
  }
}
