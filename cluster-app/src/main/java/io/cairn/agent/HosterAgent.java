package io.cairn.agent;

import io.cairn.client.CairnApiException;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.AgentTasks;
import io.cairn.protocol.api.v1.ChallengeAnswerSubmission;
import io.cairn.protocol.api.v1.ChallengeTask;
import io.cairn.protocol.api.v1.ChallengeVerdictView;
import io.cairn.protocol.api.v1.SealTask;
import io.cairn.protocol.pinning.PinningStatements;
import io.cairn.protocol.pinning.ReplicaId;
import io.cairn.protocol.pinning.ReplicaTree;
import io.cairn.protocol.pinning.Sealer;
import io.cairn.protocol.pinning.StorageAnswer;
import io.cairn.protocol.pinning.StorageAnswerCodec;
import io.cairn.protocol.pinning.StorageProofs;
import io.cairn.protocol.pinning.v1.SignedPinningStatement;
import io.cairn.protocol.pinning.v1.StorageChallengeAnswer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hoster agent: seals the replicas the cluster assigns it (keeping R, the plain blocks and
 * their proofs on its own disk), commits to their roots, and answers the storage challenges to
 * them. Sealing and answering run on threads of their own, so that a long seal never makes a
 * challenge miss its deadline.
 */
public final class HosterAgent implements PinningAgent {
  private static final Logger log = LoggerFactory.getLogger(HosterAgent.class);

  private final AgentConnection connection;
  private final EthereumAddress self;
  private final ReplicaStore store;
  private final CheatMode cheat;
  private final TaskWorker sealing = new TaskWorker("hoster-seal");
  private final TaskWorker answering = new TaskWorker("hoster-answer");
  // what this run already told the node, so a task it still lists is not sent again each poll
  private final Set<ReplicaId> committed = ConcurrentHashMap.newKeySet();
  private final Set<String> answered = ConcurrentHashMap.newKeySet();
  // tasks refused, by job, slot and replica id: said once, not on every poll
  private final Set<String> refused = ConcurrentHashMap.newKeySet();
  private volatile ReplicaStore shared;

  HosterAgent(AgentConnection connection, ReplicaStore store, CheatMode cheat) {
    this.connection = connection;
    this.self = connection.signer().address();
    this.store = store;
    this.cheat = cheat;
  }

  @Override
  public AgentRole role() {
    return AgentRole.HOSTER;
  }

