package io.cairn.persist;

import io.cairn.cluster.NodeRole;
import io.cairn.projection.Projections;
import io.cairn.protocol.stream.Permission;
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
 * The workflow licence → persistor: a projection over the {@link Stream}s' events tells a stream's
 * {@link Persistor} each time an address's {@code subscribe} is granted (a licence bought or
 * extended), revoked or expired, and the persistor, when set to follow only while licensed, reads
 * the stream's licences again. The persistor answers once it has taken the notice in; if it stops
 * before its read ends, it reads them again when it starts, so no notice is lost either way, and a
 * replayed one only causes one more read.
 *
 * <p>A stream without a persistor is told too (the projection cannot know): its persistor answers
 * and stops at once, without being remembered.
 */
public final class PersistorLicences {
  static final String PROJECTION = "persistor-licences";

  private PersistorLicences() {}

  /** On the nodes with the persistor role. */
  public static void start(ActorSystem<?> system, Duration askTimeout) {
    ClusterSharding sharding = ClusterSharding.get(system);
    Projections.<Stream.Event>atLeastOnce(
        system,
        PROJECTION,
        Stream.SLICES,
        NodeRole.PERSISTOR,
        () -> new Notifier(sharding, askTimeout));
  }

  /**
   * Whether {@code event} may change the licences on its stream: a time-limited subscribe granted
   * (what a purchase makes), a subscribe revoked or expired. A subscribe granted for good is no
   * licence and is not told: on a cluster whose journal holds many streams (a new projection reads
   * them all once) each notice starts that stream's persistor entity. If such a grant replaces a
   * licence, the persistor follows on until the licence's old end, and stops then as it would have.
   */
  static boolean changesLicences(Stream.Event event) {
    if (event instanceof Stream.Granted granted) {
      return granted.permission() == Permission.SUBSCRIBE
          && granted.grantee().address().isPresent()
          && granted.until().isPresent();
    }
    if (event instanceof Stream.Revoked revoked) {
      return revoked.permission() == Permission.SUBSCRIBE
          && revoked.grantee().address().isPresent();
    }
    return event instanceof Stream.Expired expired && expired.permission() == Permission.SUBSCRIBE;
  }

  private static final class Notifier extends Handler<EventEnvelope<Stream.Event>> {
    private final ClusterSharding sharding;
    private final Duration askTimeout;

    Notifier(ClusterSharding sharding, Duration askTimeout) {
      this.sharding = sharding;
      this.askTimeout = askTimeout;
    }

    @Override
    public CompletionStage<Done> process(EventEnvelope<Stream.Event> envelope) {
      if (!changesLicences(envelope.event())) {
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      return sharding
          .entityRefFor(
              Persistor.ENTITY_KEY, PersistenceId.extractEntityId(envelope.persistenceId()))
          .askWithStatus(Persistor.LicencesChanged::new, askTimeout);
    }
  }
}
