package io.cairn.pinning;

import io.cairn.protocol.hypercore.Blake2b;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The pinning epochs' secrets (PINNING.md §3.5): epoch {@code e}'s secret is HMAC-SHA256 of {@code
 * u64be(e)} under a key every node derives alike from the cluster's master key ({@code
 * MasterKey.derive("cairn/pinning-epochs/v1")}), and its commitment is BLAKE2b-256 of the secret.
 * The cluster publishes the commitment before the epoch begins and the secret after it ends, so
 * anyone can check afterwards that the selections and challenge indices drawn from it were not
 * chosen: the secret was fixed before anyone could act on it.
 *
 * <p>Derived rather than drawn: nothing random is called where decisions are made, no secret is
 * written to the journal before it is revealed, and a node that restarts finds the same secrets.
 * Whoever holds the master key can compute future secrets; the master key is already the cluster's
 * most guarded secret.
 */
public final class EpochSecrets {
  /** The purpose the epochs' key is derived for. */
  public static final String PURPOSE = "cairn/pinning-epochs/v1";

  private final byte[] key;

  /** Over the key derived for {@link #PURPOSE}: 32 bytes. */
  public EpochSecrets(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("the epochs' key is 32 bytes, not " + key.length);
    }
    this.key = key.clone();
  }

  /** Epoch {@code epoch}'s secret, 32 bytes. */
  public byte[] secret(long epoch) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(epoch).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK provides HmacSHA256", e);
    }
  }

  /** What the cluster publishes before the epoch: BLAKE2b-256 of its secret. */
  public static byte[] commitment(byte[] secret) {
    return Blake2b.hash(secret);
  }

  /** Whether {@code secret} is the one {@code commitment} was made for. */
  public static boolean opens(byte[] commitment, byte[] secret) {
    return MessageDigest.isEqual(commitment, commitment(secret));
  }

  @Override
  public String toString() {
    return "EpochSecrets[key hidden]";
  }
}
