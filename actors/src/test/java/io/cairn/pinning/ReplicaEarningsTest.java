package io.cairn.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.cairn.pinning.ReplicaEarnings.Due;
import io.cairn.pinning.ReplicaEarnings.Kind;
import io.cairn.pinning.ReplicaEarnings.Row;
import io.cairn.pinning.ReplicaEarnings.Step;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.ledger.Bytes32;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** What a replica earns per period, and how a payment splits (PINNING.md 3.7, 5.8). */
class ReplicaEarningsTest {
  private static final Duration DAY = Duration.ofDays(1);
  private static final Instant ACCEPTED = Instant.parse("2026-12-01T06:00:00Z");
  private static final EthereumAddress HOSTER = new EthereumAddress("0x" + "11".repeat(20));
  private static final EthereumAddress WITNESS = new EthereumAddress("0x" + "22".repeat(20));
  private static final PinningSettings.Economy ECONOMY =
      PinningSettings.fromConfig(ConfigFactory.defaultReference()).economy();

  private final List<Due> owed = new ArrayList<>();
  private Row row =
      new Row(
          "replica-0",
          Bytes32.of(new byte[32]),
          0,
          HOSTER,
          WITNESS,
          java.util.Optional.empty(),
          0,
          0,
          0,
          false,
          false);

  private void on(PinnedReplica.Event event) {
    Step step = ReplicaEarnings.apply(row, event, DAY);
    row = step.row();
    owed.addAll(step.owed());
  }

  private void accepted() {
    on(
        new PinnedReplica.Accepted(
            new PinnedReplica.Commitment(Bytes32.of(new byte[32]), 0), ACCEPTED, ACCEPTED));
  }

  private void passedAt(Duration after) {
    on(
        new PinnedReplica.ChallengeAnswered(
            Bytes32.of(new byte[32]), new byte[0], true, "", ACCEPTED.plus(after), ACCEPTED));
  }

  private void missedAt(Duration after) {
    on(
        new PinnedReplica.ChallengeMissed(
            Bytes32.of(new byte[32]), ACCEPTED.plus(after), ACCEPTED.plus(after)));
  }

  @Test
  void theWitnessIsOwedItsFeeWhenTheSealIsAccepted() {
    accepted();
    assertEquals(1, owed.size());
    assertEquals(Kind.SEAL, owed.get(0).kind());
    assertEquals(WITNESS, owed.get(0).payee());
    assertTrue(owed.get(0).earned());
  }

  @Test
  void aDayOfPassedRoundsIsEarnedWhenTheNextDayBegins() {
    accepted();
    for (int hour = 1; hour < 24; hour++) {
      passedAt(Duration.ofHours(hour));
    }
    assertEquals(1, owed.size(), "the day is not over yet");
    passedAt(Duration.ofHours(24).plusMinutes(10));
    Due day = owed.get(1);
    assertEquals(Kind.PERIOD, day.kind());
    assertEquals(0, day.periodNo());
    assertEquals(HOSTER, day.payee());
    assertEquals(ReplicaEarnings.WHOLE, day.fractionPpm());
    assertTrue(day.earned());
  }

  @Test
  void oneRetriedMissIsForgivenTwoAreNot() {
    accepted();
    missedAt(Duration.ofHours(1));
    passedAt(Duration.ofHours(1).plusMinutes(5));
    passedAt(Duration.ofHours(30));
    assertTrue(owed.get(1).earned(), "one miss asked again and answered");
    missedAt(Duration.ofHours(31));
    passedAt(Duration.ofHours(31).plusMinutes(5));
    missedAt(Duration.ofHours(32));
    passedAt(Duration.ofHours(32).plusMinutes(5));
    passedAt(Duration.ofHours(50));
    assertFalse(owed.get(2).earned(), "two misses in one day");
  }

  @Test
  void aFaultyDayEarnsNothingAndEndsTheReplica() {
    accepted();
    passedAt(Duration.ofHours(1));
    on(new PinnedReplica.Faulted("3 missed deadlines", ACCEPTED.plus(Duration.ofHours(5))));
    assertFalse(owed.get(1).earned());
    assertEquals(Kind.SLASH, owed.get(2).kind(), "the repair's cost is slashed");
    assertEquals(HOSTER, owed.get(2).payee());
    assertEquals(ReplicaEarnings.REPAIR_PERIODS * ReplicaEarnings.WHOLE, owed.get(2).fractionPpm());
    assertTrue(row.closed());
    passedAt(Duration.ofHours(30));
    assertEquals(3, owed.size(), "nothing after the fault");
  }

  @Test
  void aDayWithoutAnyRoundEarnsNothing() {
    accepted();
    passedAt(Duration.ofHours(1));
    passedAt(Duration.ofHours(75));
    assertEquals(List.of(0L, 1L, 2L), owed.stream().skip(1).map(Due::periodNo).toList());
    assertTrue(owed.get(1).earned());
    assertFalse(owed.get(2).earned(), "no round in the node's outage");
    assertFalse(owed.get(3).earned());
    assertEquals(3, row.periodNo());
  }

  @Test
  void retiredMidDayTheReplicaEarnsItsShareOfTheDay() {
    accepted();
    passedAt(Duration.ofHours(1));
    on(
        new PinnedReplica.Retired(
            PinningJob.ReplicaState.ENDED, ACCEPTED.plus(Duration.ofHours(6))));
    Due last = owed.get(1);
    assertEquals(ReplicaEarnings.WHOLE / 4, last.fractionPpm());
    assertTrue(last.earned());
    assertTrue(row.closed());
  }

  @Test
  void everyPeriodHasItsOwnSettlementId() {
    accepted();
    for (int hour = 1; hour < 24 * 5; hour += 3) {
      passedAt(Duration.ofHours(hour));
    }
    assertEquals(owed.size(), owed.stream().map(Due::settlementId).distinct().count());
  }

  /** The burn, the held share and the payout always add up to the amount, exactly. */
  @Test
  void aPaymentSplitsIntoPayoutHeldAndBurnThatAddUpExactly() {
    SplittableRandom random = new SplittableRandom(15);
    for (int i = 0; i < 10_000; i++) {
      BigInteger amount = BigInteger.valueOf(random.nextLong(0, Long.MAX_VALUE)).shiftLeft(20);
      boolean young = random.nextBoolean();
      Settlements.Priced priced = Settlements.split(amount, ECONOMY, young);
      assertEquals(amount, priced.total());
      assertTrue(priced.paid().signum() >= 0 && priced.held().signum() >= 0);
      if (!young) {
        assertEquals(BigInteger.ZERO, priced.held());
      }
    }
    Settlements.Priced hundred = Settlements.split(BigInteger.valueOf(100), ECONOMY, true);
    assertEquals(
        new Settlements.Priced(BigInteger.valueOf(49), BigInteger.valueOf(49), BigInteger.TWO),
        hundred);
  }

  @Test
  void aPeriodsPriceSpreadsTheDepositOverReplicasAndDays() {
    assertEquals(
        BigInteger.valueOf(1000),
        Settlements.periodPrice(BigInteger.valueOf(90_000), 3, 30, ECONOMY));
  }
}
