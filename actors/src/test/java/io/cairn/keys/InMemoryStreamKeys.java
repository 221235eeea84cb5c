package io.cairn.keys;

import io.cairn.protocol.encryption.GroupKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** Group keys held in memory, the last one added to a stream being its current one. */
public final class InMemoryStreamKeys implements StreamKeys {
  private final Map<String, List<GroupKey>> keys = new ConcurrentHashMap<>();

  /** Adds a fresh key to the stream and makes it current. */
  public GroupKey rotate(String streamId) {
    GroupKey key = GroupKey.generate();
    keys.computeIfAbsent(streamId, id -> new ArrayList<>()).add(key);
    return key;
  }

  @Override
  public CompletionStage<GroupKey> current(String streamId) {
    List<GroupKey> held = keys.getOrDefault(streamId, List.of());
    return held.isEmpty()
        ? CompletableFuture.failedFuture(new IllegalStateException("stream " + streamId + " has no key"))
        : CompletableFuture.completedFuture(held.get(held.size() - 1));
  }

  @Override
  public CompletionStage<List<GroupKey>> find(String streamId, Collection<String> groupKeyIds) {
    List<GroupKey> found = new ArrayList<>();
    for (String id : groupKeyIds) {
      var key = keys.getOrDefault(streamId, List.of()).stream().filter(k -> k.id().equals(id)).findFirst();
      if (key.isEmpty()) {
        return CompletableFuture.failedFuture(new IllegalArgumentException("stream " + streamId + " never had key " + id));
      }
      found.add(key.get());
    }
    return CompletableFuture.completedFuture(found);
  }
}
