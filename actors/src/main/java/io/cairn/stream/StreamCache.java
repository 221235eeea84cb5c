package io.cairn.stream;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.CompletionStage;

/**
 * Stream states this node has read lately, so publishing does not ask the Stream entity for every
 * event. An entry lives {@code permission-cache-ttl}: a permission granted or revoked takes effect
 * on publishing within that time, as the Streamr Network's own permission caches do. At most {@code
 * stream-cache-size} streams are kept, the least recently used leaving first, so a node that has
 * seen millions of streams holds only the busy ones. Failures are not kept.
 */
public final class StreamCache {
  private final AsyncLoadingCache<String, Stream.State> entries;

  public StreamCache(Streams streams, StreamSettings settings) {
    this.entries =
        Caffeine.newBuilder()
            .maximumSize(settings.streamCacheSize())
            .expireAfterWrite(settings.permissionCacheTtl())
            .buildAsync((streamId, executor) -> streams.get(streamId).toCompletableFuture());
  }

  public CompletionStage<Stream.State> get(String streamId) {
    return entries.get(streamId);
  }

  /** Streams held now, after evicting what is due: what the bound is tested against. */
  public long size() {
    entries.synchronous().cleanUp();
    return entries.synchronous().estimatedSize();
  }
}
