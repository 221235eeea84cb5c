package io.cairn.pinning;

import io.cairn.pinning.PinnedReplica.Accepted;
import io.cairn.pinning.PinnedReplica.Answer;
import io.cairn.pinning.PinnedReplica.ChallengeAnswered;
import io.cairn.pinning.PinnedReplica.ChallengeIssued;
import io.cairn.pinning.PinnedReplica.ChallengeMissed;
import io.cairn.pinning.PinnedReplica.Commitment;
import io.cairn.pinning.PinnedReplica.Committed;
import io.cairn.pinning.PinnedReplica.Event;
import io.cairn.pinning.PinnedReplica.Faulted;
import io.cairn.pinning.PinnedReplica.Replica;
import io.cairn.pinning.PinnedReplica.Retired;
import io.cairn.pinning.PinnedReplica.Role;
import io.cairn.pinning.PinnedReplica.Sealing;
import io.cairn.pinning.PinnedReplica.Started;
import io.cairn.pinning.PinnedReplica.State;
import io.cairn.pinning.PinnedReplica.Verdict;
import io.cairn.pinning.ReplicaRounds.Challenge;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.event.AddressRecovery;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.pinning.PinningStatements;
import io.cairn.protocol.pinning.ReplicaId;
import io.cairn.protocol.pinning.StorageAnswerCodec;
import io.cairn.protocol.pinning.StorageProofs;
import io.cairn.protocol.pinning.StorageVerdict;
import io.cairn.protocol.pinning.v1.SignedPinningStatement;
import io.cairn.protocol.pinning.v1.StorageChallengeAnswer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@link PinnedReplica}'s rules, apart from its wiring: which commitments and answers it takes and
 * what they make of it, what the next challenge asks, what a missed deadline costs, and how each
 * event changes the replica. Pure functions of the replica, the command and the time, so the entity
 * decides nothing the journal does not show; a refusal is thrown as a {@link Rejection} and changes
 * nothing.
 */
final class ReplicaRules {
  private ReplicaRules() {}

  /** The events of one answer, and the verdict the agent is told. */
  record Judged(List<Event> events, Verdict verdict) {}

  /**
   * A hoster's or witness's commitment: nothing when it committed before (an agent that restarted
   * sends it again), else its commitment and, once both have committed, the replica's fate: ACTIVE
   * when they agree, FAULTY when they differ.
   */
  static List<Event> commit(
      Replica replica, SignedPinningStatement statement, AddressRecovery recovery, Instant now) {
    ReplicaAssignment assignment = replica.assignment();
    PinningStatements.SignedCommitment signed;
    try {
      signed = PinningStatements.openCommitment(statement, recovery);
    } catch (Rejection invalid) {
      throw new Rejection(ErrorCode.INVALID_COMMITMENT, invalid.getMessage());
    }
    Role role;
    if (signed.signer().equals(assignment.hoster())) {
      role = Role.HOSTER;
    } else if (signed.signer().equals(assignment.encoder())) {
      role = Role.ENCODER;
    } else {
      throw new Rejection(
          ErrorCode.INVALID_COMMITMENT,
          "signed by " + signed.signer() + ", neither the hoster nor the encoder of this replica");
    }
    Bytes32 replicaId = Bytes32.of(assignment.replicaId().bytes());
    if (!Bytes32.of(signed.commitment().replicaId()).equals(replicaId)) {
      throw new Rejection(
          ErrorCode.INVALID_COMMITMENT,
          "the commitment is for replica "
              + Bytes32.of(signed.commitment().replicaId())
              + ", not "
              + replicaId);
    }
    if (replica.sealing().of(role).isPresent()
        || replica.state() != PinningJob.ReplicaState.SEALING) {
      return List.of();
    }
    Commitment commitment =
        new Commitment(Bytes32.of(signed.commitment().commR()), signed.commitment().nodeCount());
    Event committed = new Committed(role, commitment, now);
    Optional<Commitment> other =
        replica.sealing().of(role == Role.HOSTER ? Role.ENCODER : Role.HOSTER);
    if (other.isEmpty()) {
      return List.of(committed);
    }
    Commitment hosters = role == Role.HOSTER ? commitment : other.get();
    Commitment witness = role == Role.HOSTER ? other.get() : commitment;
    Event settled =
        hosters.equals(witness)
            ? new Accepted(commitment, now, now)
            : new Faulted(
                "the hoster's and the encoder's commitments differ: " + hosters + " and " + witness,
                now);
    return List.of(committed, settled);
  }

