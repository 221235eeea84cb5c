package io.cairn.ledger;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The ledger's settings, read from {@code cairn.ledger}.
 *
 * @param coherenceBps the share of a round's reporters (in basis points) that must agree for its
 *     report to be final; the same number the ChecksumReports contract is deployed with
 * @param unbondingSeconds how long after it begins exiting a provider can withdraw its stake; the
 *     same number the ProviderStakes contract is deployed with
 */
public record LedgerSettings(
    Duration askTimeout, int snapshotEvery, int coherenceBps, long unbondingSeconds) {

  public LedgerSettings {
    if (unbondingSeconds < 0) {
      throw new IllegalArgumentException("cairn.ledger.unbonding must be 0 or more");
    }
  }

  public static LedgerSettings fromConfig(Config config) {
    Config ledger = config.getConfig("cairn.ledger");
    return new LedgerSettings(
        ledger.getDuration("ask-timeout"),
        ledger.getInt("snapshot-every"),
        ledger.getInt("coherence-bps"),
        ledger.getDuration("unbonding").toSeconds());
  }
}
