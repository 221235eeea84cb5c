package io.cairn.keys;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.encryption.GroupKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Group keys held in memory, the last one added to a stream being its current one. It fails as the
 * custodian does: a key it never had with {@code UNKNOWN_GROUP_KEY}; and, while {@link #away},
 * every request with a timeout, as when the custodian's node is gone and its shard not yet moved.
 */
public final class InMemoryStreamKeys implements StreamKeys {
  private final Map<String, List<GroupKey>> keys = new ConcurrentHashMap<>();
  private volatile boolean away;
  private final AtomicInteger unanswered = new AtomicInteger();

  public void away(boolean away) {
    this.away = away;
  }

  /** Requests failed with a timeout while away. */
  public int unanswered() {
    return unanswered.get();
  }

  /** Adds a fresh key to the stream and makes it current. */
  public GroupKey rotate(String streamId) {
    GroupKey key = GroupKey.generate();
    keys.computeIfAbsent(streamId, id -> new ArrayList<>()).add(key);
    return key;
  }

  @Override
  public CompletionStage<GroupKey> current(String streamId) {
    if (away) {
      return timedOut();
    }
    List<GroupKey> held = keys.getOrDefault(streamId, List.of());
    return held.isEmpty()
        ? CompletableFuture.failedFuture(
            new IllegalStateException("stream " + streamId + " has no key"))
        : CompletableFuture.completedFuture(held.get(held.size() - 1));
  }

  @Override
  public CompletionStage<List<GroupKey>> find(String streamId, Collection<String> groupKeyIds) {
    if (away) {
      return timedOut();
    }
    List<GroupKey> found = new ArrayList<>();
    for (String id : groupKeyIds) {
      var key =
          keys.getOrDefault(streamId, List.of()).stream()
              .filter(k -> k.id().equals(id))
              .findFirst();
      if (key.isEmpty()) {
        return CompletableFuture.failedFuture(
            new Rejection(
                ErrorCode.UNKNOWN_GROUP_KEY, "stream " + streamId + " never had key " + id));
      }
      found.add(key.get());
    }
    return CompletableFuture.completedFuture(found);
  }

  private <T> CompletionStage<T> timedOut() {
    unanswered.incrementAndGet();
    return CompletableFuture.failedFuture(new TimeoutException("no answer from the key custodian"));
  }
}
