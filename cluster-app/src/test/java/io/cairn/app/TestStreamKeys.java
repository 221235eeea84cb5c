package io.cairn.app;

import io.cairn.keys.StreamKeys;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.encryption.GroupKeyLookup;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** Group keys held in memory, the last one added to a stream being its current one. */
public final class TestStreamKeys implements StreamKeys {
  private final Map<String, List<GroupKey>> keys = new ConcurrentHashMap<>();

  /** Adds a fresh key to the stream and makes it current. */
  public GroupKey rotate(String streamId) {
    GroupKey key = GroupKey.generate();
    keys.computeIfAbsent(streamId, id -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(key);
    return key;
  }

  /** The stream's keys as a subscriber holding all of them looks them up. */
  public GroupKeyLookup lookup(String streamId) {
    return id -> keys.getOrDefault(streamId, List.of()).stream().filter(key -> key.id().equals(id)).findFirst();
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
      Optional<GroupKey> key = lookup(streamId).find(id);
      if (key.isEmpty()) {
        return CompletableFuture.failedFuture(new IllegalArgumentException("stream " + streamId + " never had key " + id));
      }
      found.add(key.get());
    }
    return CompletableFuture.completedFuture(found);
  }
}
