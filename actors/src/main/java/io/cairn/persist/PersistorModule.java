package io.cairn.persist;

import io.cairn.cluster.NodeRole;
import io.cairn.journal.JournalSettings;
import io.cairn.keys.StreamKeys;
import io.cairn.protocol.event.EvmSigner;
import io.cairn.stream.StreamModule;
import java.time.Clock;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The encrypted persistence feature on one node, built once: the sharded {@link Persistor}s on the
 * nodes with the persistor role (a proxy elsewhere), the projection telling them of their streams'
 * licences, and the pair pages the API reads.
 */
public record PersistorModule(PairJournal pairs) {

  /**
   * Starts the feature on {@code system}. Persistors publish through the node's one publisher and
   * read history through its resends; {@code signer} (the service key) is asked for only on a node
   * with the persistor role.
   */
  public static PersistorModule init(
      ActorSystem<?> system,
      PersistorSettings settings,
      StreamModule stream,
      StreamKeys keys,
      Supplier<EvmSigner> signer) {
    if (NodeRole.PERSISTOR.isHeldBy(system)) {
      Persistor.init(
          system,
          settings,
          new PersistorServices(
              keys,
              signer.get(),
              stream.publisher(),
              stream.resends(),
              JournalSettings.READ_JOURNAL,
              Clock.systemUTC()));
      PersistorLicences.start(system, settings.askTimeout());
    } else {
      Persistor.initProxy(system);
    }
    return new PersistorModule(new PairJournal(system, JournalSettings.READ_JOURNAL));
  }
}
