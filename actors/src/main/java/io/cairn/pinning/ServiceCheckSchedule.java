package io.cairn.pinning;

import io.cairn.cluster.NodeRole;
import io.cairn.projection.Projections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;

/**
 * Starts and stops the service checks of each replica: a projection over {@link PinnedReplica}'s
 * events that, when a replica is ACTIVE ({@link PinnedReplica.Accepted}), tells its {@link
 * ServiceCheck} to watch it, never to be attested by its job's supporter; and when it is FAULTY or
 * retired, to stop. Each is asked, not told, so the offset moves on only once it is persisted; an
 * event delivered again changes nothing.
 */
public final class ServiceCheckSchedule {
  static final String PROJECTION = "pin-service-check-schedule";

  private ServiceCheckSchedule() {}

  /** On nodes with the core role, where the replicas live. */
  public static void start(ActorSystem<?> system, PinningSettings settings) {
    Projections.atLeastOnce(
        system,
        PROJECTION,
        PinnedReplica.SLICES,
        NodeRole.CORE,
        () -> new Scheduler(system, settings));
  }

  private static final class Scheduler extends Handler<EventEnvelope<PinnedReplica.Event>> {
    private final ClusterSharding sharding;
    private final PinningSettings settings;

    Scheduler(ActorSystem<?> system, PinningSettings settings) {
      this.sharding = ClusterSharding.get(system);
      this.settings = settings;
    }

    @Override
    public CompletionStage<Done> process(EventEnvelope<PinnedReplica.Event> envelope) {
      String entityId = PersistenceId.extractEntityId(envelope.persistenceId());
      PinnedReplica.Event event = envelope.event();
      if (event instanceof PinnedReplica.Accepted) {
        return watch(entityId);
      } else if (event instanceof PinnedReplica.Faulted faulted) {
        return unwatch(entityId, "FAULTY: " + faulted.reason());
      } else if (event instanceof PinnedReplica.Retired retired) {
        return unwatch(entityId, "retired as " + retired.as());
      }
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    private CompletionStage<Done> watch(String entityId) {
      return sharding
          .entityRefFor(PinnedReplica.ENTITY_KEY, entityId)
          .<PinnedReplica.Replica>askWithStatus(PinnedReplica.Get::new, settings.askTimeout())
          .thenCompose(
              replica ->
                  sharding
                      .entityRefFor(PinningJob.ENTITY_KEY, replica.assignment().jobId().toString())
                      .<PinningJob.Job>askWithStatus(PinningJob.Get::new, settings.askTimeout())
                      .thenCompose(
                          job ->
                              sharding
                                  .entityRefFor(ServiceCheck.ENTITY_KEY, entityId)
                                  .<Done>askWithStatus(
                                      replyTo ->
                                          new ServiceCheck.Watch(
                                              replica.assignment(),
                                              List.of(job.supporter()),
                                              replyTo),
                                      settings.askTimeout())));
    }

    private CompletionStage<Done> unwatch(String entityId, String reason) {
      return sharding
          .entityRefFor(ServiceCheck.ENTITY_KEY, entityId)
          .askWithStatus(
              replyTo -> new ServiceCheck.Unwatch(reason, replyTo), settings.askTimeout());
    }
  }
}
