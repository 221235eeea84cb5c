package io.cairn.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.cairn.pinning.Reputation.Standing;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The beta score with forgetting, on the production rules (PINNING.md 3.6, 5.6). */
class ReputationTest {
  private static final Reputation.Rules RULES =
      PinningSettings.fromConfig(ConfigFactory.defaultReference()).reputation();
  private static final Instant START = Instant.parse("2026-12-01T00:00:00Z");

  /** Hoster-round {@code n}: one window after another, as hourly rounds come. */
  private static Instant round(long n) {
    return START.plus(RULES.roundWindow().multipliedBy(n));
  }

  @Test
  void aNewProviderStartsPerfectAndUnvetted() {
    Reputation fresh = Reputation.fresh(RULES);
    assertEquals(1.0, fresh.storageScore());
    assertEquals(1.0, fresh.attestingScore());
    assertEquals(Standing.GOOD, fresh.standing(RULES));
    assertFalse(fresh.vetted(RULES));
  }

  @Test
  void aHosterFailingEveryRoundGetsNoNewWorkWithinSixRounds() {
    Reputation reputation = Reputation.fresh(RULES);
    int verdicts = 0;
    while (reputation.standing(RULES) == Standing.GOOD) {
      // one replica, one verdict a round: each verdict closes the round before it
      reputation = reputation.after(new Reputation.StorageRound(false, round(verdicts++)), RULES);
    }
    assertEquals(6, verdicts - 1, "0.99^5 = 0.951 keeps it, 0.99^6 = 0.941 does not");
    assertEquals(Standing.SUSPENDED, reputation.standing(RULES));
  }

  @Test
  void verdictsWithinOneWindowAreOneRoundWeighedByTheShareThatPassed() {
    Reputation reputation = Reputation.fresh(RULES);
    Instant inWindow = round(0);
    for (int replica = 0; replica < 4; replica++) {
      reputation =
          reputation.after(
              new Reputation.StorageRound(replica != 0, inWindow.plusSeconds(replica)), RULES);
    }
    assertEquals(1.0, reputation.storageScore(), "an open window changes no score yet");
    reputation = reputation.after(new Reputation.StorageRound(true, round(1)), RULES);
    double alpha = 100 * 0.99 + 0.75;
    double beta = 0.25;
    assertEquals(alpha / (alpha + beta), reputation.storageScore(), 1e-12);
    assertEquals(0, reputation.cleanRounds(), "a round with a failure is not clean");
    assertEquals(1, reputation.windowPassed());
  }

  @Test
  void anInvalidProofDisqualifiesAPerfectHosterAtOnce() {
    Reputation reputation =
        Reputation.fresh(RULES).after(new Reputation.InvalidProof(round(0)), RULES);
    assertEquals(100.0 / 120.0, reputation.storageScore(), 1e-12);
    assertEquals(Standing.DISQUALIFIED, reputation.standing(RULES));
  }

  @Test
  void aHundredCleanRoundsVetAProvider() {
    Reputation reputation = Reputation.fresh(RULES);
    for (int n = 0; n <= 100; n++) {
      reputation = reputation.after(new Reputation.StorageRound(true, round(n)), RULES);
    }
    assertEquals(100, reputation.cleanRounds());
    assertTrue(reputation.vetted(RULES));
  }

  /**
   * An honest hoster failing at most 1 % of its rounds after retries keeps new work over 30 days of
   * hourly rounds in at least 99 % of seeded runs (the design simulated 99.6 %).
   */
  @Test
  void anHonestHosterWithOnePercentFailuresKeepsItsWorkFor30DaysAlmostAlways() {
    int runs = 2000;
    int keptWork = 0;
    for (int seed = 0; seed < runs; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      Reputation reputation = Reputation.fresh(RULES);
      boolean fellBelow = false;
      for (int n = 0; n < 30 * 24 && !fellBelow; n++) {
        reputation =
            reputation.after(
                new Reputation.StorageRound(random.nextDouble() >= 0.01, round(n)), RULES);
        fellBelow = reputation.standing(RULES) != Standing.GOOD;
      }
      keptWork += fellBelow ? 0 : 1;
    }
    assertTrue(keptWork >= 0.99 * runs, keptWork + " of " + runs + " kept their work");
  }

  @Test
  void gradesAreAveragedWithMoreWeightOnTheNewest() {
    Reputation reputation =
        Reputation.fresh(RULES).after(new Reputation.ServiceGraded(0.2, round(0)), RULES);
    assertEquals(0.2, reputation.performance(), 1e-12, "the first grade is the mean");
    reputation = reputation.after(new Reputation.ServiceGraded(1.0, round(1)), RULES);
    assertEquals(0.28, reputation.performance(), 1e-12);
    assertEquals(1.0, reputation.storageScore(), "grades never touch the storage score");
  }

  @Test
  void anAttesterFarFromTheOthersLosesItsAttestingScore() {
    Reputation reputation = Reputation.fresh(RULES);
    int reports = 0;
    while (Reputation.standingOf(reputation.attestingScore(), RULES) == Standing.GOOD) {
      reputation = reputation.after(new Reputation.ReportCompared(false, round(reports++)), RULES);
    }
    assertEquals(6, reports);
    assertEquals(1.0, reputation.storageScore());
    assertTrue(Duration.ofMinutes(75).equals(RULES.roundWindow()));
  }
}
