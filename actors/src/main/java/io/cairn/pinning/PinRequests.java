package io.cairn.pinning;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.hypercore.Blake2b;
import io.cairn.protocol.ledger.Bytes32;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one rule on a request for a {@link PinningJob}, which the facade checks before asking the
 * cluster for the core and the job checks again, and the job id a request names.
 */
public final class PinRequests {
  private static final byte[] JOB_ID_DOMAIN = "cairn/pin-job/v1".getBytes(StandardCharsets.UTF_8);
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final Pattern CORE_KEY = Pattern.compile("[0-9a-f]{64}");

  /**
   * The id of {@code supporter}'s job for {@code requestId}: BLAKE2b-256 over the ASCII domain
   * {@code "cairn/pin-job/v1"} (16 bytes), the supporter's 20 address bytes and the request id in
   * UTF-8. The first two parts have fixed lengths, so no two (supporter, request id) pairs share an
   * input, and another supporter cannot take (or guess into) someone's job.
   */
  public static Bytes32 jobId(EthereumAddress supporter, String requestId) {
    byte[] address = HexFormat.of().parseHex(supporter.value().substring(2));
    return Bytes32.of(
        Blake2b.hash(JOB_ID_DOMAIN, address, requestId.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Why a request cannot start a job, if it cannot: a request id that is not 1 to 64 of {@code A-Z
   * a-z 0-9 . _ : -}, a core key that is not 64 lowercase hex digits, replicas outside 1 to {@code
   * max-replicas} or days outside 1 to {@code max-days}.
   */
  public static Optional<Rejection> problemWith(
      String requestId, PinningJob.Terms terms, PinningSettings settings) {
    if (!REQUEST_ID.matcher(requestId).matches()) {
      return invalid("a request id is 1 to 64 of A-Z a-z 0-9 . _ : -, not '" + requestId + "'");
    }
    if (!CORE_KEY.matcher(terms.coreKey()).matches()) {
      return Optional.of(
          new Rejection(
              ErrorCode.INVALID_CORE_KEY,
              "'" + terms.coreKey() + "' is not a core key (64 hex digits)"));
    }
    if (terms.replicas() < 1 || terms.replicas() > settings.maxReplicas()) {
      return invalid(
          "a job keeps 1 to " + settings.maxReplicas() + " replicas, not " + terms.replicas());
    }
    if (terms.days() < 1 || terms.days() > settings.maxDays()) {
      return invalid("a job lasts 1 to " + settings.maxDays() + " days, not " + terms.days());
    }
    return Optional.empty();
  }

  static Optional<Rejection> invalid(String message) {
    return Optional.of(new Rejection(ErrorCode.INVALID_PIN_REQUEST, message));
  }

  private PinRequests() {}

  /**
   * Why a request cannot start job {@code jobId}: bad terms ({@link #problemWith}), or a request id
   * and supporter whose job id is another.
   */
  static Optional<Rejection> problemStarting(
      PinningJob.Request request, Bytes32 jobId, PinningSettings settings) {
    Optional<Rejection> problem = problemWith(request.requestId(), request.terms(), settings);
    if (problem.isEmpty() && !jobId(request.supporter(), request.requestId()).equals(jobId)) {
      return invalid(
          "request " + request.requestId() + " of " + request.supporter() + " is not " + jobId);
    }
    return problem;
  }

  /** A request again for {@code job} with another supporter, id or terms: a conflict. */
  static Optional<Rejection> conflict(PinningJob.Job job, PinningJob.Request request) {
    if (job.supporter().equals(request.supporter())
        && job.requestId().equals(request.requestId())
        && job.terms().equals(request.terms())) {
      return Optional.empty();
    }
    return Optional.of(
        new Rejection(
            ErrorCode.PIN_REQUEST_CONFLICT,
            "request "
                + request.requestId()
                + " started "
                + job.jobId()
                + " with other terms: "
                + job.terms()));
  }
}
