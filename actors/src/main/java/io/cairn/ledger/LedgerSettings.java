package io.cairn.ledger;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The ledger's settings, read from {@code cairn.ledger}.
 *
 * @param coherenceBps the share of a round's reporters (in basis points) that must agree for its
 *     report to be final; the same number the ChecksumReports contract is deployed with
 */
public record LedgerSettings(Duration askTimeout, int snapshotEvery, int coherenceBps) {

  public static LedgerSettings fromConfig(Config config) {
    Config ledger = config.getConfig("cairn.ledger");
    return new LedgerSettings(
        ledger.getDuration("ask-timeout"),
        ledger.getInt("snapshot-every"),
        ledger.getInt("coherence-bps"));
  }
}
