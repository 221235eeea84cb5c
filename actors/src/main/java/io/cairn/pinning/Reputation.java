package io.cairn.pinning;

import java.time.Duration;
import java.time.Instant;

/**
 * How a provider has behaved, as three scores kept by its {@link Provider} (PINNING.md 3.6):
 *
 * <ul>
 *   <li><b>Storage</b>, a beta score with forgetting over its hoster-rounds. Storage verdicts of
 *       its replicas are gathered in a window as long as a challenge interval (a hoster-round, in
 *       which each of its replicas is asked about once); when a verdict comes after the window, the
 *       window closes with {@code v} = the share of its verdicts that passed: {@code α ← λα + v},
 *       {@code β ← λβ + (1 − v)}, and the score is {@code α / (α + β)}. A new provider starts at
 *       the perfect steady state {@code α = 1/(1 − λ)}, {@code β = 0}, so that from there 6 rounds
 *       failed in a row take it below 0.95 whenever it joined ({@code 0.99^6 = 0.941}). An invalid
 *       proof bypasses the window: {@code β} grows at once by the penalty, 20, which takes a
 *       perfect provider to 0.83, below the migration threshold.
 *   <li><b>Performance</b>, the exponentially weighted mean of the grades attesters gave it ({@link
 *       PerformanceGrade}), 1 until the first grade. It weighs selection and never slashes.
 *   <li><b>Attesting</b>, a beta score like storage's over its reports as an attester: a report
 *       close to the other attesters' median for the same hoster counts 1, one far from it 0.
 * </ul>
 *
 * <p>Storj keeps λ = 0.999 and disqualifies below 0.96 because one lost erasure share is cheap to
 * rebuild; a whole replica is not, so Cairn forgets faster (λ = 0.99) and acts sooner. A pure
 * value: every change is a function of the old value and the verdict, and the provider persists the
 * result, so a replay needs none of this code's arithmetic to agree bit for bit.
 */
