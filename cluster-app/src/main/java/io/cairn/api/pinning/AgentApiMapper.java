package io.cairn.api.pinning;

import io.cairn.pinning.PinnedReplica;
import io.cairn.pinning.PinnedReplicas;
import io.cairn.pinning.ReplicaAssignment;
import io.cairn.pinning.ReplicaRounds;
import io.cairn.pinning.ServiceCheck;
import io.cairn.pinning.ServiceChecks;
import io.cairn.pinning.ServiceReports;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.AgentReplica;
import io.cairn.protocol.api.v1.AgentTasks;
import io.cairn.protocol.api.v1.ChallengeTask;
import io.cairn.protocol.api.v1.ChallengeVerdictView;
import io.cairn.protocol.api.v1.SealSettings;
import io.cairn.protocol.api.v1.SealTask;
import io.cairn.protocol.api.v1.ServiceCheckTask;
import io.cairn.protocol.api.v1.ServiceGradeView;
import io.cairn.protocol.api.v1.ServiceReport;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.pinning.SealParameters;
import java.util.List;
import java.util.Optional;

/** The agents' public API messages from the pinning replicas' records. */
public final class AgentApiMapper {
  private AgentApiMapper() {}

  public static AgentTasks tasks(
      List<PinnedReplicas.Task> tasks, List<ServiceChecks.CheckTask> checks, SealParameters seal) {
    AgentTasks.Builder view = AgentTasks.newBuilder();
    checks.forEach(check -> view.addChecks(check(check)));
    SealSettings settings =
        SealSettings.newBuilder()
            .setMinLayers(seal.minLayers())
            .setOpsMin(seal.opsMin())
            .setSectorCapBytes(seal.sectorCapBytes())
            .build();
    for (PinnedReplicas.Task task : tasks) {
      if (task instanceof PinnedReplicas.SealTask sealing) {
        view.addSeals(seal(sealing, settings));
      } else if (task instanceof PinnedReplicas.ChallengeTask challenged) {
        view.addChallenges(challenge(challenged.replica()));
      } else if (task instanceof PinnedReplicas.Kept kept) {
        view.addReplicas(kept(kept));
      }
    }
    return view.build();
  }

  private static SealTask seal(PinnedReplicas.SealTask task, SealSettings settings) {
    ReplicaAssignment assignment = task.assignment();
    return SealTask.newBuilder()
        .setJobId(assignment.jobId().toString())
        .setSlot(assignment.slot())
        .setRole(task.role().name())
        .setHoster(assignment.hoster().value())
        .setCoreKey(assignment.coreKey())
        .setRangeStart(assignment.rangeStart())
        .setRangeEnd(assignment.rangeEnd())
        .setTreeLength(assignment.treeLength())
        .setTreeHash(assignment.treeHash().toString().substring(2))
        .setReplicaId(Bytes32.of(assignment.replicaId().bytes()).toString())
        .setSettings(settings)
        .build();
  }

  private static AgentReplica kept(PinnedReplicas.Kept kept) {
    ReplicaAssignment assignment = kept.replica().assignment();
    return AgentReplica.newBuilder()
        .setJobId(assignment.jobId().toString())
        .setSlot(assignment.slot())
        .setReplicaId(Bytes32.of(assignment.replicaId().bytes()).toString())
        .setRole(kept.role().name())
        .setState(kept.replica().state().name())
        .build();
  }

  private static ChallengeTask challenge(PinnedReplica.Replica replica) {
    ReplicaAssignment assignment = replica.assignment();
    ReplicaRounds.Challenge open = replica.rounds().open().orElseThrow();
    return ChallengeTask.newBuilder()
        .setJobId(assignment.jobId().toString())
        .setSlot(assignment.slot())
        .setChallengeId(open.id().toString())
        .setReplicaId(Bytes32.of(assignment.replicaId().bytes()).toString())
        .setRoundNo(open.roundNo())
        .addAllIndices(open.indices().stream().map(Integer::longValue).toList())
        .setDeadlineMs(open.deadline().toEpochMilli())
        .setRoot(replica.sealing().accepted().orElseThrow().root().toString())
        .build();
  }

  private static ServiceCheckTask check(ServiceChecks.CheckTask task) {
    ReplicaAssignment assignment = task.assignment();
    ServiceCheck.Check check = task.check();
    return ServiceCheckTask.newBuilder()
        .setJobId(assignment.jobId().toString())
        .setSlot(assignment.slot())
        .setCheckId(check.checkId().toString())
        .setHoster(assignment.hoster().value())
        .setServeUrl(check.serveUrl())
        .setCoreKey(assignment.coreKey())
        .addAllIndices(check.indices())
        .setDeadlineMs(check.deadline().toEpochMilli())
        .build();
  }

  /** The blocks of an attester's report as the cluster judges them. */
  public static List<ServiceReports.BlockReport> blocks(ServiceReport report) {
    return report.getBlocksList().stream()
        .map(
            block ->
                new ServiceReports.BlockReport(
                    block.getIndex(),
                    block.getVerified(),
                    block.getFirstByteMs(),
                    block.getBytesPerSecond(),
                    block.hasContact() ? Optional.of(block.getContact()) : Optional.empty(),
                    block.getFailure()))
        .toList();
  }

  public static ServiceGradeView grade(ServiceCheck.Grade grade) {
    return ServiceGradeView.newBuilder()
        .setCheckId(grade.checkId().toString())
        .setGrade(grade.grade())
        .setVerifiedBlocks(grade.verifiedBlocks())
        .build();
  }

  /** A check id in a report: 0x and 64 hex digits. */
  public static Bytes32 checkId(String text) {
    try {
      return Bytes32.parse(text, "check id");
    } catch (Rejection malformed) {
      throw new Rejection(ErrorCode.MALFORMED_REQUEST, malformed.getMessage());
    }
  }

  public static ChallengeVerdictView verdict(PinnedReplica.Verdict verdict) {
    return ChallengeVerdictView.newBuilder()
        .setChallengeId(verdict.challengeId().toString())
        .setVerdict(verdict.outcome().name())
        .setReason(verdict.reason())
        .build();
  }

  /** A slot in a path: a replica's place in its job, from 0. */
  public static int slot(String text) {
    try {
      int slot = Integer.parseInt(text);
      if (slot >= 0) {
        return slot;
      }
    } catch (NumberFormatException notANumber) {
      // refused below, with the same message
    }
    throw new Rejection(
        ErrorCode.MALFORMED_REQUEST, "a replica slot is a number from 0, not '" + text + "'");
  }

  /** A challenge id in a path: 0x and 64 hex digits. */
  public static Bytes32 challengeId(String text) {
    try {
      return Bytes32.parse(text, "challenge id");
    } catch (Rejection malformed) {
      throw new Rejection(ErrorCode.MALFORMED_REQUEST, malformed.getMessage());
    }
  }
}
