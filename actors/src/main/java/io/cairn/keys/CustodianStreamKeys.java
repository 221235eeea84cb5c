package io.cairn.keys;

import io.cairn.protocol.encryption.GroupKey;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * {@link StreamKeys} answered by the streams' {@link KeyCustodian}s, wherever they run in the
 * cluster.
 */
public final class CustodianStreamKeys implements StreamKeys {
  private final ClusterSharding sharding;
  private final Duration askTimeout;

  public CustodianStreamKeys(ActorSystem<?> system, Duration askTimeout) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = askTimeout;
  }

  @Override
  public CompletionStage<GroupKey> current(String streamId) {
    // the custodian reads no ids as the current key
    return ask(streamId, List.of()).thenApply(keys -> keys.get(0));
  }

  @Override
  public CompletionStage<List<GroupKey>> find(String streamId, Collection<String> groupKeyIds) {
    if (groupKeyIds.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    return ask(streamId, List.copyOf(groupKeyIds));
  }

  private CompletionStage<List<GroupKey>> ask(String streamId, List<String> groupKeyIds) {
    return sharding
        .entityRefFor(KeyCustodian.ENTITY_KEY, streamId)
        .<KeyCustodian.Keys>askWithStatus(
            replyTo -> new KeyCustodian.FindKeys(groupKeyIds, replyTo), askTimeout)
        .thenApply(KeyCustodian.Keys::keys);
  }
}
