package io.cairn.pinning;

import io.cairn.protocol.ledger.Bytes32;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where an active replica's challenge rounds stand, part of {@link PinnedReplica}'s state: the open
 * attempt, the last one issued (a miss asks its indices again), counts, and when the next round
 * comes. Its transitions are the event handler's, so they read only what the events carry.
 */
public record ReplicaRounds(
    Optional<Challenge> open,
    Optional<Challenge> lastIssued,
    long nextRoundNo,
    long roundsPassed,
    int misses,
    boolean suspicious,
    Optional<Instant> nextRoundAt,
    Optional<Instant> lastSettledAt,
    Optional<Outcome> lastOutcome) {

  public enum Outcome {
    PASSED,
    MISSED,
    FAILED
  }

  /** One attempt at a round: asked at {@code issuedAt}, due at {@code deadline}. */
  public record Challenge(
      Bytes32 id,
      long roundNo,
      int attempt,
      long epoch,
      List<Integer> indices,
      Instant issuedAt,
      Instant deadline) {
    public Challenge {
      indices = List.copyOf(indices);
    }

    int[] indexArray() {
      return indices.stream().mapToInt(Integer::intValue).toArray();
    }
  }

  /** Before activation: nothing asked yet. */
  static ReplicaRounds none() {
    return new ReplicaRounds(
        Optional.empty(),
        Optional.empty(),
        0,
        0,
        0,
        true,
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /** Activated: the first round, a suspicious one, comes at {@code firstRound}. */
  ReplicaRounds activated(Instant firstRound) {
    return new ReplicaRounds(
        open,
        lastIssued,
        nextRoundNo,
        roundsPassed,
        misses,
        true,
        Optional.of(firstRound),
        lastSettledAt,
        lastOutcome);
  }

  ReplicaRounds issued(Challenge challenge) {
    return new ReplicaRounds(
        Optional.of(challenge),
        Optional.of(challenge),
        Math.max(nextRoundNo, challenge.roundNo() + 1),
        roundsPassed,
        misses,
        suspicious,
        Optional.empty(),
        lastSettledAt,
        lastOutcome);
  }

  ReplicaRounds passed(Instant at, Instant next) {
    return new ReplicaRounds(
        Optional.empty(),
        lastIssued,
        nextRoundNo,
        roundsPassed + 1,
        0,
        false,
        Optional.of(next),
        Optional.of(at),
        Optional.of(Outcome.PASSED));
  }

  ReplicaRounds failed(Instant at) {
    return new ReplicaRounds(
        Optional.empty(),
        lastIssued,
        nextRoundNo,
        roundsPassed,
        misses,
        true,
        Optional.empty(),
        Optional.of(at),
        Optional.of(Outcome.FAILED));
  }

  /** Missed: the same indices are asked again at {@code retryAt}, and the next round is wary. */
  ReplicaRounds missed(Instant at, Instant retryAt) {
    return new ReplicaRounds(
        Optional.empty(),
        lastIssued,
        nextRoundNo,
        roundsPassed,
        misses + 1,
        true,
        Optional.of(retryAt),
        Optional.of(at),
        Optional.of(Outcome.MISSED));
  }

  /** No more rounds: the replica is FAULTY or retired. */
  ReplicaRounds stopped() {
    return new ReplicaRounds(
        Optional.empty(),
        lastIssued,
        nextRoundNo,
        roundsPassed,
        misses,
        suspicious,
        Optional.empty(),
        lastSettledAt,
        lastOutcome);
  }
}
