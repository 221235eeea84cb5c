package io.cairn.protocol.hypercore;

import org.bouncycastle.crypto.digests.Blake2bDigest;

/**
 * One-shot BLAKE2b with a 32-byte digest, for hashes computed rarely (keys, namespaces). The hot
 * Merkle path uses {@link MerkleHasher}, which reuses its digest.
 */
public final class Blake2b {
  /** Digest length in bytes of every hash in a Hypercore. */
  public static final int HASH_LENGTH = 32;

  private Blake2b() {}

  /**
   * BLAKE2b-256 of the concatenation of {@code parts}. The digest length 32 is set in the
   * parameter block (this is not BLAKE2b-512 truncated), and nothing separates the parts.
   */
  public static byte[] hash(byte[]... parts) {
    Blake2bDigest digest = new Blake2bDigest(HASH_LENGTH * 8);
    for (byte[] part : parts) {
      digest.update(part, 0, part.length);
    }
    byte[] out = new byte[HASH_LENGTH];
    digest.doFinal(out, 0);
    return out;
  }

  /** Keyed BLAKE2b-256 (the key goes into the BLAKE2b parameter block, not into the message). */
  public static byte[] keyedHash(byte[] key, byte[] message) {
    Blake2bDigest digest = new Blake2bDigest(key, HASH_LENGTH, null, null);
    digest.update(message, 0, message.length);
    byte[] out = new byte[HASH_LENGTH];
    digest.doFinal(out, 0);
    return out;
  }
}
