package io.cairn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cairn.journal.JournalSettings;
import io.cairn.keys.KeySettings;
import io.cairn.protocol.encryption.MasterKey;
import io.cairn.protocol.event.PrivateKeySigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a node finds the cluster's secrets, and when it must not make them itself. */
class SecretFileTest {
  @TempDir Path dataDir;

  private Config config(Map<String, Object> settings) {
    return ConfigFactory.parseMap(settings)
        .withFallback(ConfigFactory.parseMap(Map.of("cairn.data-dir", dataDir.toString())))
        .withFallback(ConfigFactory.load());
  }

  @Test
  void anEmbeddedNodeMakesItsSecretsInItsDataDirectoryOnceOwnerReadableOnly() throws Exception {
    Config config = config(Map.of());
    ServiceIdentity identity = ServiceIdentity.fromConfig(config, JournalSettings.Kind.H2);
    assertEquals(
        identity.address(), ServiceIdentity.fromConfig(config, JournalSettings.Kind.H2).address());
    Path serviceKey = dataDir.resolve("keys").resolve("service.key");
    assertEquals(
        identity.address(),
        PrivateKeySigner.fromHex(Files.readString(serviceKey).strip()).address());

    byte[] sealed =
        KeySettings.masterKey(config, JournalSettings.Kind.H2).seal(new byte[] {7}, new byte[0]);
    Path masterKey = dataDir.resolve("keys").resolve("master.key");
    assertEquals(
        7, KeySettings.masterKey(config, JournalSettings.Kind.H2).open(sealed, new byte[0])[0]);
    for (Path file : new Path[] {serviceKey, masterKey}) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
  }

  @Test
  void onPostgresTheFilesMustBeNamedAndMustExist() throws Exception {
    IllegalStateException unset =
        assertThrows(
            IllegalStateException.class,
            () -> KeySettings.masterKey(config(Map.of()), JournalSettings.Kind.POSTGRES));
    assertTrue(
        unset.getMessage().contains("cairn.keys.master-key-file is not set"), unset.getMessage());
    unset =
        assertThrows(
            IllegalStateException.class,
            () -> ServiceIdentity.fromConfig(config(Map.of()), JournalSettings.Kind.POSTGRES));
    assertTrue(
        unset.getMessage().contains("cairn.service.key-file is not set"), unset.getMessage());

    Path missing = dataDir.resolve("mounted").resolve("master.key");
    IllegalStateException absent =
        assertThrows(
            IllegalStateException.class,
            () ->
                KeySettings.masterKey(
                    config(Map.of("cairn.keys.master-key-file", missing.toString())),
                    JournalSettings.Kind.POSTGRES));
    assertTrue(absent.getMessage().contains("does not exist"), absent.getMessage());

    MasterKey shared = MasterKey.generate();
    Files.createDirectories(missing.getParent());
    Files.writeString(missing, shared.toHex() + "\n");
    byte[] sealed = shared.seal(new byte[] {9}, new byte[0]);
    MasterKey read =
        KeySettings.masterKey(
            config(Map.of("cairn.keys.master-key-file", missing.toString())),
            JournalSettings.Kind.POSTGRES);
    assertEquals(9, read.open(sealed, new byte[0])[0]);
  }
}