  /**
   * Judges an answer to the open challenge, checked in this order: open and in time by the
   * cluster's {@code clock}, for this replica and round, signed by the hoster over this challenge,
   * root and answer; then verified. {@code nextDelay} says when the next round comes after a pass.
   */
  static Judged answer(
      Replica replica,
      Answer command,
      AddressRecovery recovery,
      Instant clock,
      Instant now,
      Function<Challenge, Duration> nextDelay) {
    Optional<Challenge> open = replica.rounds().open();
    if (open.isEmpty() || !open.get().id().equals(command.challengeId())) {
      throw new Rejection(
          ErrorCode.CHALLENGE_CLOSED,
          "challenge " + command.challengeId() + " is not open on this replica");
    }
    Challenge challenge = open.get();
    if (clock.isAfter(challenge.deadline())) {
      throw new Rejection(
          ErrorCode.CHALLENGE_CLOSED,
          "challenge " + challenge.id() + " closed at " + challenge.deadline());
    }
    StorageChallengeAnswer answer = command.answer();
    if (!Arrays.equals(
            answer.getReplicaId().toByteArray(), replica.assignment().replicaId().bytes())
        || answer.getRoundNo() != challenge.roundNo()) {
      throw new Rejection(
          ErrorCode.INVALID_CHALLENGE_ANSWER,
          "the answer is for round "
              + answer.getRoundNo()
              + " of replica "
              + Bytes32.of(answer.getReplicaId().toByteArray())
              + ", not round "
              + challenge.roundNo()
              + " of this one");
    }
    EthereumAddress signer;
    try {
      signer =
          PinningStatements.answerSigner(
              command.statement(),
              challenge.id().toByteArray(),
              replica.sealing().accepted().get().root().toByteArray(),
              answer,
              recovery);
    } catch (Rejection invalid) {
      throw new Rejection(ErrorCode.INVALID_CHALLENGE_ANSWER, invalid.getMessage());
    }
    if (!signer.equals(replica.assignment().hoster())) {
      throw new Rejection(
          ErrorCode.INVALID_CHALLENGE_ANSWER,
          "signed by " + signer + ", not by the hoster " + replica.assignment().hoster());
    }
    StorageVerdict verdict = verdictOf(replica, challenge, answer);
    Bytes32 id = challenge.id();
    if (verdict.valid()) {
      return new Judged(
          List.of(
              new ChallengeAnswered(
                  id, answer.toByteArray(), true, "", now, now.plus(nextDelay.apply(challenge)))),
          new Verdict(id, ReplicaRounds.Outcome.PASSED, "passed"));
    }
    StorageVerdict.Invalid invalid = (StorageVerdict.Invalid) verdict;
    String reason = invalid.reason() + " at index " + invalid.index() + ": " + invalid.detail();
    return new Judged(
        List.of(
            new ChallengeAnswered(id, answer.toByteArray(), false, reason, now, now),
            new Faulted("challenge " + id + " failed: " + reason, now)),
        new Verdict(id, ReplicaRounds.Outcome.FAILED, reason));
  }

  /** What the cluster makes of an answer; a replay of the journal calls it on kept answers. */
  static StorageVerdict verdictOf(
      Replica replica, Challenge challenge, StorageChallengeAnswer answer) {
    Commitment accepted = replica.sealing().accepted().orElseThrow();
    try {
      return StorageProofs.verify(
          accepted.root().toByteArray(),
          Math.toIntExact(accepted.nodeCount()),
          challenge.indexArray(),
          StorageAnswerCodec.fromProto(answer));
    } catch (IllegalArgumentException malformed) {
      return new StorageVerdict.Invalid(
          0, -1, StorageVerdict.Reason.WRONG_LEAF_LENGTH, malformed.getMessage());
    }
  }

