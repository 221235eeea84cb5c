package io.cairn.pinning;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.pinning.v1.SignedPinningStatement;
import io.cairn.protocol.pinning.v1.StorageChallengeAnswer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The replicas of pinning jobs as the agents' API sees them: commitments and challenge answers go
 * to the sharded {@link PinnedReplica}, and an agent's tasks are read from the jobs it has a part
 * in ({@link PinningJobDirectory}) and their replicas.
 */
public final class PinnedReplicas {
  private static final int PARALLELISM = 8;

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final PinningSettings settings;
  private final PinningJobs jobs;
  private final PinningJobDirectory directory;

  /** How this cluster seals replicas: what an agent is told with each seal task. */
  public PinningSettings settings() {
    return settings;
  }

  PinnedReplicas(ActorSystem<?> system, PinningSettings settings, PinningJobs jobs) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.settings = settings;
    this.jobs = jobs;
    this.directory = new PinningJobDirectory(system);
  }

  /** What one agent is asked to do: a replica to seal in a role, or a challenge to answer. */
  public sealed interface Task {}

  public record SealTask(PinnedReplica.Role role, ReplicaAssignment assignment) implements Task {}

  public record ChallengeTask(PinnedReplica.Replica replica) implements Task {}

  /**
   * A replica that is the provider's work in {@code role}, whatever its step: what an agent keeps
   * data for. An agent deletes what it holds for a replica no longer listed so.
   */
  public record Kept(PinnedReplica.Role role, PinnedReplica.Replica replica) implements Task {}

  /** The replica in {@code slot} of the job; {@code REPLICA_NOT_FOUND} when there is none. */
  public CompletionStage<PinnedReplica.Replica> get(Bytes32 jobId, int slot) {
    return replica(jobId, slot).askWithStatus(PinnedReplica.Get::new, settings.askTimeout());
  }

  /** What the job's replicas report, by slot; a replica that does not answer is left out. */
  public CompletionStage<Map<Integer, PinnedReplica.Replica>> reports(PinningJob.Job job) {
    return Source.from(job.replicas())
        .mapAsyncUnordered(
            PARALLELISM,
            replica ->
                get(job.jobId(), replica.slot())
                    .thenApply(Optional::of)
                    .exceptionally(failure -> Optional.empty()))
        .runWith(Sink.seq(), system)
        .thenApply(
            reports -> {
              Map<Integer, PinnedReplica.Replica> bySlot = new HashMap<>();
              reports.forEach(
                  report ->
                      report.ifPresent(
                          replica -> bySlot.put(replica.assignment().slot(), replica)));
              return bySlot;
            });
  }

  public CompletionStage<PinnedReplica.Replica> commit(
      Bytes32 jobId, int slot, SignedPinningStatement signed) {
    return jobs.get(jobId)
        .thenCompose(
            job -> {
              if (job.replicas().stream().noneMatch(replica -> replica.slot() == slot)) {
                return CompletableFuture.failedFuture(
                    new Rejection(
                        ErrorCode.REPLICA_NOT_FOUND, "job " + jobId + " has no replica " + slot));
              }
              return replica(jobId, slot)
                  .<PinnedReplica.Replica>askWithStatus(
                      replyTo -> new PinnedReplica.Commit(signed, replyTo), settings.askTimeout());
            });
  }

  /**
   * Passes an answer to the replica it names (by replica id) among the job's replicas; {@code
   * INVALID_CHALLENGE_ANSWER} when none of them has that id.
   */
  public CompletionStage<PinnedReplica.Verdict> answer(
      Bytes32 jobId,
      Bytes32 challengeId,
      StorageChallengeAnswer answer,
      SignedPinningStatement statement) {
    byte[] replicaId = answer.getReplicaId().toByteArray();
    return jobs.get(jobId)
        .thenCompose(
            job -> {
              Optional<PinningJob.Replica> named =
                  job.replicas().stream()
                      .filter(
                          replica ->
                              Arrays.equals(replica.assignment().replicaId().bytes(), replicaId))
                      .findFirst();
              if (named.isEmpty()) {
                return CompletableFuture.failedFuture(
                    new Rejection(
                        ErrorCode.INVALID_CHALLENGE_ANSWER,
                        "job " + jobId + " has no replica with the answer's replica id"));
              }
              return replica(jobId, named.get().slot())
                  .<PinnedReplica.Verdict>askWithStatus(
                      replyTo -> new PinnedReplica.Answer(challengeId, answer, statement, replyTo),
                      settings.askTimeout());
            });
  }

  /**
   * What {@code provider} has to do now: seal the replicas it hosts or witnesses that still wait
   * for its commitment, and answer the open challenges to the replicas it hosts; and every replica
   * it keeps data for ({@link Kept}).
   */
  public CompletionStage<List<Task>> tasksOf(EthereumAddress provider) {
    return directory
        .jobsWith(provider)
        .thenCompose(
            ids ->
                Source.from(ids)
                    .mapAsyncUnordered(PARALLELISM, jobs::get)
                    .filter(job -> !job.ended())
                    .mapConcat(
                        job ->
                            job.replicas().stream()
                                .filter(
                                    replica ->
                                        replica.state() == PinningJob.ReplicaState.SEALING
                                            || replica.state() == PinningJob.ReplicaState.ACTIVE)
                                .filter(
                                    replica ->
                                        replica.assignment().hoster().equals(provider)
                                            || replica.assignment().encoder().equals(provider))
                                .toList())
                    .mapAsyncUnordered(
                        PARALLELISM, replica -> get(replica.assignment().jobId(), replica.slot()))
                    .runWith(Sink.seq(), system))
        .thenApply(
            replicas -> {
              List<Task> tasks = new ArrayList<>();
              for (PinnedReplica.Replica replica : replicas) {
                tasksFor(provider, replica, tasks);
              }
              return tasks;
            });
  }

  private static void tasksFor(
      EthereumAddress provider, PinnedReplica.Replica replica, List<Task> tasks) {
    ReplicaAssignment assignment = replica.assignment();
    boolean sealing = replica.state() == PinningJob.ReplicaState.SEALING;
    if (assignment.hoster().equals(provider) && (sealing || replica.active())) {
      tasks.add(new Kept(PinnedReplica.Role.HOSTER, replica));
    }
    // the witness keeps its commitment only until the replica is sealed, to send it again
    if (assignment.encoder().equals(provider) && sealing) {
      tasks.add(new Kept(PinnedReplica.Role.ENCODER, replica));
    }
    if (sealing) {
      if (assignment.hoster().equals(provider) && replica.sealing().hoster().isEmpty()) {
        tasks.add(new SealTask(PinnedReplica.Role.HOSTER, assignment));
      }
      if (assignment.encoder().equals(provider) && replica.sealing().encoder().isEmpty()) {
        tasks.add(new SealTask(PinnedReplica.Role.ENCODER, assignment));
      }
    } else if (replica.active()
        && assignment.hoster().equals(provider)
        && replica.rounds().open().isPresent()) {
      tasks.add(new ChallengeTask(replica));
    }
  }

  private EntityRef<PinnedReplica.Command> replica(Bytes32 jobId, int slot) {
    return sharding.entityRefFor(PinnedReplica.ENTITY_KEY, PinnedReplica.entityId(jobId, slot));
  }
}
