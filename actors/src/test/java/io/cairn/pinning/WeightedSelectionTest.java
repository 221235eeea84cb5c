package io.cairn.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.pinning.WeightedSelection.Candidate;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WeightedSelectionTest {
  /** χ² with 9 degrees of freedom exceeds this with probability 0.01. */
  private static final double CHI_SQUARED_9_AT_1_PERCENT = 21.666;

  private static final List<Candidate> TEN =
      IntStream.rangeClosed(1, 10).mapToObj(i -> new Candidate("provider-" + i, i)).toList();

  @Test
  void firstPicksOverManySeedsFollowTheWeights() {
    int picks = 100_000;
    Map<String, Integer> counts = new HashMap<>();
    for (int round = 0; round < picks; round++) {
      Candidate first = WeightedSelection.select(seed(round), "job-1", TEN, 1).get(0);
      counts.merge(first.id(), 1, Integer::sum);
    }
    double totalWeight = TEN.stream().mapToDouble(Candidate::weight).sum();
    double chiSquared = 0;
    for (Candidate candidate : TEN) {
      double expected = picks * candidate.weight() / totalWeight;
      double observed = counts.getOrDefault(candidate.id(), 0);
      chiSquared += (observed - expected) * (observed - expected) / expected;
    }
    assertTrue(
        chiSquared < CHI_SQUARED_9_AT_1_PERCENT,
        "χ² = " + chiSquared + " over " + picks + " first picks: " + counts);
  }

  @Test
  void theSameSeedTaskAndCandidatesPickTheSameProvidersInTheSameOrder() {
    List<Candidate> first = WeightedSelection.select(seed(7), "job-1", TEN, 4);
    List<Candidate> reordered = new ArrayList<>(TEN);
    Collections.reverse(reordered);
    assertEquals(first, WeightedSelection.select(seed(7), "job-1", reordered, 4));
    assertEquals(4, first.stream().distinct().count());
    assertNotEquals(first, WeightedSelection.select(seed(7), "job-2", TEN, 4));
    assertNotEquals(first, WeightedSelection.select(seed(8), "job-1", TEN, 4));
  }

  @Test
  void aProviderWeighingNothingIsNeverPicked() {
    List<Candidate> withDisqualified = new ArrayList<>(TEN);
    withDisqualified.add(new Candidate("disqualified", 0));
    for (int round = 0; round < 1_000; round++) {
      List<Candidate> all = WeightedSelection.select(seed(round), "job", withDisqualified, 11);
      assertEquals(10, all.size());
      assertTrue(all.stream().noneMatch(chosen -> chosen.id().equals("disqualified")));
    }
  }

  @Test
  void constraintsSpreadTheChoiceAndLeaveItShortWhenTheyCannotBeKept() {
    // providers 1..10 run by two operators: odd and even
    List<Candidate> spread =
        WeightedSelection.select(
            seed(3), "job", TEN, 3, (taken, next) -> operator(taken) != operator(next));
    assertEquals(2, spread.size(), "two operators give at most two replicas: " + spread);
    assertNotEquals(operator(spread.get(0)), operator(spread.get(1)));
  }

  @Test
  void duplicateIdsAndBadWeightsAreRefused() {
    List<Candidate> twice = List.of(new Candidate("a", 1), new Candidate("a", 2));
    IllegalArgumentException duplicate =
        assertThrows(
            IllegalArgumentException.class,
            () -> WeightedSelection.select(seed(0), "job", twice, 1));
    assertTrue(duplicate.getMessage().contains("share an id"), duplicate.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Candidate("b", -1));
    assertThrows(IllegalArgumentException.class, () -> new Candidate("b", Double.NaN));
    assertThrows(
        IllegalArgumentException.class, () -> new Candidate("b", Double.POSITIVE_INFINITY));
    assertThrows(
        IllegalArgumentException.class, () -> WeightedSelection.select(seed(0), "job", TEN, -1));
  }

  @Test
  void drawsAreStrictlyBetweenZeroAndOne() {
    for (int round = 0; round < 10_000; round++) {
      double u = WeightedSelection.uniform(seed(round), new byte[0], "p");
      assertTrue(u > 0 && u < 1, "u = " + u);
    }
  }

  private static int operator(Candidate candidate) {
    return Integer.parseInt(candidate.id().substring("provider-".length())) % 2;
  }

  private static byte[] seed(long round) {
    return ByteBuffer.allocate(8).putLong(round).array();
  }
}
