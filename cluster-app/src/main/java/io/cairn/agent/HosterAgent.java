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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hoster agent: seals the replicas the cluster assigns it (keeping R, its tree, the plain
 * blocks and their proofs on its own disk, within its declared capacity), commits to their roots,
 * and answers the storage challenges to them. Sealing and answering run on threads of their own, so
 * that a long seal never makes a challenge miss its deadline.
 */
public final class HosterAgent extends PinningAgent {
  private static final Logger log = LoggerFactory.getLogger(HosterAgent.class);

  private final EthereumAddress self;
  private final long capacityBytes;
  private final CheatMode cheat;
  private final TaskWorker answering = new TaskWorker("hoster-answer");
  private final Set<String> answered = ConcurrentHashMap.newKeySet();
  // tasks skipped for want of room, said once each, with the bytes each needs
  private final Map<ReplicaId, Long> skipped = new ConcurrentHashMap<>();
  private volatile ReplicaStore shared;

  HosterAgent(
      AgentConnection connection,
      ReplicaStore store,
      long capacityBytes,
      CleanupMargin cleanup,
      CheatMode cheat) {
    super(AgentRole.HOSTER, connection, store, cleanup);
    this.self = connection.signer().address();
    this.capacityBytes = capacityBytes;
    this.cheat = cheat;
  }

  @Override
  Optional<String> refusal(SealAssignment assignment) {
    if (assignment.role() != AgentRole.HOSTER || !assignment.hoster().equals(self)) {
      return Optional.of(
          "it is for "
              + assignment.hoster()
              + " as "
              + assignment.role()
              + ", not for this hoster");
    }
    return Optional.empty();
  }

  @Override
  boolean worthFetching(SealAssignment assignment) {
    Long needed = skipped.get(assignment.replicaId());
    return needed == null || needed <= freeBytes();
  }

  /**
   * Whether what the sector will take on disk fits in the capacity beside everything under the data
   * directory now: a hoster skips a task it cannot hold rather than fill its disk, and the cluster
   * gives the replica to another hoster when its seal deadline passes.
   */
  @Override
  boolean roomFor(SealAssignment assignment, long rangeBytes) {
    long needed = SectorFootprint.bytes(assignment, rangeBytes);
    long free = freeBytes();
    if (needed <= free) {
      skipped.remove(assignment.replicaId());
      return true;
    }
    if (skipped.put(assignment.replicaId(), needed) == null) {
      log.warn(
          "skipping seal task {}/{} (replica {}): it needs {} bytes on disk, {} of the capacity of"
              + " {} are free",
          assignment.jobId(),
          assignment.slot(),
          assignment.replicaId(),
          needed,
          free,
          capacityBytes);
    }
    return false;
  }

  private long freeBytes() {
    return Math.max(0, capacityBytes - store.bytesOnDisk());
  }

  @Override
  ReplicaStore.StoredReplica keep(
      SealTask task,
      SealAssignment assignment,
      Sealer.SealedReplica sealed,
      SignedPinningStatement commitment,
      SectorFetcher.VerifiedSector sector) {
    boolean keepReplica = !(cheat instanceof CheatMode.ResealOnDemand);
    ReplicaStore.StoredReplica stored =
        store.saveHosted(task, assignment, commitment, keepReplica ? sealed.tree() : null, sector);
    if (cheat instanceof CheatMode.DeleteFraction delete) {
      stored = store.forget(assignment.replicaId(), pick(delete.fraction(), stored));
      log.warn(
          "cheating: forgot {} nodes of replica {}", stored.forgotten().size(), stored.replicaId());
    }
    return stored;
  }

  @Override
  void onOtherTasks(AgentTasks tasks) {
    for (ChallengeTask challenge : tasks.getChallengesList()) {
      onChallenge(challenge);
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
      try (ReplicaFiles files = shared.open(other.get())) {
        return Optional.of(StorageProofs.answer(files.tree(), indices));
      }
    }
    if (stored.hasReplica()) {
      try (ReplicaFiles files = store.open(stored)) {
        return Optional.of(answerFrom(files.tree(), stored, indices));
      }
    }
    if (!stored.hasBlocks()) {
      log.warn("replica {} keeps neither R nor the blocks", stored.replicaId());
      return Optional.empty();
    }
    log.warn("cheating: sealing replica {} again to answer", stored.replicaId());
    return Optional.of(
        answerFrom(
            SectorSealer.seal(stored.assignment(), store.blocks(stored)).tree(), stored, indices));
  }

  private StorageAnswer answerFrom(
      ReplicaTree tree, ReplicaStore.StoredReplica stored, int[] indices) {
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
      return new StorageAnswer(openings);
    }
    StorageAnswer answer = StorageProofs.answer(tree, indices);
    if (stored.forgotten().isEmpty()) {
      return answer;
    }
    List<StorageAnswer.Opening> openings = new ArrayList<>();
    for (StorageAnswer.Opening opening : answer.openings()) {
      boolean gone = stored.forgotten().contains((int) opening.index());
      openings.add(
          gone
              ? new StorageAnswer.Opening(opening.index(), new byte[32], opening.siblings())
              : opening);
    }
    return new StorageAnswer(openings);
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
  void closeWork() {
    answering.close();
  }
}
