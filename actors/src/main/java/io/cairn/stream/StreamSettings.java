package io.cairn.stream;

import com.typesafe.config.Config;
import java.time.Duration;

/** The settings of the Stream entities, read from {@code cairn.stream}. */
public record StreamSettings(
    int maxPartitions,
    int maxDescriptionLength,
    int snapshotEvery,
    Duration askTimeout,
    int maxContentBytes,
    Duration permissionCacheTtl,
    int streamCacheSize,
    int partitionSnapshotEvery,
    Duration topicIdleAfter) {

  public static StreamSettings fromConfig(Config config) {
    Config stream = config.getConfig("cairn.stream");
    return new StreamSettings(
        stream.getInt("max-partitions"),
        stream.getInt("max-description-length"),
        stream.getInt("snapshot-every"),
        stream.getDuration("ask-timeout"),
        (int) stream.getBytes("max-content-size").longValue(),
        stream.getDuration("permission-cache-ttl"),
        stream.getInt("stream-cache-size"),
        stream.getInt("partition-snapshot-every"),
        stream.getDuration("topic-idle-after"));
  }
}
