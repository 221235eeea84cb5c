package io.cairn.core;

import io.cairn.journal.JournalSettings;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The Hypercore feature on one node, built once: the sharded {@link Core} entities on the nodes
 * with the core role, and their ask facade.
 */
public record CoreModule(Cores cores) {

  public static CoreModule init(ActorSystem<?> system, CoreSettings settings) {
    Core.init(system, settings);
    return new CoreModule(new Cores(system, settings, JournalSettings.READ_JOURNAL));
  }
}