  @Override
  public void pollOnce() {
    AgentTasks tasks = connection.call(client -> client.agentTasks());
    for (SealTask task : tasks.getSealsList()) {
      onSealTask(task);
    }
    for (ChallengeTask challenge : tasks.getChallengesList()) {
      onChallenge(challenge);
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
    if (assignment.role() != AgentRole.HOSTER || !assignment.hoster().equals(self)) {
      if (refused.add(taskKey)) {
        log.warn(
            "refusing seal task {}/{}: it is for {} as {}, not for this hoster",
            task.getJobId(),
            task.getSlot(),
            assignment.hoster(),
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
    sealing.offer(work, () -> seal(task, assignment));
  }

  private void seal(SealTask task, SealAssignment assignment) {
    long started = System.nanoTime();
    log.info(
        "sealing replica {} of job {} slot {}: core {} blocks [{}, {})",
        assignment.replicaId(),
        assignment.jobId(),
        assignment.slot(),
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
    Sealer.SealedReplica sealed = SectorSealer.seal(assignment, sector.blocks());
    SignedPinningStatement commitment = SectorSealer.commit(connection.signer(), sealed);
    boolean keepReplica = !(cheat instanceof CheatMode.ResealOnDemand);
    ReplicaStore.StoredReplica stored =
        store.saveHosted(task, assignment, commitment, keepReplica ? sealed.tree() : null, sector);
    if (cheat instanceof CheatMode.DeleteFraction delete) {
      stored = store.forget(assignment.replicaId(), pick(delete.fraction(), stored));
      log.warn(
          "cheating: forgot {} nodes of replica {}", stored.forgotten().size(), stored.replicaId());
    }
    log.info(
        "sealed replica {} in {} ms: {} nodes, root {}",
        assignment.replicaId(),
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
      log.info("committed replica {}: now {}", a.replicaId(), replica.getState());
    } catch (CairnApiException refusal) {
      // the job may have moved on (a 4xx): the node keeps listing what it still wants
      if (refusal.status() >= 500) {
        throw refusal;
      }
      committed.add(a.replicaId());
      log.warn(
          "the node refused the commitment to replica {}: {}", a.replicaId(), refusal.getMessage());
    }
  }

  private void onChallenge(ChallengeTask challenge) {
    String id = challenge.getChallengeId();
    if (answered.contains(id)) {
      return;
    }
    if (cheat instanceof CheatMode.Silent) {
      if (answered.add(id)) {
        log.warn("cheating: leaving challenge {} unanswered", id);
      }
      return;
    }
    answering.offer(id, () -> answer(challenge));
  }

  private void answer(ChallengeTask challenge) {
    ReplicaId replicaId =
        ReplicaId.fromBytes(SealAssignment.hex32("replica_id", challenge.getReplicaId()));
    Optional<ReplicaStore.StoredReplica> held = store.replica(replicaId);
    if (held.isEmpty()) {
      log.warn(
          "challenge {} is to replica {}, which this hoster does not hold",
          challenge.getChallengeId(),
          replicaId);
      return;
    }
    ReplicaStore.StoredReplica stored = held.get();
    int[] indices = new int[challenge.getIndicesCount()];
    for (int i = 0; i < indices.length; i++) {
      long index = challenge.getIndices(i);
      if (index < 0 || index >= stored.nodeCount()) {
        log.warn(
            "challenge {} asks for node {} of {}",
            challenge.getChallengeId(),
            index,
            stored.nodeCount());
        return;
      }
      indices[i] = (int) index;
    }
    Optional<StorageAnswer> opened = open(stored, indices);
    if (opened.isEmpty()) {
      return;
    }
    StorageChallengeAnswer answer =
        StorageAnswerCodec.toProto(replicaId, challenge.getRoundNo(), opened.get());
    SignedPinningStatement statement =
        PinningStatements.signAnswer(
            connection.signer(),
            SealAssignment.hex32("challenge_id", challenge.getChallengeId()),
            SealAssignment.hex32("root", challenge.getRoot()),
            answer);
    ChallengeAnswerSubmission submission =
        ChallengeAnswerSubmission.newBuilder().setAnswer(answer).setStatement(statement).build();
    try {
      ChallengeVerdictView verdict =
          connection.call(
              client ->
                  client.answerChallenge(
                      challenge.getJobId(), challenge.getChallengeId(), submission));
      answered.add(challenge.getChallengeId());
      log.info(
          "challenge {} round {} of replica {}: {} {}",
          challenge.getChallengeId(),
          challenge.getRoundNo(),
          replicaId,
          verdict.getVerdict(),
          verdict.getReason());
    } catch (CairnApiException refusal) {
      if (refusal.status() >= 500) {
        throw refusal;
      }
      answered.add(challenge.getChallengeId());
      log.warn(
          "the node refused the answer to challenge {}: {}",
          challenge.getChallengeId(),
          refusal.getMessage());
    }
  }

  /** The openings this hoster sends for {@code indices}: honest ones, or its cheat's. */
  private Optional<StorageAnswer> open(ReplicaStore.StoredReplica stored, int[] indices) {
    if (cheat instanceof CheatMode.ShareReplica share) {
      Optional<ReplicaStore.StoredReplica> other = sharedReplica(share, stored);
      if (other.isEmpty()) {
        log.warn("cheating: no replica in {} to answer from", share.otherData());
        return Optional.empty();
      }
      return Optional.of(StorageProofs.answer(other.get().tree(), indices));
    }
    ReplicaTree tree = stored.tree();
    if (tree == null) {
      if (!stored.hasBlocks()) {
        log.warn("replica {} keeps neither R nor the blocks", stored.replicaId());
        return Optional.empty();
      }
      log.warn("cheating: sealing replica {} again to answer", stored.replicaId());
      tree = SectorSealer.seal(stored.assignment(), store.blocks(stored)).tree();
    }
    if (cheat instanceof CheatMode.StalePath) {
      int[] others = new int[indices.length];
      for (int i = 0; i < indices.length; i++) {
        others[i] = (int) ((indices[i] + 1L) % stored.nodeCount());
      }
      List<StorageAnswer.Opening> openings = new ArrayList<>();
      List<StorageAnswer.Opening> stale = StorageProofs.answer(tree, others).openings();
      for (int i = 0; i < indices.length; i++) {
        openings.add(
            new StorageAnswer.Opening(indices[i], stale.get(i).leaf(), stale.get(i).siblings()));
      }
      return Optional.of(new StorageAnswer(openings));
    }
    StorageAnswer answer = StorageProofs.answer(tree, indices);
    if (stored.forgotten().isEmpty()) {
      return Optional.of(answer);
    }
    List<StorageAnswer.Opening> openings = new ArrayList<>();
    for (StorageAnswer.Opening opening : answer.openings()) {
      boolean gone = stored.forgotten().contains((int) opening.index());
      openings.add(
          gone
              ? new StorageAnswer.Opening(opening.index(), new byte[32], opening.siblings())
              : opening);
    }
    return Optional.of(new StorageAnswer(openings));
  }

  /** A replica of the other identity's: of the same job if it has one, else of the same core. */
  private Optional<ReplicaStore.StoredReplica> sharedReplica(
      CheatMode.ShareReplica share, ReplicaStore.StoredReplica own) {
    for (int attempt = 0; attempt < 2; attempt++) {
      if (shared == null || attempt == 1) {
        shared = ReplicaStore.openReadOnly(share.otherData());
      }
      Optional<ReplicaStore.StoredReplica> sameJob =
          shared.replicas().stream()
              .filter(ReplicaStore.StoredReplica::hasReplica)
              .filter(r -> r.assignment().jobId().equals(own.assignment().jobId()))
              .findFirst();
      Optional<ReplicaStore.StoredReplica> sameCore =
          shared.replicas().stream()
              .filter(ReplicaStore.StoredReplica::hasReplica)
              .filter(r -> r.assignment().coreKeyHex().equals(own.assignment().coreKeyHex()))
              .filter(r -> r.nodeCount() == own.nodeCount())
              .findFirst();
      Optional<ReplicaStore.StoredReplica> found = sameJob.or(() -> sameCore);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /** {@code fraction} of the replica's nodes, at least one, drawn reproducibly from its id. */
  private static Set<Integer> pick(double fraction, ReplicaStore.StoredReplica stored) {
    int count = (int) Math.max(1, Math.round(fraction * stored.nodeCount()));
    SplittableRandom random = new SplittableRandom(stored.replicaId().hashCode());
    Set<Integer> nodes = new HashSet<>();
    if (count >= stored.nodeCount()) {
      for (int i = 0; i < stored.nodeCount(); i++) {
        nodes.add(i);
      }
      return nodes;
    }
    while (nodes.size() < count) {
      nodes.add(random.nextInt((int) stored.nodeCount()));
    }
    return nodes;
  }

  @Override
  public void close() {
    sealing.close();
    answering.close();
  }
}
