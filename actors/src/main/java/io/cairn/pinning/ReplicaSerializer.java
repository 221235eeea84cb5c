package io.cairn.pinning;

import com.google.protobuf.ByteString;
import io.cairn.cluster.proto.pinning.AnswerChallenge;
import io.cairn.cluster.proto.pinning.ChallengeVerdict;
import io.cairn.cluster.proto.pinning.CommitReplica;
import io.cairn.cluster.proto.pinning.EpochCommitted;
import io.cairn.cluster.proto.pinning.EpochRevealed;
import io.cairn.cluster.proto.pinning.FaultReplica;
import io.cairn.cluster.proto.pinning.GetReplica;
import io.cairn.cluster.proto.pinning.PinSelection;
import io.cairn.cluster.proto.pinning.PlaceReplicas;
import io.cairn.cluster.proto.pinning.ReplicaAccepted;
import io.cairn.cluster.proto.pinning.ReplicaChallengeAnswered;
import io.cairn.cluster.proto.pinning.ReplicaChallengeIssued;
import io.cairn.cluster.proto.pinning.ReplicaChallengeMissed;
import io.cairn.cluster.proto.pinning.ReplicaCommitmentRecord;
import io.cairn.cluster.proto.pinning.ReplicaCommitted;
import io.cairn.cluster.proto.pinning.ReplicaFaulted;
import io.cairn.cluster.proto.pinning.ReplicaRetired;
import io.cairn.cluster.proto.pinning.ReplicaStarted;
import io.cairn.cluster.proto.pinning.ReplicaStatus;
import io.cairn.cluster.proto.pinning.RetireReplica;
import io.cairn.cluster.proto.pinning.StartReplica;
import io.cairn.cluster.proto.pinning.StorageChallengeRecord;
import io.cairn.pinning.ReplicaRounds.Challenge;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.pinning.v1.SignedPinningStatement;
import io.cairn.protocol.pinning.v1.StorageChallengeAnswer;
import io.cairn.serialization.ProtobufSerializer;
import java.time.Instant;
import java.util.Optional;
import org.apache.pekko.actor.ExtendedActorSystem;

/**
 * Writes {@link PinnedReplica}'s and {@link PinningSupervisor}'s events, commands and replies, and
 * placements, as the messages of {@code cairn/cluster/pinning.proto}. Manifests are stored with
 * every event: never reuse or rename one (a replica's are R and one letter, the supervisor's S and
 * one).
 */
public final class ReplicaSerializer extends ProtobufSerializer {

  public ReplicaSerializer(ExtendedActorSystem system) {
    super(system, 7761);
    bindEvents();
    bindCommands();
    bindSupervisor();
  }

