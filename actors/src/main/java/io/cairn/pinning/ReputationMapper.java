package io.cairn.pinning;

import io.cairn.cluster.proto.pinning.Judgement;
import java.time.Instant;

/** A {@link Reputation} and what changed it, to and from {@code cairn/cluster/pinning.proto}. */
final class ReputationMapper {
  private ReputationMapper() {}

  static io.cairn.cluster.proto.pinning.Reputation toProto(Reputation reputation) {
    return io.cairn.cluster.proto.pinning.Reputation.newBuilder()
        .setStorageAlpha(reputation.storageAlpha())
        .setStorageBeta(reputation.storageBeta())
        .setWindowStartMs(reputation.windowStart().toEpochMilli())
        .setWindowPassed(reputation.windowPassed())
        .setWindowFailed(reputation.windowFailed())
        .setCleanRounds(reputation.cleanRounds())
        .setPerformance(reputation.performance())
        .setGrades(reputation.grades())
        .setAttestingAlpha(reputation.attestingAlpha())
        .setAttestingBeta(reputation.attestingBeta())
        .build();
  }

  static Reputation fromProto(io.cairn.cluster.proto.pinning.Reputation proto) {
    return new Reputation(
        proto.getStorageAlpha(),
        proto.getStorageBeta(),
        Instant.ofEpochMilli(proto.getWindowStartMs()),
        proto.getWindowPassed(),
        proto.getWindowFailed(),
        proto.getCleanRounds(),
        proto.getPerformance(),
        proto.getGrades(),
        proto.getAttestingAlpha(),
        proto.getAttestingBeta());
  }

  static Judgement toProto(Reputation.Judgement judgement) {
    Judgement.Builder builder = Judgement.newBuilder().setAtMs(judgement.at().toEpochMilli());
    if (judgement instanceof Reputation.StorageRound round) {
      builder.setStorageRoundPassed(round.passed());
    } else if (judgement instanceof Reputation.InvalidProof) {
      builder.setInvalidProof(true);
    } else if (judgement instanceof Reputation.ServiceGraded graded) {
      builder.setServiceGrade(graded.grade());
    } else if (judgement instanceof Reputation.ReportCompared compared) {
      builder.setReportAgreed(compared.agreed());
    } else {
      throw new IllegalArgumentException("no message for " + judgement);
    }
    return builder.build();
  }

  static Reputation.Judgement fromProto(Judgement proto) {
    Instant at = Instant.ofEpochMilli(proto.getAtMs());
    switch (proto.getKindCase()) {
      case STORAGE_ROUND_PASSED:
        return new Reputation.StorageRound(proto.getStorageRoundPassed(), at);
      case INVALID_PROOF:
        return new Reputation.InvalidProof(at);
      case SERVICE_GRADE:
        return new Reputation.ServiceGraded(proto.getServiceGrade(), at);
      case REPORT_AGREED:
        return new Reputation.ReportCompared(proto.getReportAgreed(), at);
      default:
        throw new IllegalArgumentException("a judgement of no known kind: " + proto);
    }
  }
}
