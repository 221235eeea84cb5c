package io.cairn.pinning;

import io.cairn.protocol.hypercore.Blake2b;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.pinning.ChallengeIndices;
import io.cairn.protocol.pinning.ReplicaId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * What a storage-challenge round is made of, derived only from persisted fields and the epoch's
 * secret (PINNING.md 3.4), so that anyone holding the revealed secret recomputes every round: its
 * epoch, its id, its indices and when the next one comes.
 */
public final class ChallengeRounds {
  private static final byte[] CHALLENGE_DOMAIN =
      "cairn/challenge/v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NEXT_ROUND_DOMAIN =
      "cairn/next-round/v1".getBytes(StandardCharsets.US_ASCII);
  private static final double TWO_TO_53 = 0x1p53;

  private ChallengeRounds() {}

  /** The epoch {@code at} falls in: whole epochs since the Unix epoch. */
  public static long epochOf(Instant at, Duration epochLength) {
    return Math.floorDiv(at.toEpochMilli(), epochLength.toMillis());
  }

  /** When epoch {@code epoch} begins. */
  public static Instant epochStart(long epoch, Duration epochLength) {
    return Instant.ofEpochMilli(epoch * epochLength.toMillis());
  }

  /**
   * The id of attempt {@code attempt} (from 0) at round {@code roundNo}: a retry asks the same
   * indices under a new id, so an answer to the missed attempt cannot be replayed.
   */
  public static Bytes32 challengeId(ReplicaId replica, long roundNo, int attempt) {
    return Bytes32.of(
        Blake2b.hash(
            CHALLENGE_DOMAIN,
            replica.bytes(),
            ByteBuffer.allocate(12).putLong(roundNo).putInt(attempt).array()));
  }

  /** The round's indices: {@link ChallengeIndices#derive} over the epoch's secret. */
  public static int[] indices(
      byte[] epochSecret, ReplicaId replica, long roundNo, int count, long nodeCount) {
    return ChallengeIndices.derive(epochSecret, replica, roundNo, count, Math.toIntExact(nodeCount));
  }

  /**
   * How long after round {@code roundNo} settles the next one comes: uniform in [min, max], drawn
   * from the epoch's secret, so the hoster cannot tell when it will be asked.
   */
  public static Duration nextRoundDelay(
      byte[] epochSecret, ReplicaId replica, long roundNo, Duration min, Duration max) {
    byte[] digest =
        Blake2b.hash(
            NEXT_ROUND_DOMAIN,
            epochSecret,
            replica.bytes(),
            ByteBuffer.allocate(8).putLong(roundNo).array());
    long top53 = ByteBuffer.wrap(digest, 0, 8).getLong() >>> 11;
    double uniform = top53 / TWO_TO_53;
    long spanMillis = max.toMillis() - min.toMillis();
    return min.plusMillis(Math.round(uniform * spanMillis));
  }
}