  private void bindEvents() {
    bind(
        "RS",
        PinnedReplica.Started.class,
        e ->
            ReplicaStarted.newBuilder()
                .setAssignment(PlacementMapper.toProto(e.assignment()))
                .setAtMs(e.at().toEpochMilli())
                .build(),
        bytes -> {
          ReplicaStarted e = ReplicaStarted.parseFrom(bytes);
          return new PinnedReplica.Started(
              PlacementMapper.fromProto(e.getAssignment()), Instant.ofEpochMilli(e.getAtMs()));
        });
    bind(
        "RC",
        PinnedReplica.Committed.class,
        e ->
            ReplicaCommitted.newBuilder()
                .setRole(e.role().name())
                .setCommitment(toProto(e.commitment()))
                .setAtMs(e.at().toEpochMilli())
                .build(),
        bytes -> {
          ReplicaCommitted e = ReplicaCommitted.parseFrom(bytes);
          return new PinnedReplica.Committed(
              PinnedReplica.Role.valueOf(e.getRole()),
              fromProto(e.getCommitment()),
              Instant.ofEpochMilli(e.getAtMs()));
        });
    bind(
        "RA",
        PinnedReplica.Accepted.class,
        e ->
            ReplicaAccepted.newBuilder()
                .setCommitment(toProto(e.commitment()))
                .setAtMs(e.at().toEpochMilli())
                .setFirstRoundMs(e.firstRound().toEpochMilli())
                .build(),
        bytes -> {
          ReplicaAccepted e = ReplicaAccepted.parseFrom(bytes);
          return new PinnedReplica.Accepted(
              fromProto(e.getCommitment()),
              Instant.ofEpochMilli(e.getAtMs()),
              Instant.ofEpochMilli(e.getFirstRoundMs()));
        });
    bind(
        "RI",
        PinnedReplica.ChallengeIssued.class,
        e -> ReplicaChallengeIssued.newBuilder().setChallenge(toProto(e.challenge())).build(),
        bytes ->
            new PinnedReplica.ChallengeIssued(
                fromProto(ReplicaChallengeIssued.parseFrom(bytes).getChallenge())));
    bind(
        "RN",
        PinnedReplica.ChallengeAnswered.class,
        e ->
            ReplicaChallengeAnswered.newBuilder()
                .setChallengeId(e.challengeId().toString())
                .setAnswer(ByteString.copyFrom(e.answer()))
                .setPassed(e.passed())
                .setReason(e.reason())
                .setAtMs(e.at().toEpochMilli())
                .setNextMs(e.next().toEpochMilli())
                .build(),
        bytes -> {
          ReplicaChallengeAnswered e = ReplicaChallengeAnswered.parseFrom(bytes);
          return new PinnedReplica.ChallengeAnswered(
              Bytes32.parse(e.getChallengeId(), "challenge id"),
              e.getAnswer().toByteArray(),
              e.getPassed(),
              e.getReason(),
              Instant.ofEpochMilli(e.getAtMs()),
              Instant.ofEpochMilli(e.getNextMs()));
        });
    bind(
        "RM",
        PinnedReplica.ChallengeMissed.class,
        e ->
            ReplicaChallengeMissed.newBuilder()
                .setChallengeId(e.challengeId().toString())
                .setAtMs(e.at().toEpochMilli())
                .setRetryAtMs(e.retryAt().toEpochMilli())
                .build(),
        bytes -> {
          ReplicaChallengeMissed e = ReplicaChallengeMissed.parseFrom(bytes);
          return new PinnedReplica.ChallengeMissed(
              Bytes32.parse(e.getChallengeId(), "challenge id"),
              Instant.ofEpochMilli(e.getAtMs()),
              Instant.ofEpochMilli(e.getRetryAtMs()));
        });
    bind(
        "RF",
        PinnedReplica.Faulted.class,
        e ->
            ReplicaFaulted.newBuilder()
                .setReason(e.reason())
                .setAtMs(e.at().toEpochMilli())
                .build(),
        bytes -> {
          ReplicaFaulted e = ReplicaFaulted.parseFrom(bytes);
          return new PinnedReplica.Faulted(e.getReason(), Instant.ofEpochMilli(e.getAtMs()));
        });
    bind(
        "RR",
        PinnedReplica.Retired.class,
        e ->
            ReplicaRetired.newBuilder()
                .setState(e.as().name())
                .setAtMs(e.at().toEpochMilli())
                .build(),
        bytes -> {
          ReplicaRetired e = ReplicaRetired.parseFrom(bytes);
          return new PinnedReplica.Retired(
              PinningJob.ReplicaState.valueOf(e.getState()), Instant.ofEpochMilli(e.getAtMs()));
        });
  }

