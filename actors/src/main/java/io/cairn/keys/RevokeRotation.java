package io.cairn.keys;

import io.cairn.cluster.NodeRole;
import io.cairn.projection.Projections;
import io.cairn.protocol.stream.Permission;
import io.cairn.stream.Grantee;
import io.cairn.stream.Stream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;

/**
 * The workflow revoke → rotate: for every stream event that revokes {@code subscribe} (a
 * revocation, or the end of a grant that had one, as a licence's), the stream's key custodian makes
 * a new current key, so that the revoked address cannot read what is encrypted after it. A
 * projection over {@link Stream} events on the nodes with the stream role tells the custodian
 * {@link KeyCustodian.RotateAfterRevoke}, identified by the revocation's sequence number; a
 * custodian that cannot be reached fails the projection, which restarts with backoff and tells it
 * again until it answers. The custodian rotates once per revocation however often it is told.
 */
public final class RevokeRotation {
  static final String PROJECTION = "revoke-rotation";

  private RevokeRotation() {}

  /** On nodes with the stream role. */
  public static void start(ActorSystem<?> system, KeySettings settings) {
    ClusterSharding sharding = ClusterSharding.get(system);
    Projections.<Stream.Event>atLeastOnce(
        system,
        PROJECTION,
        Stream.SLICES,
        NodeRole.STREAM,
        () -> new Rotator(sharding, settings.askTimeout()));
  }

  private static final class Rotator extends Handler<EventEnvelope<Stream.Event>> {
    private final ClusterSharding sharding;
    private final Duration askTimeout;

    Rotator(ClusterSharding sharding, Duration askTimeout) {
      this.sharding = sharding;
      this.askTimeout = askTimeout;
    }

    @Override
    public CompletionStage<Done> process(EventEnvelope<Stream.Event> envelope) {
      Grantee revoked;
      if (envelope.event() instanceof Stream.Revoked revocation
          && revocation.permission() == Permission.SUBSCRIBE) {
        revoked = revocation.grantee();
      } else if (envelope.event() instanceof Stream.Expired expiry
          && expiry.permission() == Permission.SUBSCRIBE) {
        revoked = Grantee.of(expiry.address());
      } else {
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      return sharding
          .entityRefFor(
              KeyCustodian.ENTITY_KEY, PersistenceId.extractEntityId(envelope.persistenceId()))
          .<KeyCustodian.Info>askWithStatus(
              replyTo ->
                  new KeyCustodian.RotateAfterRevoke(revoked, envelope.sequenceNr(), replyTo),
              askTimeout)
          .thenApply(rotated -> Done.getInstance());
    }
  }
}
