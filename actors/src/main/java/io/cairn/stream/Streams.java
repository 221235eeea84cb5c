package io.cairn.stream;

import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.stream.Permission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The cluster's streams as the API sees them: each call goes to the sharded {@link Stream} entity.
 */
public final class Streams {
  /** Streams asked about their state at once while searching. */
  private static final int SEARCH_PARALLELISM = 8;

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final StreamSettings settings;
  private final StreamDirectory directory;

  public Streams(ActorSystem<?> system, StreamSettings settings) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.settings = settings;
    this.directory = new StreamDirectory(system);
  }

  public CompletionStage<Stream.State> create(
      String id, EthereumAddress requester, String description, int partitions) {
    return stream(id)
        .askWithStatus(
            replyTo -> new Stream.Create(requester, description, partitions, replyTo),
            settings.askTimeout());
  }

  public CompletionStage<Stream.State> get(String id) {
    return stream(id).askWithStatus(Stream.Get::new, settings.askTimeout());
  }

  public CompletionStage<Stream.State> update(
      String id, EthereumAddress requester, String description, int partitions) {
    return stream(id)
        .askWithStatus(
            replyTo -> new Stream.Update(requester, description, partitions, replyTo),
            settings.askTimeout());
  }

  public CompletionStage<Stream.State> delete(String id, EthereumAddress requester) {
    return stream(id)
        .askWithStatus(replyTo -> new Stream.Delete(requester, replyTo), settings.askTimeout());
  }

  public CompletionStage<Stream.State> grant(
      String id, EthereumAddress requester, Grantee grantee, Permission permission) {
    return grant(id, requester, grantee, permission, Optional.empty());
  }

  /** A grant that ends at {@code until} when given (publish and subscribe of one address). */
  public CompletionStage<Stream.State> grant(
      String id,
      EthereumAddress requester,
      Grantee grantee,
      Permission permission,
      Optional<Instant> until) {
    return stream(id)
        .askWithStatus(
            replyTo -> new Stream.Grant(requester, grantee, permission, until, replyTo),
            settings.askTimeout());
  }

  /** Ends a grant that was to end at {@code at}; nothing if it was extended or revoked since. */
  public CompletionStage<Stream.State> expire(
      String id, EthereumAddress address, Permission permission, Instant at) {
    return stream(id)
        .askWithStatus(
            replyTo -> new Stream.Expire(address, permission, at, replyTo), settings.askTimeout());
  }

  /**
   * Revokes a permission. What follows a revocation (a key custodian's rotation, when {@code
   * subscribe} was revoked) is done by projections over the stream's events, identified by the
   * revocation's sequence number; the answer does not wait for it.
   */
  public CompletionStage<Stream.Revocation> revoke(
      String id, EthereumAddress requester, Grantee grantee, Permission permission) {
    return stream(id)
        .askWithStatus(
            replyTo -> new Stream.Revoke(requester, grantee, permission, replyTo),
            settings.askTimeout());
  }

  /**
   * Up to {@code max} live streams of {@code owner} (every owner when empty) whose id or
   * description holds {@code text}, case-insensitive, in id order. The {@link StreamDirectory}
   * finds them; only the streams found are asked for their state.
   */
  public CompletionStage<List<Stream.State>> search(
      Optional<EthereumAddress> owner, Optional<String> text, int max) {
    return directory
        .search(owner, text.filter(t -> !t.isBlank()), max)
        .thenCompose(
            ids ->
                Source.from(ids)
                    .mapAsync(
                        SEARCH_PARALLELISM,
                        id ->
                            get(id)
                                .thenApply(Optional::of)
                                // deleted since the directory read it
                                .exceptionally(deletedOrGone -> Optional.empty()))
                    .filter(Optional::isPresent)
                    .map(Optional::get)
                    .runWith(Sink.seq(), system))
        .thenApply(ArrayList::new);
  }

  private EntityRef<Stream.Command> stream(String id) {
    return sharding.entityRefFor(Stream.ENTITY_KEY, id);
  }
}
