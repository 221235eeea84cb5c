package io.cairn.keys;

import com.typesafe.config.Config;
import io.cairn.cluster.SecretFile;
import io.cairn.journal.JournalSettings;
import io.cairn.protocol.encryption.MasterKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The key custodians' settings, read from {@code cairn.keys}. {@code revokeRotationWait}: how long
 * the answer to a revocation of {@code subscribe} waits for the custodian's rotation after it.
 */
public record KeySettings(Duration askTimeout, int snapshotEvery, Duration revokeRotationWait) {
  public static final String MASTER_KEY_SETTING = "cairn.keys.master-key-file";

  public static KeySettings fromConfig(Config config) {
    Config keys = config.getConfig("cairn.keys");
    return new KeySettings(
        keys.getDuration("ask-timeout"),
        keys.getInt("snapshot-every"),
        keys.getDuration("revoke-rotation-wait"));
  }

  /**
   * The master key from {@value #MASTER_KEY_SETTING}, by the rules of {@link SecretFile}: made on
   * first start of an embedded node, required on PostgreSQL.
   *
   * @throws IllegalStateException when it is not set where it must be, or cannot be read
   */
  public static MasterKey masterKey(Config config, JournalSettings.Kind journal) {
    SecretFile file = SecretFile.fromConfig(config, MASTER_KEY_SETTING, "master.key", journal);
    byte[] bytes =
        file.readOrCreate(() -> MasterKey.generate().toHex().getBytes(StandardCharsets.US_ASCII));
    try {
      return MasterKey.parse(bytes);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          MASTER_KEY_SETTING + " " + file.path() + ": " + e.getMessage());
    }
  }
}
