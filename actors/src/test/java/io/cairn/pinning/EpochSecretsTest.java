package io.cairn.pinning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.protocol.encryption.MasterKey;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EpochSecretsTest {
  private final MasterKey master = MasterKey.generate();

  @Test
  void everyNodeWithTheMasterKeyFindsTheSameSecretsAndNoOtherKeyDoes() {
    EpochSecrets one = new EpochSecrets(master.derive(EpochSecrets.PURPOSE));
    EpochSecrets restarted =
        new EpochSecrets(MasterKey.parse(master.toHex().getBytes()).derive(EpochSecrets.PURPOSE));
    assertArrayEquals(one.secret(42), restarted.secret(42));

    EpochSecrets otherCluster = new EpochSecrets(MasterKey.generate().derive(EpochSecrets.PURPOSE));
    assertFalse(
        HexFormat.of()
            .formatHex(one.secret(42))
            .equals(HexFormat.of().formatHex(otherCluster.secret(42))));
    assertFalse(
        HexFormat.of()
            .formatHex(master.derive(EpochSecrets.PURPOSE))
            .equals(HexFormat.of().formatHex(master.derive("another purpose"))),
        "two purposes give unrelated keys");
  }

  @Test
  void aCommitmentOpensWithItsEpochsSecretOnly() {
    EpochSecrets secrets = new EpochSecrets(master.derive(EpochSecrets.PURPOSE));
    Set<String> seen = new HashSet<>();
    for (long epoch = 0; epoch < 1_000; epoch++) {
      byte[] secret = secrets.secret(epoch);
      byte[] commitment = EpochSecrets.commitment(secret);
      assertTrue(EpochSecrets.opens(commitment, secret));
      assertFalse(EpochSecrets.opens(commitment, secrets.secret(epoch + 1)));
      assertTrue(seen.add(HexFormat.of().formatHex(secret)), "epoch " + epoch + " repeats");
    }
    assertEquals(32, secrets.secret(0).length);
    assertThrows(IllegalArgumentException.class, () -> new EpochSecrets(new byte[31]));
    assertFalse(secrets.toString().contains(HexFormat.of().formatHex(secrets.secret(0))));
  }
}
