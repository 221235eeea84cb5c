package io.cairn.ledger;

import com.typesafe.config.Config;
import io.cairn.ledger.evm.EvmChainSettings;
import java.time.Duration;
import java.util.Optional;

/**
 * The ledger's settings, read from {@code cairn.ledger}.
 *
 * @param coherenceBps the share of a round's reporters (in basis points) that must agree for its
 *     report to be final; the same number the ChecksumReports contract is deployed with
 * @param chain the chain whose contracts are the ledger, when {@code cairn.ledger.chain.url} is
 *     set; empty: the embedded ledger
 */
public record LedgerSettings(
    Duration askTimeout, int snapshotEvery, int coherenceBps, Optional<EvmChainSettings> chain) {

  /** The embedded ledger's settings. */
  public LedgerSettings(Duration askTimeout, int snapshotEvery, int coherenceBps) {
    this(askTimeout, snapshotEvery, coherenceBps, Optional.empty());
  }

  public static LedgerSettings fromConfig(Config config) {
    Config ledger = config.getConfig("cairn.ledger");
    EvmChainSettings chain = EvmChainSettings.fromConfig(config);
    return new LedgerSettings(
        ledger.getDuration("ask-timeout"),
        ledger.getInt("snapshot-every"),
        ledger.getInt("coherence-bps"),
        chain.configured() ? Optional.of(chain) : Optional.empty());
  }
}
