package io.cairn.pinning;

import io.cairn.cluster.NodeRole;
import io.cairn.projection.Projections;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.ledger.Bytes32;
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
 * Replaces every replica an OFFLINE or disqualified provider hosts (PINNING.md 3.6, 3.8): on {@link
 * Provider.WentOffline} or {@link Provider.Disqualified}, a projection over {@link Provider} events
 * reads the provider's jobs from {@link PinningJobDirectory}, and in each job every replica it
 * hosts that is still SEALING or ACTIVE is made FAULTY ({@link PinnedReplica.Fault}), from which
 * its job replaces it as after any fault. Each fault is asked, not told, so the offset moves on
 * only once every one is persisted; an event delivered again faults nothing twice (a FAULTY replica
 * answers as it is). The job decides which replicas are its current ones, so they are read from the
 * job, not the directory.
 *
 * <p>A job placed on the provider just before it went OFFLINE, and not yet in the directory, is
 * missed here; its replica on the provider never seals, and the seal deadline faults it.
 */
public final class OfflineReplacement {
  static final String PROJECTION = "pin-offline-replacement";

  private OfflineReplacement() {}

  /** On nodes with the core role, where the jobs and replicas live. */
  public static void start(ActorSystem<?> system, PinningSettings settings) {
    Projections.atLeastOnce(
        system,
        PROJECTION,
        Provider.SLICES,
        NodeRole.CORE,
        () -> new Replacer(system, settings, new PinningJobDirectory(system)));
  }

  private static final class Replacer extends Handler<EventEnvelope<Provider.Event>> {
    private final ClusterSharding sharding;
    private final PinningSettings settings;
    private final PinningJobDirectory directory;

    Replacer(ActorSystem<?> system, PinningSettings settings, PinningJobDirectory directory) {
      this.sharding = ClusterSharding.get(system);
      this.settings = settings;
      this.directory = directory;
    }

    @Override
    public CompletionStage<Done> process(EventEnvelope<Provider.Event> envelope) {
      String reason;
      if (envelope.event() instanceof Provider.WentOffline offline) {
        reason = "hoster offline since " + offline.at();
      } else if (envelope.event() instanceof Provider.Disqualified disqualified) {
        reason = "hoster disqualified at " + disqualified.at() + ": its storage score fell too low";
      } else {
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      EthereumAddress hoster =
          new EthereumAddress(PersistenceId.extractEntityId(envelope.persistenceId()));
      return directory
          .jobsWith(hoster)
          .thenCompose(
              jobs -> allOf(jobs.stream().map(jobId -> faultIn(jobId, hoster, reason)).toList()));
    }

    /** Faults the job's current replicas on {@code hoster}. */
    private CompletionStage<Done> faultIn(Bytes32 jobId, EthereumAddress hoster, String reason) {
      return sharding
          .entityRefFor(PinningJob.ENTITY_KEY, jobId.toString())
          .<PinningJob.Job>askWithStatus(PinningJob.Get::new, settings.askTimeout())
          .thenCompose(
              job ->
                  allOf(
                      job.replicas().stream()
                          .filter(replica -> replica.hoster().equals(hoster))
                          .filter(
                              replica ->
                                  replica.state() == PinningJob.ReplicaState.SEALING
                                      || replica.state() == PinningJob.ReplicaState.ACTIVE)
                          .map(replica -> fault(replica.assignment(), reason))
                          .toList()));
    }

    private CompletionStage<Done> fault(ReplicaAssignment assignment, String reason) {
      return sharding
          .entityRefFor(PinnedReplica.ENTITY_KEY, assignment.entityId())
          .<PinnedReplica.Replica>askWithStatus(
              replyTo -> new PinnedReplica.Fault(reason, replyTo), settings.askTimeout())
          .thenApply(replica -> Done.getInstance());
    }

    private static CompletionStage<Done> allOf(List<CompletionStage<Done>> steps) {
      return CompletableFuture.allOf(
              steps.stream()
                  .map(CompletionStage::toCompletableFuture)
                  .toArray(CompletableFuture[]::new))
          .thenApply(all -> Done.getInstance());
    }
  }
}
