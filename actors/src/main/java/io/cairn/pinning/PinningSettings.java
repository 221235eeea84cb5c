package io.cairn.pinning;

import com.typesafe.config.Config;
import java.time.Duration;

/** The settings of the pinning feature, read from {@code cairn.pinning}. */
public record PinningSettings(
    Duration askTimeout, int maxLabelLength, int maxReplicas, int maxDays) {
  public static PinningSettings fromConfig(Config config) {
    Config pinning = config.getConfig("cairn.pinning");
    return new PinningSettings(
        pinning.getDuration("ask-timeout"),
        pinning.getInt("max-label-length"),
        pinning.getInt("max-replicas"),
        pinning.getInt("max-days"));
  }
}
