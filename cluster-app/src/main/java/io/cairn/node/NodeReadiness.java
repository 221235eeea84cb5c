package io.cairn.node;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;

/**
 * Pekko Management readiness check: ready once the node has started its entities and bound its
 * public API. Management's own cluster-membership check adds "and this member is Up".
 *
 * <p>Not ready is answered as a failure that says which check and why: Management logs a check that
 * merely answers false under the name of the lambda it wraps this supplier in, which tells an
 * operator nothing.
 */
public final class NodeReadiness implements Supplier<CompletionStage<Boolean>> {
  /** The check's name in {@code pekko.management.health-checks.readiness-checks}. */
  static final String NAME = "cairn-started";

  private final NodeStarted.Flag started;

  public NodeReadiness(ActorSystem system) {
    this.started = NodeStarted.ID.get(system);
  }

  @Override
  public CompletionStage<Boolean> get() {
    return started.isStarted()
        ? CompletableFuture.completedFuture(true)
        : CompletableFuture.failedFuture(new NotReady());
  }

  /** Why the node is not ready yet, in the words the management log prints. */
  static final class NotReady extends RuntimeException {
    NotReady() {
      super(
          NAME + ": the node is still starting its entities, projections and public API",
          null,
          false,
          false);
    }
  }
}
