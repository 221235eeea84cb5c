package io.cairn.ledger;

import com.typesafe.config.Config;
import io.cairn.protocol.ledger.TokenAmount;
import java.math.BigInteger;
import java.time.Duration;

/**
 * How the cluster reports its paid partitions' checksums, read from {@code cairn.ledger.checksums}.
 *
 * @param interval the length of a reporting interval (docs/protocol.md, "Partition checksums")
 * @param settle how long after an interval ends its round opens, so late events are in
 * @param rewardPerReporter what each agreeing reporter earns from the report pool
 */
public record ChecksumSettings(
    boolean enabled, Duration interval, Duration settle, BigInteger rewardPerReporter) {

  public static ChecksumSettings fromConfig(Config config) {
    Config checksums = config.getConfig("cairn.ledger.checksums");
    return new ChecksumSettings(
        checksums.getBoolean("enabled"),
        checksums.getDuration("interval"),
        checksums.getDuration("settle"),
        TokenAmount.parse(checksums.getString("reward-per-reporter"), "reward-per-reporter"));
  }
}
