package io.cairn.stream;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Stream states this node has read lately, so publishing does not ask the Stream entity for every
 * event. An entry lives {@code ttl}: a permission granted or revoked takes effect on publishing
 * within that time, as the Streamr Network's own permission caches do. Failures are not kept.
 */
public final class StreamCache {
  private record Entry(CompletionStage<Stream.State> state, long expiresAtNanos) {}

  private final Streams streams;
  private final long ttlNanos;
  private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();

  public StreamCache(Streams streams, Duration ttl) {
    this.streams = streams;
    this.ttlNanos = ttl.toNanos();
  }

  public CompletionStage<Stream.State> get(String streamId) {
    long now = System.nanoTime();
    Entry entry =
        entries.compute(
            streamId,
            (id, cached) ->
                cached != null && now - cached.expiresAtNanos() < 0
                    ? cached
                    : new Entry(streams.get(id), now + ttlNanos));
    return entry
        .state()
        .whenComplete(
            (state, failure) -> {
              if (failure != null) {
                entries.remove(streamId, entry);
              }
            });
  }
}