  /**
   * After a miss, the same indices under a new id (a hoster cannot dodge a hard index by timing
   * out); otherwise the next round, with its indices drawn from the current epoch's secret.
   */
  static Challenge nextChallenge(
      Replica replica, PinningSettings settings, EpochSecrets epochs, Instant now) {
    Instant deadline = now.plus(settings.challenges().deadline());
    ReplicaId replicaId = replica.assignment().replicaId();
    ReplicaRounds rounds = replica.rounds();
    if (rounds.misses() > 0) {
      Challenge missed = rounds.lastIssued().get();
      int attempt = missed.attempt() + 1;
      return new Challenge(
          ChallengeRounds.challengeId(replicaId, missed.roundNo(), attempt),
          missed.roundNo(),
          attempt,
          missed.epoch(),
          missed.indices(),
          now,
          deadline);
    }
    long roundNo = rounds.nextRoundNo();
    long epoch = ChallengeRounds.epochOf(now, settings.epochLength());
    int count =
        rounds.suspicious()
            ? settings.challenges().suspiciousIndices()
            : settings.challenges().indices();
    int[] indices =
        ChallengeRounds.indices(
            epochs.secret(epoch),
            replicaId,
            roundNo,
            count,
            replica.sealing().accepted().get().nodeCount());
    return new Challenge(
        ChallengeRounds.challengeId(replicaId, roundNo, 0),
        roundNo,
        0,
        epoch,
        Arrays.stream(indices).boxed().toList(),
        now,
        deadline);
  }

  /** The open challenge's deadline passed: asked again after the next retry delay, or FAULTY. */
  static List<Event> missed(Replica replica, PinningSettings.Challenges settings, Instant now) {
    Challenge challenge = replica.rounds().open().orElseThrow();
    int misses = replica.rounds().misses() + 1;
    if (misses > settings.retryDelays().size()) {
      return List.of(
          new ChallengeMissed(challenge.id(), now, now),
          new Faulted(misses + " missed deadlines in a row, the last " + challenge.id(), now));
    }
    return List.of(
        new ChallengeMissed(challenge.id(), now, now.plus(settings.retryDelays().get(misses - 1))));
  }

  /** The replica after {@code event}. */
  static Replica apply(State state, Event event) {
    if (event instanceof Started started) {
      return new Replica(
          started.assignment(),
          started.at(),
          PinningJob.ReplicaState.SEALING,
          Sealing.none(),
          ReplicaRounds.none(),
          "");
    }
    Replica replica = state.replica().orElseThrow();
    ReplicaRounds rounds = replica.rounds();
    if (event instanceof Committed committed) {
      return new Replica(
          replica.assignment(),
          replica.startedAt(),
          replica.state(),
          replica.sealing().with(committed.role(), committed.commitment()),
          rounds,
          replica.fault());
    } else if (event instanceof Accepted accepted) {
      return new Replica(
          replica.assignment(),
          replica.startedAt(),
          PinningJob.ReplicaState.ACTIVE,
          new Sealing(
              replica.sealing().hoster(),
              replica.sealing().encoder(),
              Optional.of(accepted.commitment())),
          rounds.activated(accepted.firstRound()),
          "");
    } else if (event instanceof ChallengeIssued issued) {
      return replica.with(replica.state(), rounds.issued(issued.challenge()), replica.fault());
    } else if (event instanceof ChallengeAnswered answered) {
      return replica.with(
          replica.state(),
          answered.passed()
              ? rounds.passed(answered.at(), answered.next())
              : rounds.failed(answered.at()),
          replica.fault());
    } else if (event instanceof ChallengeMissed missed) {
      return replica.with(
          replica.state(), rounds.missed(missed.at(), missed.retryAt()), replica.fault());
    } else if (event instanceof Faulted faulted) {
      return replica.with(PinningJob.ReplicaState.FAULTY, rounds.stopped(), faulted.reason());
    } else if (event instanceof Retired retired) {
      return replica.with(retired.as(), rounds.stopped(), replica.fault());
    }
    throw new IllegalStateException("no rule for " + event);
  }
}
