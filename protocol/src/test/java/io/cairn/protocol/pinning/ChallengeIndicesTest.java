package io.cairn.protocol.pinning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ChallengeIndicesTest {
  private static final byte[] SECRET = SealFixtures.filled(32, 5);
  private static final ReplicaId REPLICA = SealFixtures.replicaIdFor("alice");

  @Test
  void theSameInputsGiveTheSameIndicesAndAnyChangeOthers() {
    int[] first = ChallengeIndices.derive(SECRET, REPLICA, 12, 8, 1 << 20);
    assertArrayEquals(first, ChallengeIndices.derive(SECRET, REPLICA, 12, 8, 1 << 20));
    assertFalse(Arrays.equals(first, ChallengeIndices.derive(SECRET, REPLICA, 13, 8, 1 << 20)));
    assertFalse(
        Arrays.equals(
            first,
            ChallengeIndices.derive(SECRET, SealFixtures.replicaIdFor("bob"), 12, 8, 1 << 20)));
    assertFalse(
        Arrays.equals(
            first, ChallengeIndices.derive(SealFixtures.filled(32, 6), REPLICA, 12, 8, 1 << 20)));
    int[] longer = ChallengeIndices.derive(SECRET, REPLICA, 12, 64, 1 << 20);
    assertArrayEquals(first, Arrays.copyOf(longer, 8), "index j does not depend on k");
  }

  /**
   * χ² of 64,000 indices (8,000 rounds of 8) over 64 equal bins of a 1000-node replica (the bins
   * hold 15 or 16 nodes; expected counts are weighted accordingly). With 63 degrees of freedom the
   * 0.999 quantile is 103.4: a correct PRF fails this one time in a thousand, and the seed is
   * fixed.
   */
  @Test
  void indicesAreSpreadEvenly() {
    int nodes = 1000;
    int bins = 64;
    long[] counts = new long[bins];
    long draws = 0;
    for (long round = 0; round < 8000; round++) {
      for (int index : ChallengeIndices.derive(SECRET, REPLICA, round, 8, nodes)) {
        assertTrue(index >= 0 && index < nodes);
        counts[(int) ((long) index * bins / nodes)]++;
        draws++;
      }
    }
    double chiSquare = 0;
    for (int bin = 0; bin < bins; bin++) {
      long binNodes = 0;
      for (int node = 0; node < nodes; node++) {
        if ((long) node * bins / nodes == bin) {
          binNodes++;
        }
      }
      double expected = (double) draws * binNodes / nodes;
      chiSquare += (counts[bin] - expected) * (counts[bin] - expected) / expected;
    }
    assertTrue(chiSquare < 103.4, "χ² = " + chiSquare);
  }

  @Test
  void badInputsAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ChallengeIndices.derive(new byte[31], REPLICA, 0, 8, 10));
    assertThrows(
        IllegalArgumentException.class, () -> ChallengeIndices.derive(SECRET, REPLICA, 0, 0, 10));
    assertThrows(
        IllegalArgumentException.class, () -> ChallengeIndices.derive(SECRET, REPLICA, 0, 8, 0));
    assertThrows(
        IllegalArgumentException.class, () -> ChallengeIndices.derive(SECRET, REPLICA, -1, 8, 10));
  }
}
