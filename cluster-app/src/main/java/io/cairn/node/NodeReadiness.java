package io.cairn.node;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;

/**
 * Pekko Management readiness check: ready once the node has started its entities and bound its
 * public API. Management's own cluster-membership check adds "and this member is Up".
 */
public final class NodeReadiness implements Supplier<CompletionStage<Boolean>> {
  private final NodeStarted.Flag started;

  public NodeReadiness(ActorSystem system) {
    this.started = NodeStarted.ID.get(system);
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(started.isStarted());
  }
}