  private void bindCommands() {
    bind(
        "Rs",
        PinnedReplica.Start.class,
        c ->
            StartReplica.newBuilder()
                .setAssignment(PlacementMapper.toProto(c.assignment()))
                .build(),
        bytes ->
            new PinnedReplica.Start(
                PlacementMapper.fromProto(StartReplica.parseFrom(bytes).getAssignment())));
    bind(
        "Rc",
        PinnedReplica.Commit.class,
        c ->
            CommitReplica.newBuilder()
                .setSigned(c.signed().toByteString())
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          CommitReplica c = CommitReplica.parseFrom(bytes);
          return new PinnedReplica.Commit(
              SignedPinningStatement.parseFrom(c.getSigned()), resolve(c.getReplyTo()));
        });
    bind(
        "Ra",
        PinnedReplica.Answer.class,
        c ->
            AnswerChallenge.newBuilder()
                .setChallengeId(c.challengeId().toString())
                .setAnswer(c.answer().toByteString())
                .setStatement(c.statement().toByteString())
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          AnswerChallenge c = AnswerChallenge.parseFrom(bytes);
          return new PinnedReplica.Answer(
              Bytes32.parse(c.getChallengeId(), "challenge id"),
              StorageChallengeAnswer.parseFrom(c.getAnswer()),
              SignedPinningStatement.parseFrom(c.getStatement()),
              resolve(c.getReplyTo()));
        });
    bind(
        "Rg",
        PinnedReplica.Get.class,
        c -> GetReplica.newBuilder().setReplyTo(serialize(c.replyTo())).build(),
        bytes -> new PinnedReplica.Get(resolve(GetReplica.parseFrom(bytes).getReplyTo())));
    bind(
        "Rr",
        PinnedReplica.Retire.class,
        c -> RetireReplica.newBuilder().setState(c.as().name()).build(),
        bytes ->
            new PinnedReplica.Retire(
                PinningJob.ReplicaState.valueOf(RetireReplica.parseFrom(bytes).getState())));
    bind(
        "Rf",
        PinnedReplica.Fault.class,
        c ->
            FaultReplica.newBuilder()
                .setReason(c.reason())
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          FaultReplica c = FaultReplica.parseFrom(bytes);
          return new PinnedReplica.Fault(c.getReason(), resolve(c.getReplyTo()));
        });
    bind(
        "Rv",
        PinnedReplica.Verdict.class,
        v ->
            ChallengeVerdict.newBuilder()
                .setChallengeId(v.challengeId().toString())
                .setOutcome(v.outcome().name())
                .setReason(v.reason())
                .build(),
        bytes -> {
          ChallengeVerdict v = ChallengeVerdict.parseFrom(bytes);
          return new PinnedReplica.Verdict(
              Bytes32.parse(v.getChallengeId(), "challenge id"),
              ReplicaRounds.Outcome.valueOf(v.getOutcome()),
              v.getReason());
        });
    bind(
        "Rx",
        PinnedReplica.Replica.class,
        ReplicaSerializer::toProto,
        bytes -> fromProto(ReplicaStatus.parseFrom(bytes)));
  }

  private void bindSupervisor() {
    bind(
        "SC",
        PinningSupervisor.EpochCommitted.class,
        e ->
            EpochCommitted.newBuilder()
                .setEpoch(e.epoch())
                .setCommitment(e.commitment().toString())
                .setAtMs(e.at().toEpochMilli())
                .build(),
        bytes -> {
          EpochCommitted e = EpochCommitted.parseFrom(bytes);
          return new PinningSupervisor.EpochCommitted(
              e.getEpoch(),
              Bytes32.parse(e.getCommitment(), "commitment"),
              Instant.ofEpochMilli(e.getAtMs()));
        });
    bind(
        "SR",
        PinningSupervisor.EpochRevealed.class,
        e ->
            EpochRevealed.newBuilder()
                .setEpoch(e.epoch())
                .setSecret(e.secret().toString())
                .setAtMs(e.at().toEpochMilli())
                .build(),
        bytes -> {
          EpochRevealed e = EpochRevealed.parseFrom(bytes);
          return new PinningSupervisor.EpochRevealed(
              e.getEpoch(),
              Bytes32.parse(e.getSecret(), "secret"),
              Instant.ofEpochMilli(e.getAtMs()));
        });
    bind(
        "Sp",
        PinningSupervisor.Place.class,
        c -> {
          PlaceReplicas.Builder place =
              PlaceReplicas.newBuilder()
                  .setJobId(c.jobId().toString())
                  .setCoreKey(c.coreKey())
                  .setReplicas(c.replicas())
                  .setFirstSlot(c.firstSlot())
                  .addAllExcludedHosters(PlacementMapper.addresses(c.excludedHosters()))
                  .addAllExcludedEncoders(PlacementMapper.addresses(c.excludedEncoders()))
                  .setReplyTo(serialize(c.replyTo()));
          c.replacing().ifPresent(old -> place.setReplacing(PlacementMapper.toProto(old)));
          c.tail().ifPresent(tail -> place.setTail(PlacementMapper.toProto(tail)));
          return place.build();
        },
        bytes -> {
          PlaceReplicas c = PlaceReplicas.parseFrom(bytes);
          return new PinningSupervisor.Place(
              Bytes32.parse(c.getJobId(), "job id"),
              c.getCoreKey(),
              c.getReplicas(),
              c.getFirstSlot(),
              c.hasReplacing()
                  ? Optional.of(PlacementMapper.fromProto(c.getReplacing()))
                  : Optional.empty(),
              c.hasTail() ? Optional.of(PlacementMapper.fromProto(c.getTail())) : Optional.empty(),
              PlacementMapper.parse(c.getExcludedHostersList()),
              PlacementMapper.parse(c.getExcludedEncodersList()),
              resolve(c.getReplyTo()));
        });
    bind(
        "Ss",
        Placement.Selection.class,
        PlacementMapper::toProto,
        bytes -> PlacementMapper.fromProto(PinSelection.parseFrom(bytes)));
  }

  private static ReplicaCommitmentRecord toProto(PinnedReplica.Commitment commitment) {
    return ReplicaCommitmentRecord.newBuilder()
        .setRoot(commitment.root().toString())
        .setNodeCount(commitment.nodeCount())
        .build();
  }

  private static PinnedReplica.Commitment fromProto(ReplicaCommitmentRecord commitment) {
    return new PinnedReplica.Commitment(
        Bytes32.parse(commitment.getRoot(), "root"), commitment.getNodeCount());
  }

  private static StorageChallengeRecord toProto(Challenge challenge) {
    return StorageChallengeRecord.newBuilder()
        .setId(challenge.id().toString())
        .setRoundNo(challenge.roundNo())
        .setAttempt(challenge.attempt())
        .setEpoch(challenge.epoch())
        .addAllIndices(challenge.indices())
        .setIssuedAtMs(challenge.issuedAt().toEpochMilli())
        .setDeadlineMs(challenge.deadline().toEpochMilli())
        .build();
  }

  private static Challenge fromProto(StorageChallengeRecord challenge) {
    return new Challenge(
        Bytes32.parse(challenge.getId(), "challenge id"),
        challenge.getRoundNo(),
        challenge.getAttempt(),
        challenge.getEpoch(),
        challenge.getIndicesList(),
        Instant.ofEpochMilli(challenge.getIssuedAtMs()),
        Instant.ofEpochMilli(challenge.getDeadlineMs()));
  }

  private static ReplicaStatus toProto(PinnedReplica.Replica replica) {
    ReplicaStatus.Builder status =
        ReplicaStatus.newBuilder()
            .setAssignment(PlacementMapper.toProto(replica.assignment()))
            .setStartedAtMs(replica.startedAt().toEpochMilli())
            .setState(replica.state().name())
            .setFault(replica.fault());
    replica.sealing().hoster().ifPresent(c -> status.setHosterCommitment(toProto(c)));
    replica.sealing().encoder().ifPresent(c -> status.setEncoderCommitment(toProto(c)));
    replica.sealing().accepted().ifPresent(c -> status.setAccepted(toProto(c)));
    ReplicaRounds rounds = replica.rounds();
    rounds.open().ifPresent(c -> status.setOpen(toProto(c)));
    rounds.lastIssued().ifPresent(c -> status.setLastIssued(toProto(c)));
    rounds.nextRoundAt().ifPresent(at -> status.setNextRoundAtMs(at.toEpochMilli()));
    rounds.lastSettledAt().ifPresent(at -> status.setLastSettledAtMs(at.toEpochMilli()));
    rounds.lastOutcome().ifPresent(outcome -> status.setLastOutcome(outcome.name()));
    return status
        .setNextRoundNo(rounds.nextRoundNo())
        .setRoundsPassed(rounds.roundsPassed())
        .setMisses(rounds.misses())
        .setSuspicious(rounds.suspicious())
        .build();
  }

  private static PinnedReplica.Replica fromProto(ReplicaStatus status) {
    return new PinnedReplica.Replica(
        PlacementMapper.fromProto(status.getAssignment()),
        Instant.ofEpochMilli(status.getStartedAtMs()),
        PinningJob.ReplicaState.valueOf(status.getState()),
        new PinnedReplica.Sealing(
            status.hasHosterCommitment()
                ? Optional.of(fromProto(status.getHosterCommitment()))
                : Optional.empty(),
            status.hasEncoderCommitment()
                ? Optional.of(fromProto(status.getEncoderCommitment()))
                : Optional.empty(),
            status.hasAccepted() ? Optional.of(fromProto(status.getAccepted())) : Optional.empty()),
        new ReplicaRounds(
            status.hasOpen() ? Optional.of(fromProto(status.getOpen())) : Optional.empty(),
            status.hasLastIssued()
                ? Optional.of(fromProto(status.getLastIssued()))
                : Optional.empty(),
            status.getNextRoundNo(),
            status.getRoundsPassed(),
            status.getMisses(),
            status.getSuspicious(),
            status.getNextRoundAtMs() == 0
                ? Optional.empty()
                : Optional.of(Instant.ofEpochMilli(status.getNextRoundAtMs())),
            status.getLastSettledAtMs() == 0
                ? Optional.empty()
                : Optional.of(Instant.ofEpochMilli(status.getLastSettledAtMs())),
            status.getLastOutcome().isEmpty()
                ? Optional.empty()
                : Optional.of(ReplicaRounds.Outcome.valueOf(status.getLastOutcome()))),
        status.getFault());
  }
}
