package io.cairn.pinning;

import com.typesafe.config.Config;
import io.cairn.protocol.pinning.SealParameters;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;

/**
 * The settings of the pinning feature, read from {@code cairn.pinning}. The production defaults and
 * their reasons are in reference.conf and docs/operations.md; {@code config/pinning-fast.conf}
 * scales the times down together, so a whole cycle runs in seconds.
 *
 * <p>A replica still SEALING {@code sealDeadline} after it was placed is FAULTY; a provider that
 * has answered no challenge for {@code offlineGrace} since its first missed deadline is OFFLINE.
 */
public record PinningSettings(
    Duration askTimeout,
    int maxLabelLength,
    int maxReplicas,
    int maxDays,
    Duration epochLength,
    Duration placementRetry,
    long sectorBlocks,
    SealParameters seal,
    double auditShare,
    Duration sealDeadline,
    Duration offlineGrace,
    Challenges challenges,
    Tail tail,
    Reputation.Rules reputation,
    Economy economy,
    Stake stake) {

  /**
   * What providers stake (PINNING.md 3.5): a provider registers only with at least {@code minimum}
   * staked on the ledger, and selection weighs it by {@code min(1, stake / target)}. Both in token
   * base units; 0 turns each off (no stake required; stake does not weigh).
   */
  public record Stake(BigInteger minimum, BigInteger target) {
    public Stake {
      if (minimum.signum() < 0 || target.signum() < 0) {
        throw new IllegalArgumentException("cairn.pinning.stake: amounts are at least 0");
      }
    }

    /** The share of full weight {@code staked} earns: 1 when stake does not weigh. */
    public double share(BigInteger staked) {
      if (target.signum() == 0) {
        return 1;
      }
      return staked.min(target).doubleValue() / target.doubleValue();
    }
  }

  /**
   * How pinning is paid out of each job's escrow (PINNING.md 3.7). A replica earns per {@code
   * period} (a day in production) in which at least one round passed, none failed and at most one
   * missed deadline was retried; a period's price is the job's deposit spread evenly over its
   * replicas and days. Of each payment {@code burnShare} is burned, and of the rest {@code
   * heldShare} is held back while the hoster is younger than {@code heldFor}; a witness earns
   * {@code witnessFeePeriods} periods' price per accepted seal. The sender pays what is due every
   * {@code sendInterval}.
   */
  public record Economy(
      Duration period,
      double burnShare,
      double heldShare,
      Duration heldFor,
      int witnessFeePeriods,
      Duration sendInterval) {
    public Economy {
      for (double share : new double[] {burnShare, heldShare}) {
        if (!(share >= 0 && share <= 1)) {
          throw new IllegalArgumentException(
              "cairn.pinning.economy: a share is between 0 and 1, not " + share);
        }
      }
    }
  }

  /**
   * How a running job follows its growing core: it reads the core's length every {@code
   * checkInterval}, and seals the unsealed tail as a new sector when it holds {@code sectorBlocks}
   * blocks or its oldest block has waited {@code sealAfter}.
   */
  public record Tail(Duration checkInterval, Duration sealAfter) {}

  /**
   * Storage-challenge rounds: each replica is challenged at times drawn between {@code intervalMin}
   * and {@code intervalMax} apart, {@code indices} nodes a round ({@code suspiciousIndices} on
   * activation and after a miss); an answer is due within {@code deadline}; a missed round is asked
   * again after each of {@code retryDelays}, and a miss beyond them makes the replica FAULTY.
   */
  public record Challenges(
      Duration intervalMin,
      Duration intervalMax,
      int indices,
      int suspiciousIndices,
      Duration deadline,
      List<Duration> retryDelays) {
    public Challenges {
      retryDelays = List.copyOf(retryDelays);
      if (intervalMax.compareTo(intervalMin) < 0) {
        throw new IllegalArgumentException(
            "cairn.pinning.challenges.interval-max is below interval-min");
      }
    }

    /** Misses in a row that make a replica FAULTY: the first ask and each retry. */
    public int missesToFault() {
      return retryDelays.size() + 1;
    }
  }

  public static PinningSettings fromConfig(Config config) {
    Config pinning = config.getConfig("cairn.pinning");
    Config seal = pinning.getConfig("seal");
    Config challenges = pinning.getConfig("challenges");
    return new PinningSettings(
        pinning.getDuration("ask-timeout"),
        pinning.getInt("max-label-length"),
        pinning.getInt("max-replicas"),
        pinning.getInt("max-days"),
        pinning.getDuration("epoch-length"),
        pinning.getDuration("placement-retry"),
        pinning.getLong("sector-blocks"),
        new SealParameters(
            seal.getInt("min-layers"), seal.getLong("ops-min"), seal.getBytes("sector-cap")),
        pinning.getDouble("audit-share"),
        seal.getDuration("deadline"),
        pinning.getDuration("offline-grace"),
        new Challenges(
            challenges.getDuration("interval-min"),
            challenges.getDuration("interval-max"),
            challenges.getInt("indices"),
            challenges.getInt("suspicious-indices"),
            challenges.getDuration("deadline"),
            challenges.getDurationList("retry-delays")),
        new Tail(
            pinning.getDuration("tail.check-interval"), pinning.getDuration("tail.seal-after")),
        reputationRules(pinning.getConfig("reputation")),
        economy(pinning.getConfig("economy")),
        new Stake(
            tokens(pinning.getString("stake.minimum")), tokens(pinning.getString("stake.target"))));
  }

  /** Whole tokens, as configured, in base units (18 decimals). */
  private static BigInteger tokens(String whole) {
    return new BigDecimal(whole).movePointRight(18).toBigIntegerExact();
  }

  private static Economy economy(Config economy) {
    return new Economy(
        economy.getDuration("period"),
        economy.getDouble("burn-share"),
        economy.getDouble("held-share"),
        economy.getDuration("held-for"),
        economy.getInt("witness-fee-periods"),
        economy.getDuration("send-interval"));
  }

  private static Reputation.Rules reputationRules(Config reputation) {
    return new Reputation.Rules(
        reputation.getDouble("forgetting"),
        reputation.getDouble("no-new-work-below"),
        reputation.getDouble("migrate-below"),
        reputation.getDouble("invalid-proof-penalty"),
        reputation.getDuration("round-window"),
        reputation.getLong("vetting-rounds"),
        reputation.getDouble("unvetted-share"),
        reputation.getDouble("performance-smoothing"),
        reputation.getDouble("attester-tolerance"));
  }
}
