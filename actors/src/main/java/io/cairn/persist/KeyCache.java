package io.cairn.persist;

import io.cairn.keys.StreamKeys;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.encryption.GroupKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group keys of one stream a persistor has fetched, kept in memory: keys never change, and a
 * stream has few. Each key is asked for on its own, because {@link StreamKeys#find} fails a whole
 * answer for one unknown id. A failed fetch is forgotten, so the next asks again. Safe for the
 * persistor's streams to share: they read and fetch on other threads than the entity's.
 */
final class KeyCache {
  /**
   * Answers from the custodian that it lacks a group key before the events under it are skipped as
   * unreadable.
   */
  static final int KEY_ATTEMPTS = 3;

  static final Duration KEY_RETRY = Duration.ofSeconds(2);

  private static final Logger LOG = LoggerFactory.getLogger(KeyCache.class);

  private final ActorSystem<?> system;
  private final StreamKeys keys;
  private final String streamId;
  private final ConcurrentMap<String, CompletableFuture<GroupKey>> byId = new ConcurrentHashMap<>();

  /** Ids the custodian said it has not: the events under them are skipped without asking again. */
  private final Set<String> lacking = ConcurrentHashMap.newKeySet();

  KeyCache(ActorSystem<?> system, StreamKeys keys, String streamId) {
    this.system = system;
    this.keys = keys;
    this.streamId = streamId;
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

  /**
   * The key {@code id} to read an event with. A fetch that gets no answer (a custodian moving with
   * its node, a timeout) is tried again every {@link #KEY_RETRY}, for as long as it takes: such a
   * custodian must not cost pairs. Empty once the custodian has answered {@link #KEY_ATTEMPTS}
   * times that it has no such key.
   */
  CompletionStage<Optional<GroupKey>> forReading(String id) {
    return forReading(id, 1);
  }

  private CompletionStage<Optional<GroupKey>> forReading(String id, int attempt) {
    if (lacking.contains(id)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return get(id)
        .<CompletionStage<Optional<GroupKey>>>handle(
            (key, failure) -> {
              if (failure == null) {
                return CompletableFuture.completedFuture(Optional.of(key));
              }
              if (!custodianLacks(failure)) {
                return Patterns.after(KEY_RETRY, system, () -> forReading(id, attempt));
              }
              if (attempt < KEY_ATTEMPTS) {
                return Patterns.after(KEY_RETRY, system, () -> forReading(id, attempt + 1));
              }
              if (lacking.add(id)) {
                LOG.warn(
                    "Persistor of {} gives up on group key {}: its custodian answered {} times that"
                        + " it has no such key; events under it are skipped",
                    streamId,
                    id,
                    attempt);
              }
              return CompletableFuture.completedFuture(Optional.empty());
            })
        .thenCompose(next -> next);
  }

  /**
   * Whether a failed fetch is the custodian's answer that the key does not exist, rather than no
   * answer.
   */
  private static boolean custodianLacks(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    return cause instanceof MissingGroupKeyException
        || cause instanceof Rejection rejection
            && (rejection.code() == ErrorCode.UNKNOWN_GROUP_KEY
                || rejection.code() == ErrorCode.CUSTODIAN_NOT_FOUND);
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