public record Reputation(
    double storageAlpha,
    double storageBeta,
    Instant windowStart,
    int windowPassed,
    int windowFailed,
    long cleanRounds,
    double performance,
    long grades,
    double attestingAlpha,
    double attestingBeta) {

  /** What the scores do, from {@code cairn.pinning.reputation}. */
  public record Rules(
      double forgetting,
      double noNewWorkBelow,
      double migrateBelow,
      double invalidProofPenalty,
      Duration roundWindow,
      long vettingRounds,
      double unvettedShare,
      double performanceSmoothing,
      double attesterTolerance) {
    public Rules {
      if (!(forgetting > 0 && forgetting < 1)) {
        throw new IllegalArgumentException(
            "cairn.pinning.reputation.forgetting is between 0 and 1, not " + forgetting);
      }
      if (!(migrateBelow <= noNewWorkBelow)) {
        throw new IllegalArgumentException(
            "cairn.pinning.reputation.migrate-below is at most no-new-work-below");
      }
      if (!(unvettedShare >= 0 && unvettedShare < 1)) {
        throw new IllegalArgumentException(
            "cairn.pinning.reputation.unvetted-share is in [0, 1), not " + unvettedShare);
      }
    }

    /** The steady state of a provider that never failed: where every provider starts. */
    double perfectAlpha() {
      return 1 / (1 - forgetting);
    }
  }

  /** Where a provider stands with the pinning jobs. */
  public enum Standing {
    /** Takes new work. */
    GOOD,
    /** Below {@code no-new-work-below}: keeps what it holds, gets nothing new. */
    SUSPENDED,
    /** Below {@code migrate-below}: its replicas move away; final for its key, as an exit is. */
    DISQUALIFIED
  }

  /** What changes a reputation: each is kept with the reputation it led to. */
  public sealed interface Judgement {
    Instant at();
  }

  /** One storage round of one of its replicas, passed or failed (three deadlines missed). */
  public record StorageRound(boolean passed, Instant at) implements Judgement {}

  /** An answer that did not prove the replica: caught cheating, not merely late. */
  public record InvalidProof(Instant at) implements Judgement {}

  /** An attester's grade of its service. */
  public record ServiceGraded(double grade, Instant at) implements Judgement {
    public ServiceGraded {
      if (!(grade >= 0 && grade <= 1)) {
        throw new IllegalArgumentException("a grade is between 0 and 1, not " + grade);
      }
    }
  }

  /** One of its reports as an attester, compared with the other attesters' for that hoster. */
  public record ReportCompared(boolean agreed, Instant at) implements Judgement {}

  /** What selection reads of a reputation, as the provider directory keeps it. */
  public record Scores(double storage, double performance, double attesting, boolean vetted) {}

  /** A provider that has not been judged yet. */
  public static Reputation fresh(Rules rules) {
    return new Reputation(
        rules.perfectAlpha(), 0, Instant.EPOCH, 0, 0, 0, 1, 0, rules.perfectAlpha(), 0);
  }

  public double storageScore() {
    return storageAlpha / (storageAlpha + storageBeta);
  }

  public double attestingScore() {
    return attestingAlpha / (attestingAlpha + attestingBeta);
  }

  /** Whether it has passed enough whole hoster-rounds to be weighed at full weight. */
  public boolean vetted(Rules rules) {
    return cleanRounds >= rules.vettingRounds();
  }

  public Scores scores(Rules rules) {
    return new Scores(storageScore(), performance, attestingScore(), vetted(rules));
  }

  /** Its standing as a hoster or encoder, from the storage score. */
  public Standing standing(Rules rules) {
    return standingOf(storageScore(), rules);
  }

  /** Where a provider with {@code score} (storage, or attesting as an attester) stands. */
  public static Standing standingOf(double score, Rules rules) {
    if (score < rules.migrateBelow()) {
      return Standing.DISQUALIFIED;
    }
    return score < rules.noNewWorkBelow() ? Standing.SUSPENDED : Standing.GOOD;
  }

  /** The reputation after {@code judgement}. */
  public Reputation after(Judgement judgement, Rules rules) {
    if (judgement instanceof StorageRound round) {
      return judged(round.passed(), round.at(), rules);
    } else if (judgement instanceof InvalidProof) {
      return provedFalse(rules);
    } else if (judgement instanceof ServiceGraded graded) {
      return graded(graded.grade(), rules);
    } else if (judgement instanceof ReportCompared compared) {
      return attested(compared.agreed(), rules);
    }
    throw new IllegalArgumentException("no rule for " + judgement);
  }

  /**
   * One storage round of one of its replicas judged at {@code at}: it joins the open window, or,
   * when the window is over, closes it (updating the score) and opens the next with it.
   */
  Reputation judged(boolean passed, Instant at, Rules rules) {
    Reputation closed = this;
    if (windowPassed + windowFailed > 0 && !at.isBefore(windowStart.plus(rules.roundWindow()))) {
      closed = closeWindow(rules);
    }
    boolean opening = closed.windowPassed + closed.windowFailed == 0;
    return new Reputation(
        closed.storageAlpha,
        closed.storageBeta,
        opening ? at : closed.windowStart,
        closed.windowPassed + (passed ? 1 : 0),
        closed.windowFailed + (passed ? 0 : 1),
        closed.cleanRounds,
        performance,
        grades,
        attestingAlpha,
        attestingBeta);
  }

  /** An invalid proof: the penalty at once, whatever the window holds. */
  Reputation provedFalse(Rules rules) {
    return new Reputation(
        storageAlpha,
        storageBeta + rules.invalidProofPenalty(),
        windowStart,
        windowPassed,
        windowFailed,
        cleanRounds,
        performance,
        grades,
        attestingAlpha,
        attestingBeta);
  }

  /** An attester's grade of its service. */
  Reputation graded(double grade, Rules rules) {
    double smoothed =
        grades == 0 ? grade : performance + rules.performanceSmoothing() * (grade - performance);
    return new Reputation(
        storageAlpha,
        storageBeta,
        windowStart,
        windowPassed,
        windowFailed,
        cleanRounds,
        smoothed,
        grades + 1,
        attestingAlpha,
        attestingBeta);
  }

  /** One of its reports as an attester, close to the others' ({@code agreed}) or far from them. */
  Reputation attested(boolean agreed, Rules rules) {
    double lambda = rules.forgetting();
    return new Reputation(
        storageAlpha,
        storageBeta,
        windowStart,
        windowPassed,
        windowFailed,
        cleanRounds,
        performance,
        grades,
        lambda * attestingAlpha + (agreed ? 1 : 0),
        lambda * attestingBeta + (agreed ? 0 : 1));
  }

  private Reputation closeWindow(Rules rules) {
    double lambda = rules.forgetting();
    double passedShare = (double) windowPassed / (windowPassed + windowFailed);
    return new Reputation(
        lambda * storageAlpha + passedShare,
        lambda * storageBeta + (1 - passedShare),
        windowStart,
        0,
        0,
        cleanRounds + (windowFailed == 0 ? 1 : 0),
        performance,
        grades,
        attestingAlpha,
        attestingBeta);
  }
}
