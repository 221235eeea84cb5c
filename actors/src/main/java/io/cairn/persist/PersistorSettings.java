package io.cairn.persist;

import com.typesafe.config.Config;
import java.time.Duration;

/** The settings of the Persistor entities, read from {@code cairn.persistor}. */
public record PersistorSettings(
    Duration interval,
    Duration minInterval,
    Duration askTimeout,
    int catchUpBatch,
    int pageSize,
    int rebroadcastPageSize,
    int rebroadcastMaxPages) {

  public static PersistorSettings fromConfig(Config config) {
    Config persistor = config.getConfig("cairn.persistor");
    return new PersistorSettings(
        persistor.getDuration("interval"),
        persistor.getDuration("min-interval"),
        persistor.getDuration("ask-timeout"),
        persistor.getInt("catch-up-batch"),
        persistor.getInt("page-size"),
        persistor.getInt("rebroadcast.page-size"),
        persistor.getInt("rebroadcast.max-pages"));
  }
}
