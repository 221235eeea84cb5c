package io.cairn.keys;

import com.typesafe.config.Config;
import io.cairn.cluster.SecretFile;
import io.cairn.journal.JournalSettings;
import io.cairn.protocol.encryption.MasterKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The key custodians' settings, read from {@code cairn.keys}. */
public record KeySettings(Duration askTimeout, int snapshotEvery, SecretFile masterKeyFile) {
  public static final String MASTER_KEY_SETTING = "cairn.keys.master-key-file";

  public static KeySettings fromConfig(Config config, JournalSettings.Kind journal) {
    Config keys = config.getConfig("cairn.keys");
    return new KeySettings(
        keys.getDuration("ask-timeout"),
        keys.getInt("snapshot-every"),
        SecretFile.fromConfig(config, MASTER_KEY_SETTING, "master.key", journal));
  }

  /** The master key from its file, created first on an embedded node. */
  public MasterKey masterKey() {
    byte[] file = masterKeyFile.readOrCreate(() -> MasterKey.generate().toHex().getBytes(StandardCharsets.US_ASCII));
    try {
      return MasterKey.parse(file);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(MASTER_KEY_SETTING + " " + masterKeyFile.path() + ": " + e.getMessage());
    }
  }
}
