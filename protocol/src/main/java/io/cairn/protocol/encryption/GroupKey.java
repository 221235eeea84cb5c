package io.cairn.protocol.encryption;

import io.cairn.protocol.Randomness;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.UUID;

/**
 * A stream's symmetric key, as Streamr's SDK holds one ({@code GroupKey.ts}): an id and 32 bytes of
 * AES-256 key. A publisher encrypts the content of its events with it ({@link StreamEncryption})
 * and hands it to subscribers sealed to their public keys ({@link GroupKeySealing}).
 *
 * <p>The id travels in clear in every encrypted message ({@code groupKeyId}) and in key exchange
 * messages; Streamr's SDK makes it from a UUID and requires only that it is not empty and does not
 * look like a PEM key (contain {@code ---BEGIN}); Cairn applies the same two rules. The key bytes
 * are never printed by {@link #toString()}.
 */
public final class GroupKey {
  /** AES-256: 32 bytes; Streamr refuses any other length. */
  public static final int LENGTH = 32;

  private final String id;
  private final byte[] data;

  /**
   * @param id the key's id, not empty and not containing {@code ---BEGIN}
   * @param data exactly {@link #LENGTH} bytes, copied
   */
  public GroupKey(String id, byte[] data) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(data, "data");
    if (id.isEmpty()) {
      throw new IllegalArgumentException("a group key id must not be empty");
    }
    if (id.contains("---BEGIN")) {
      throw new IllegalArgumentException("a PEM key is not a group key id");
    }
    if (data.length != LENGTH) {
      throw new IllegalArgumentException(
          "a group key is " + LENGTH + " bytes (256 bits), not " + data.length);
    }
    this.id = id;
    this.data = data.clone();
  }

  /** A fresh key: 32 random bytes, with a random UUID (version 4) as its id. */
  public static GroupKey generate() {
    return generate(randomUuid());
  }

  /** A fresh key of 32 random bytes with the given id. */
  public static GroupKey generate(String id) {
    return new GroupKey(id, Randomness.bytes(LENGTH));
  }

  public String id() {
    return id;
  }

  /** A copy of the 32 key bytes. */
  public byte[] data() {
    return data.clone();
  }

  /** The key bytes without a copy, for this package's ciphers. */
  byte[] bytes() {
    return data;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof GroupKey key
        && id.equals(key.id)
        && MessageDigest.isEqual(data, key.data);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  /** The id only: key bytes stay out of logs. */
  @Override
  public String toString() {
    return "GroupKey[" + id + "]";
  }

  private static String randomUuid() {
    ByteBuffer random = ByteBuffer.wrap(Randomness.bytes(16));
    long high = (random.getLong() & ~0xF000L) | 0x4000L; // version 4
    long low = (random.getLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L; // IETF variant
    return new UUID(high, low).toString();
  }
}
