package io.cairn.persist;

import io.cairn.keys.StreamKeys;
import io.cairn.protocol.encryption.GroupKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The group keys of one stream a persistor has fetched, kept in memory: keys never change, and a
 * stream has few. Each key is asked for on its own, because {@link StreamKeys#find} fails a whole
 * answer for one unknown id. A failed fetch is forgotten, so the next asks again. Used by the
 * entity and by its rebroadcast reads on other threads.
 */
final class KeyCache {
  private final StreamKeys keys;
  private final String streamId;
  private final ConcurrentMap<String, CompletableFuture<GroupKey>> byId = new ConcurrentHashMap<>();

  KeyCache(StreamKeys keys, String streamId) {
    this.keys = keys;
    this.streamId = streamId;
  }

  /** The key if it has arrived, without waiting. */
  Optional<GroupKey> known(String id) {
    CompletableFuture<GroupKey> key = byId.get(id);
    return key != null && key.isDone() && !key.isCompletedExceptionally()
        ? Optional.of(key.join())
        : Optional.empty();
  }

  CompletionStage<GroupKey> get(String id) {
    CompletableFuture<GroupKey> key =
        byId.computeIfAbsent(
            id,
            missing ->
                keys.find(streamId, List.of(missing))
                    .thenApply(
                        found ->
                            found.stream()
                                .filter(k -> k.id().equals(missing))
                                .findFirst()
                                .orElseThrow(() -> new MissingGroupKeyException(missing)))
                    .toCompletableFuture());
    key.whenComplete(
        (found, failure) -> {
          if (failure != null) {
            byId.remove(id, key);
          }
        });
    return key;
  }

  /** The key new content is encrypted with now; not cached, since it rotates. */
  CompletionStage<GroupKey> current() {
    return keys.current(streamId)
        .thenApply(
            key -> {
              byId.putIfAbsent(key.id(), CompletableFuture.completedFuture(key));
              return key;
            });
  }
}
