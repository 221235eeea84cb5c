package io.cairn.stream;

import io.cairn.keys.KeyCustodian;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.stream.Permission;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentPersistenceIdsQuery;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The cluster's streams as the API sees them: each call goes to the sharded {@link Stream} entity.
 */
public final class Streams {
  /** Streams asked about their state at once while searching. */
  private static final int SEARCH_PARALLELISM = 8;

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final StreamSettings settings;
  private final CurrentPersistenceIdsQuery journal;

  public Streams(ActorSystem<?> system, StreamSettings settings, String readJournalPluginId) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.settings = settings;
    this.journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(CurrentPersistenceIdsQuery.class, readJournalPluginId);
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
    return stream(id)
        .askWithStatus(
            replyTo -> new Stream.Grant(requester, grantee, permission, replyTo),
            settings.askTimeout());
  }

  /**
   * Revokes a permission. When it is {@code subscribe}, the answer comes only once the stream's key
   * custodian, if it has one, rotated the group key, so that a revocation acknowledged is one the
   * revoked address cannot read new content past. If the rotation fails the revocation stands but
   * the caller gets KEY_ROTATION_FAILED; revoking again rotates again.
   */
  public CompletionStage<Stream.State> revoke(
      String id, EthereumAddress requester, Grantee grantee, Permission permission) {
    CompletionStage<Stream.State> revoked =
        stream(id)
            .askWithStatus(
                replyTo -> new Stream.Revoke(requester, grantee, permission, replyTo),
                settings.askTimeout());
    if (permission != Permission.SUBSCRIBE) {
      return revoked;
    }
    return revoked.thenCompose(
        state ->
            sharding
                .entityRefFor(KeyCustodian.ENTITY_KEY, id)
                .<KeyCustodian.Info>askWithStatus(
                    replyTo -> new KeyCustodian.RotateAfterRevoke(grantee, replyTo),
                    settings.askTimeout())
                .handle(
                    (rotated, failure) -> {
                      if (failure != null) {
                        throw new Rejection(
                            ErrorCode.KEY_ROTATION_FAILED,
                            "the subscribe permission of "
                                + grantee
                                + " on "
                                + id
                                + " was revoked, but the stream's group key did not rotate ("
                                + reasonOf(failure)
                                + "); revoke it again to rotate the key");
                      }
                      return state;
                    }));
  }

  private static String reasonOf(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    return cause instanceof Rejection rejection
        ? rejection.toString()
        : "the key custodian did not answer in time";
  }

  /**
   * Up to {@code max} live streams of {@code owner} (every owner when empty) whose id or
   * description holds {@code text}, case-insensitive. It walks the journal's persistence ids, so it
   * costs one pass over all streams: fine for thousands, a read-side index is the next step beyond
   * that.
   */
  public CompletionStage<List<Stream.State>> search(
      Optional<EthereumAddress> owner, Optional<String> text, int max) {
    String prefix =
        Stream.ENTITY_KEY.name() + "|" + owner.map(address -> address.value() + "/").orElse("");
    Optional<String> needle = text.filter(t -> !t.isBlank()).map(t -> t.toLowerCase(Locale.ROOT));
    return journal
        .currentPersistenceIds()
        .filter(persistenceId -> persistenceId.startsWith(prefix))
        .map(persistenceId -> persistenceId.substring(Stream.ENTITY_KEY.name().length() + 1))
        .mapAsync(
            SEARCH_PARALLELISM,
            id -> get(id).thenApply(Optional::of).exceptionally(deletedOrGone -> Optional.empty()))
        .filter(Optional::isPresent)
        .map(Optional::get)
        .filter(
            state ->
                needle
                    .map(
                        n ->
                            state.streamId().toLowerCase(Locale.ROOT).contains(n)
                                || state.description().toLowerCase(Locale.ROOT).contains(n))
                    .orElse(true))
        .take(max)
        .runWith(Sink.seq(), system)
        .thenApply(ArrayList::new);
  }

  private EntityRef<Stream.Command> stream(String id) {
    return sharding.entityRefFor(Stream.ENTITY_KEY, id);
  }
}
