package io.cairn.api.pinning;

import io.cairn.pinning.PinRequests;
import io.cairn.pinning.PinningJob;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.PinJobList;
import io.cairn.protocol.api.v1.PinJobView;
import io.cairn.protocol.api.v1.PinReplicaView;
import io.cairn.protocol.api.v1.PinRequest;
import io.cairn.protocol.ledger.Bytes32;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

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

  public static PinJobView view(PinningJob.Job job) {
    return PinJobView.newBuilder()
        .setJobId(job.jobId().toString())
        .setSupporter(job.supporter().value())
        .setRequestId(job.requestId())
        .setCoreKey(job.terms().coreKey())
        .setReplicaCount(job.terms().replicas())
        .setDays(job.terms().days())
        .setState(job.status().name())
        .addAllReplicas(
            job.replicas().stream()
                .map(
                    replica ->
                        PinReplicaView.newBuilder()
                            .setHoster(replica.hoster().value())
                            .setState(replica.state().name())
                            .build())
                .toList())
        .setRequestedAtMs(job.requestedAt().toEpochMilli())
        .setEndsAtMs(job.endsAt().toEpochMilli())
        .setEndedAtMs(job.endedAt().map(Instant::toEpochMilli).orElse(0L))
        .build();
  }

  public static PinJobList list(List<PinningJob.Job> jobs) {
    return PinJobList.newBuilder()
        .addAllJobs(jobs.stream().map(PinApiMapper::view).toList())
        .build();
  }
}
