package io.cairn.core;

import com.typesafe.config.Config;
import java.time.Duration;

/** The settings of the Core entities, read from {@code cairn.core}. */
public record CoreSettings(
    int maxBlockSize, long maxBatchBytes, int maxRangeBlocks, Duration askTimeout) {
  public static CoreSettings fromConfig(Config config) {
    Config core = config.getConfig("cairn.core");
    return new CoreSettings(
        (int) core.getBytes("max-block-size").longValue(),
        core.getBytes("max-batch-bytes"),
        core.getInt("max-range-blocks"),
        core.getDuration("ask-timeout"));
  }
}
