package io.cairn.ledger;

import io.cairn.cluster.NodeRole;
import io.cairn.projection.Projections;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;

/**
 * The workflow pay → grant on the embedded ledger: a projection over {@link LedgerBook}'s journal
 * hands every applied request's events to {@link LicenceGrants}. A purchase is persisted before its
 * grant is made; if the node dies between the two, the projection applies the purchase again from
 * its last offset after the restart, so no payment is left without its access.
 */
public final class LicenceAccess {
  static final String PROJECTION = "licence-access";

  private LicenceAccess() {}

  /** On the nodes with the stream role. */
  public static void start(ActorSystem<?> system, LicenceGrants grants) {
    Projections.<LedgerBook.Event>atLeastOnce(
        system, PROJECTION, LedgerBook.SLICES, NodeRole.STREAM, () -> new Granter(grants));
  }

  private static final class Granter extends Handler<EventEnvelope<LedgerBook.Event>> {
    private final LicenceGrants grants;

    Granter(LicenceGrants grants) {
      this.grants = grants;
    }

    @Override
    public CompletionStage<Done> process(EventEnvelope<LedgerBook.Event> envelope) {
      if (envelope.event() instanceof LedgerBook.Applied applied) {
        return grants.apply(applied.events());
      }
      return CompletableFuture.completedFuture(Done.getInstance());
    }
  }
}
