package io.cairn.agent;

import io.cairn.client.CairnApiException;
import io.cairn.protocol.api.v1.AgentTasks;
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
 * A pinning agent's work on each poll of its tasks, until it is closed. What every role does is
 * here: a seal task checked and sealed once, on the agent's sealing thread, after a look at the
 * range's size; its commitment sent, and sent again after a restart instead of sealing again; and
 * what is no longer the agent's work deleted ({@link ReplicaCleanup}). Each role says what differs:
 * which tasks are its own, whether a sector fits on its disk, what it keeps of a seal, and what
 * else it does on a poll (a hoster answers challenges).
 */
public abstract class PinningAgent implements PolledAgent {
  private static final Logger log = LoggerFactory.getLogger(PinningAgent.class);

  final AgentConnection connection;
  final ReplicaStore store;
  private final AgentRole role;
  private final TaskWorker sealing;
  private final ReplicaCleanup cleanup;
  // what this run already told the node, so a task it still lists is not sent again each poll
  private final Set<ReplicaId> committed = ConcurrentHashMap.newKeySet();
  // tasks refused, by job, slot and replica id: said once, not on every poll
  private final Set<String> refused = ConcurrentHashMap.newKeySet();

  PinningAgent(
      AgentRole role, AgentConnection connection, ReplicaStore store, CleanupMargin cleanupMargin) {
    this.role = role;
    this.connection = connection;
    this.store = store;
    this.sealing = new TaskWorker(role.registered() + "-seal");
    this.cleanup = new ReplicaCleanup(store, role, cleanupMargin);
  }

  public final AgentRole role() {
    return role;
  }

  @Override
  public final void pollOnce() {
    AgentTasks tasks = connection.call(client -> client.agentTasks());
    for (SealTask task : tasks.getSealsList()) {
      onSealTask(task);
    }
    onOtherTasks(tasks);
    cleanup.afterTaskList(tasks, id -> sealing.busyWith(id.toString())).forEach(committed::remove);
  }

  /** Why this agent does not seal a well-formed assignment (another role's, another key's). */
  abstract Optional<String> refusal(SealAssignment assignment);

  /**
   * Whether a sector is worth fetching: not when it was fetched before and did not fit in the room
   * there still is.
   */
  boolean worthFetching(SealAssignment assignment) {
    return true;
  }

  /**
   * Whether a fetched sector of {@code rangeBytes} fits where the agent keeps it; said in the log
   * when not. Asked before anything is written: the sector is in memory to be sealed anyway, and
   * its exact size is known only once its blocks are (the writer signs only the lengths it appended
   * to, so a sector's own byte length has no signed tree of its own).
   */
  boolean roomFor(SealAssignment assignment, long rangeBytes) {
    return true;
  }

  /** Stores what the role keeps of a replica it sealed. */
  abstract ReplicaStore.StoredReplica keep(
      SealTask task,
      SealAssignment assignment,
      Sealer.SealedReplica sealed,
      SignedPinningStatement commitment,
      SectorFetcher.VerifiedSector sector);

  /** The rest of a poll's tasks, beside the seals. */
  void onOtherTasks(AgentTasks tasks) {}

  private void onSealTask(SealTask task) {
    String taskKey = task.getJobId() + "/" + task.getSlot() + "/" + task.getReplicaId();
    SealAssignment assignment;
    try {
      assignment = SealAssignment.of(task);
    } catch (IllegalArgumentException malformed) {
      if (refused.add(taskKey)) {
        log.warn(
            "refusing seal task {}/{}: {}",
            task.getJobId(),
            task.getSlot(),
            malformed.getMessage());
      }
      return;
    }
    Optional<String> refusal = refusal(assignment);
    if (refusal.isPresent()) {
      if (refused.add(taskKey)) {
        log.warn("refusing seal task {}/{}: {}", task.getJobId(), task.getSlot(), refusal.get());
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
    sealing.offer(work, () -> seal(task, assignment));
  }

  private void seal(SealTask task, SealAssignment assignment) {
    long started = System.nanoTime();
    if (!worthFetching(assignment)) {
      return;
    }
    log.info(
        "{} replica {} of job {} slot {} for hoster {}: core {} blocks [{}, {})",
        role == AgentRole.HOSTER ? "sealing" : "witnessing",
        assignment.replicaId(),
        assignment.jobId(),
        assignment.slot(),
        assignment.hoster(),
        assignment.coreKeyHex(),
        assignment.rangeStart(),
        assignment.rangeEnd());
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
    if (!roomFor(assignment, sector.byteLength())) {
      return;
    }
    Sealer.SealedReplica sealed = SectorSealer.seal(assignment, sector.blocks());
    SignedPinningStatement commitment = SectorSealer.commit(connection.signer(), sealed);
    ReplicaStore.StoredReplica stored = keep(task, assignment, sealed, commitment, sector);
    log.info(
        "sealed replica {} as {} in {} ms: {} nodes, root {}",
        assignment.replicaId(),
        role.registered(),
        (System.nanoTime() - started) / 1_000_000,
        stored.nodeCount(),
        ReplicaStore.hex(stored.commR()));
    submit(stored);
  }

  private void submit(ReplicaStore.StoredReplica stored) {
    SealAssignment a = stored.assignment();
    try {
      var replica =
          connection.call(
              client -> client.submitCommitment(a.jobId(), a.slot(), stored.commitment()));
      committed.add(a.replicaId());
      log.info(
          "committed to replica {} as {}: now {}",
          a.replicaId(),
          role.registered(),
          replica.getState());
    } catch (CairnApiException refusal) {
      // the job may have moved on (a 4xx): the node keeps listing what it still wants
      if (refusal.status() >= 500) {
        throw refusal;
      }
      committed.add(a.replicaId());
      log.warn(
          "the node refused the {}'s commitment to replica {}: {}",
          role.registered(),
          a.replicaId(),
          refusal.getMessage());
    }
  }

  /** Stops the role's own work; the sealing thread is stopped after it. */
  void closeWork() {}

  @Override
  public final void close() {
    closeWork();
    sealing.close();
  }
}
