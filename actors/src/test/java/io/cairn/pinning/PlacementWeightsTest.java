package io.cairn.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.cairn.protocol.EthereumAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How reputation, stake and vetting weigh hosters in a placement (PINNING.md 3.5, 5.7). */
class PlacementWeightsTest {
  private static final Reputation.Rules RULES =
      PinningSettings.fromConfig(ConfigFactory.defaultReference()).reputation();

  /** χ² with 5 degrees of freedom exceeds this with probability 0.01. */
  private static final double CHI_SQUARED_5_AT_1_PERCENT = 15.086;

  private static Placement.Candidate hoster(int n, Reputation.Scores scores, double stakeShare) {
    return new Placement.Candidate(
        new EthereumAddress(String.format("0x%040x", n)),
        Set.of(Provider.Role.HOSTER),
        1L << 30,
        "operator-" + n,
        "region-" + n,
        Placement.Weights.of(scores, stakeShare, RULES));
  }

  @Test
  void aScoreBelowTheThresholdWeighsNothingAndAboveItTheFourthPowerTimesTheStakeShare() {
    Placement.Weights good =
        Placement.Weights.of(new Reputation.Scores(0.98, 1, 1, true), 0.5, RULES);
    assertEquals(Math.pow(0.98, 4) * 0.5, good.hoster(), 1e-12);
    assertEquals(good.hoster(), good.encoder());
    Placement.Weights suspended =
        Placement.Weights.of(new Reputation.Scores(0.94, 1, 1, true), 1, RULES);
    assertEquals(0.0, suspended.hoster());
    assertEquals(1.0, suspended.attester(), "attesting is scored apart");
    Placement.Weights slow = Placement.Weights.of(new Reputation.Scores(1, 0, 1, true), 2, RULES);
    assertEquals(0.5, slow.hoster(), 1e-12, "a hoster readers cannot use keeps half its weight");
    assertEquals(1.0, slow.encoder(), "a stake above the target counts as the target");
  }

  /**
   * Over 10^5 seeded first picks among hosters of different scores, stakes and vetting, each is
   * picked as often as its weight says, the unvetted together getting their 5 % share.
   */
  @Test
  void firstPicksFollowTheWeightsWithTheUnvettedShareSetAside() {
    List<Placement.Candidate> candidates =
        List.of(
            hoster(1, new Reputation.Scores(1.0, 1.0, 1, true), 1),
            hoster(2, new Reputation.Scores(0.97, 0.6, 1, true), 1),
            hoster(3, new Reputation.Scores(0.99, 1.0, 1, true), 0.3),
            hoster(4, new Reputation.Scores(0.96, 0.9, 1, true), 0.8),
            hoster(5, new Reputation.Scores(1.0, 1.0, 1, false), 1),
            hoster(6, new Reputation.Scores(1.0, 1.0, 1, false), 0.5),
            hoster(7, new Reputation.Scores(0.93, 1.0, 1, true), 1));
    List<WeightedSelection.Candidate> weighed =
        Placement.eligible(candidates, List.of(), Provider.Role.HOSTER, 1, RULES.unvettedShare());
    double total = weighed.stream().mapToDouble(WeightedSelection.Candidate::weight).sum();
    double unvetted = weighed.get(4).weight() + weighed.get(5).weight();
    assertEquals(0.05, unvetted / total, 1e-12);
    assertEquals(0.0, weighed.get(6).weight(), "suspended");

    int picks = 100_000;
    Map<String, Integer> counts = new HashMap<>();
    for (int round = 0; round < picks; round++) {
      byte[] seed = ByteBuffer.allocate(8).putLong(round).array();
      String first = WeightedSelection.select(seed, "job/0/sector/0", weighed, 1).get(0).id();
      counts.merge(first, 1, Integer::sum);
    }
    List<Double> contributions = new ArrayList<>();
    for (WeightedSelection.Candidate candidate : weighed.subList(0, 6)) {
      double expected = picks * candidate.weight() / total;
      double observed = counts.getOrDefault(candidate.id(), 0);
      contributions.add((observed - expected) * (observed - expected) / expected);
    }
    double chiSquared = contributions.stream().mapToDouble(Double::doubleValue).sum();
    assertTrue(chiSquared < CHI_SQUARED_5_AT_1_PERCENT, "χ² = " + chiSquared + " over " + counts);
    assertEquals(0, counts.getOrDefault(weighed.get(6).id(), 0));
  }

  @Test
  void withNoVettedProviderTheUnvettedWeighAsTheyAre() {
    List<Placement.Candidate> candidates =
        List.of(
            hoster(1, new Reputation.Scores(1.0, 1.0, 1, false), 1),
            hoster(2, new Reputation.Scores(1.0, 1.0, 1, false), 0.5));
    List<WeightedSelection.Candidate> weighed =
        Placement.eligible(candidates, List.of(), Provider.Role.HOSTER, 1, RULES.unvettedShare());
    assertEquals(1.0, weighed.get(0).weight());
    assertEquals(0.5, weighed.get(1).weight());
  }
}
