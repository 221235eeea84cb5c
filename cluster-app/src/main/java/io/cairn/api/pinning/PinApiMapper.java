package io.cairn.api.pinning;

import io.cairn.pinning.JobMoney;
import io.cairn.pinning.PinRequests;
import io.cairn.pinning.PinnedReplica;
import io.cairn.pinning.PinningJob;
import io.cairn.pinning.Provider;
import io.cairn.pinning.ReplicaAssignment;
import io.cairn.pinning.ReplicaRounds;
import io.cairn.pinning.Reputation;
import io.cairn.pinning.UnsealedTail;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.PinJobList;
import io.cairn.protocol.api.v1.PinJobView;
import io.cairn.protocol.api.v1.PinReplicaView;
import io.cairn.protocol.api.v1.PinRequest;
import io.cairn.protocol.api.v1.PinTailView;
import io.cairn.protocol.ledger.Bytes32;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The pinning jobs' public API messages from their domain records, and back. */
public final class PinApiMapper {
  private PinApiMapper() {}

  /**
   * The terms a request asks for. The core key is taken in either case and kept in lower case;
   * every other rule is the entity's ({@link PinRequests#problemWith}). A uint32 above 2^31 - 1
   * arrives negative and is refused there as out of range.
   */
  public static PinningJob.Terms terms(PinRequest request) {
    return new PinningJob.Terms(
        request.getCoreKey().toLowerCase(Locale.ROOT), request.getReplicas(), request.getDays());
  }

  /** A job id in a path: 0x and 64 hex digits, as the escrow's job ids. */
  public static Bytes32 jobId(String text) {
    try {
      return Bytes32.parse(text, "job id");
    } catch (Rejection malformed) {
      throw new Rejection(ErrorCode.MALFORMED_REQUEST, malformed.getMessage());
    }
  }

  /**
   * What a job's status shows beside the job's own record: its replicas' reports and money by slot,
   * its hosters as they stand, and the rules their standing is judged by.
   */
  public record Details(
      Map<Integer, PinnedReplica.Replica> reports,
      Map<Integer, JobMoney.ReplicaMoney> money,
      Map<EthereumAddress, Provider.Info> hosters,
      Reputation.Rules rules) {}

  /** A job as it stands, without its replicas' challenge records (a list shows it so). */
  public static PinJobView view(PinningJob.Job job) {
    return view(job, Optional.empty());
  }

  /**
   * A job with its replicas' reports, money and hosters (a replica missing from {@code details} is
   * shown from the job's record alone).
   */
  public static PinJobView view(PinningJob.Job job, Details details) {
    return view(job, Optional.of(details));
  }

  private static PinJobView view(PinningJob.Job job, Optional<Details> details) {
    PinJobView.Builder view = PinJobView.newBuilder();
    job.unsealedTail().ifPresent(tail -> view.setUnsealedTail(tail(tail)));
    return view.setJobId(job.jobId().toString())
        .setSupporter(job.supporter().value())
        .setRequestId(job.requestId())
        .setCoreKey(job.terms().coreKey())
        .setReplicaCount(job.terms().replicas())
        .setDays(job.terms().days())
        .setState(state(job))
        .addAllReplicas(
            job.replicas().stream()
                .map(
                    replica ->
                        replica(
                            replica,
                            details.map(known -> known.reports().get(replica.slot())),
                            details))
                .toList())
        .setRequestedAtMs(job.requestedAt().toEpochMilli())
        .setEndsAtMs(job.endsAt().toEpochMilli())
        .setEndedAtMs(job.endedAt().map(Instant::toEpochMilli).orElse(0L))
        .build();
  }

  /**
   * REQUESTED until hosters are selected, then SEALING until as many replicas as asked are active,
   * ACTIVE, or REPAIRING while a replica that failed is being replaced; CANCELLED or EXPIRED.
   */
  static String state(PinningJob.Job job) {
    if (job.ended()) {
      return job.status().name();
    }
    if (job.replicas().isEmpty()) {
      return "REQUESTED";
    }
    long active =
        job.replicas().stream()
            .filter(replica -> replica.state() == PinningJob.ReplicaState.ACTIVE)
            .count();
    long sectors =
        job.replicas().stream()
            .map(replica -> replica.assignment().rangeStart())
            .distinct()
            .count();
    if (active >= sectors * job.terms().replicas()) {
      return "ACTIVE";
    }
    boolean failed =
        job.replicas().stream()
            .anyMatch(
                replica ->
                    replica.state() == PinningJob.ReplicaState.FAULTY
                        || replica.state() == PinningJob.ReplicaState.REPLACED);
    return failed ? "REPAIRING" : "SEALING";
  }

  /** Blocks no hoster holds yet: only the cluster's own copy of the core keeps them. */
  static PinTailView tail(UnsealedTail tail) {
    return PinTailView.newBuilder()
        .setStart(tail.start())
        .setEnd(tail.end())
        .setSinceMs(tail.since().toEpochMilli())
        .setState("CLUSTER_ONLY")
        .build();
  }

  private static PinReplicaView replica(
      PinningJob.Replica replica,
      Optional<PinnedReplica.Replica> reported,
      Optional<Details> details) {
    ReplicaAssignment assignment = replica.assignment();
    PinReplicaView.Builder view =
        PinReplicaView.newBuilder()
            .setSlot(assignment.slot())
            .setHoster(assignment.hoster().value())
            .setEncoder(assignment.encoder().value())
            .setState(replica.state().name())
            .setRangeStart(assignment.rangeStart())
            .setRangeEnd(assignment.rangeEnd())
            .setReplicaId(Bytes32.of(assignment.replicaId().bytes()).toString())
            .setRoot(replica.root().map(Bytes32::toString).orElse(""));
    reported.ifPresent(
        status -> {
          ReplicaRounds rounds = status.rounds();
          rounds.lastSettledAt().ifPresent(at -> view.setLastChallengeAtMs(at.toEpochMilli()));
          rounds.lastOutcome().ifPresent(outcome -> view.setLastChallenge(outcome.name()));
          view.setRoundsPassed(rounds.roundsPassed()).setFault(status.fault());
        });
    if (details.isEmpty()) {
      return view.build();
    }
    JobMoney.ReplicaMoney money =
        details.get().money().getOrDefault(assignment.slot(), JobMoney.ReplicaMoney.NONE);
    view.setPaid(money.paid().toString())
        .setHeld(money.held().toString())
        .setBurned(money.burned().toString())
        .setWitnessFee(money.witnessFee().toString())
        .setSlashed(money.slashed().toString())
        .setPeriodsEarned(money.periodsEarned())
        .setPeriodsUnearned(money.periodsUnearned());
    Optional.ofNullable(details.get().hosters().get(assignment.hoster()))
        .ifPresent(
            hoster ->
                view.setHosterStorageScore(hoster.reputation().storageScore())
                    .setHosterPerformance(hoster.reputation().performance())
                    .setHosterStanding(
                        hoster
                            .reputation()
                            .standing(details.get().rules())
                            .name()
                            .toLowerCase(Locale.ROOT)));
    return view.build();
  }

  /** One replica as its entity reports it. */
  public static PinReplicaView replicaView(PinnedReplica.Replica replica) {
    return replica(
        new PinningJob.Replica(
            replica.assignment(),
            replica.state(),
            replica.sealing().accepted().map(PinnedReplica.Commitment::root)),
        Optional.of(replica),
        Optional.empty());
  }

  public static PinJobList list(List<PinningJob.Job> jobs) {
    return PinJobList.newBuilder()
        .addAllJobs(jobs.stream().map(PinApiMapper::view).toList())
        .build();
  }
}
