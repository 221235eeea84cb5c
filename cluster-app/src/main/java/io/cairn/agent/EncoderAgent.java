package io.cairn.agent;

import io.cairn.client.CairnApiException;
import io.cairn.protocol.api.v1.AgentTasks;
import io.cairn.protocol.api.v1.PinReplicaView;
import io.cairn.protocol.api.v1.SealTask;
import io.cairn.protocol.pinning.ReplicaId;
import io.cairn.protocol.pinning.Sealer;
import io.cairn.protocol.pinning.v1.SignedPinningStatement;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The encoder agent, the witness of a replica: it reads and verifies the same blocks as the hoster,
 * seals them under the hoster's replica id on its own, and commits to the root; the cluster accepts
 * a replica only when both roots agree. It keeps only the task and its signed commitment, so that a
 * restart sends the commitment again instead of sealing again.
 */
public final class EncoderAgent implements PinningAgent {
  private static final Logger log = LoggerFactory.getLogger(EncoderAgent.class);

  private final AgentConnection connection;
  private final ReplicaStore store;
  private final TaskWorker sealing = new TaskWorker("encoder-seal");
  private final Set<ReplicaId> committed = ConcurrentHashMap.newKeySet();
  // tasks refused, by job, slot and replica id: said once, not on every poll
  private final Set<String> refused = ConcurrentHashMap.newKeySet();

  EncoderAgent(AgentConnection connection, ReplicaStore store) {
    this.connection = connection;
    this.store = store;
  }

  @Override
  public AgentRole role() {
    return AgentRole.ENCODER;
  }

  @Override
  public void pollOnce() {
    AgentTasks tasks = connection.call(client -> client.agentTasks());
    for (SealTask task : tasks.getSealsList()) {
      onSealTask(task);
    }
  }

  private void onSealTask(SealTask task) {
    String taskKey = task.getJobId() + "/" + task.getSlot() + "/" + task.getReplicaId();
    SealAssignment assignment;
    try {
      assignment = SealAssignment.of(task);
    } catch (IllegalArgumentException malformed) {
      if (!refused.add(taskKey)) {
        return;
      }
      log.warn(
          "refusing seal task {}/{}: {}", task.getJobId(), task.getSlot(), malformed.getMessage());
      return;
    }
    if (assignment.role() != AgentRole.ENCODER) {
      if (refused.add(taskKey)) {
        log.warn(
            "refusing seal task {}/{}: it asks for a {}, this agent is an encoder",
            task.getJobId(),
            task.getSlot(),
            assignment.role());
      }
      return;
    }
    String work = assignment.replicaId().toString();
    if (sealing.busyWith(work)) {
      return;
    }
    Optional<ReplicaStore.StoredReplica> done = store.replica(assignment.replicaId());
    if (done.isPresent()) {
      if (!committed.contains(assignment.replicaId())) {
        submit(done.get());
      }
      return;
    }
    sealing.offer(work, () -> witness(task, assignment));
  }

  private void witness(SealTask task, SealAssignment assignment) {
    long started = System.nanoTime();
    log.info(
        "witnessing replica {} of job {} slot {} for hoster {}",
        assignment.replicaId(),
        assignment.jobId(),
        assignment.slot(),
        assignment.hoster());
    SectorFetcher.VerifiedSector sector =
        connection.call(
            client ->
                new SectorFetcher(client)
                    .fetch(
                        assignment.coreKey(),
                        assignment.rangeStart(),
                        assignment.rangeEnd(),
                        assignment.treeLength(),
                        assignment.treeHash()));
    Sealer.SealedReplica sealed = SectorSealer.seal(assignment, sector.blocks());
    SignedPinningStatement commitment = SectorSealer.commit(connection.signer(), sealed);
    ReplicaStore.StoredReplica stored = store.saveWitnessed(task, assignment, commitment);
    log.info(
        "sealed replica {} as witness in {} ms: root {}",
        assignment.replicaId(),
        (System.nanoTime() - started) / 1_000_000,
        ReplicaStore.hex(stored.commR()));
    submit(stored);
  }

  private void submit(ReplicaStore.StoredReplica stored) {
    SealAssignment a = stored.assignment();
    try {
      PinReplicaView replica =
          connection.call(
              client -> client.submitCommitment(a.jobId(), a.slot(), stored.commitment()));
      committed.add(a.replicaId());
      log.info("witnessed replica {}: now {}", a.replicaId(), replica.getState());
    } catch (CairnApiException refusal) {
      if (refusal.status() >= 500) {
        throw refusal;
      }
      committed.add(a.replicaId());
      log.warn(
          "the node refused the witness commitment to replica {}: {}",
          a.replicaId(),
          refusal.getMessage());
    }
  }

  @Override
  public void close() {
    sealing.close();
  }
}
