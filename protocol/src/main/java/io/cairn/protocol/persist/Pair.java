package io.cairn.protocol.persist;

import io.cairn.protocol.hypercore.Blake2b;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One {@code {address, key}} pair of encrypted persistence: where a publisher stored an encrypted
 * item, and the 32-byte AES-256-GCM key it is encrypted with. The address is opaque here, compared
 * as it is written. The key bytes are never printed by {@link #toString()}.
 */
public final class Pair {
  /** AES-256: the only key length a pair may carry. */
  public static final int KEY_LENGTH = 32;

  private final String address;
  private final byte[] key;

  /**
   * @param address not empty
   * @param key exactly {@link #KEY_LENGTH} bytes, copied
   */
  public Pair(String address, byte[] key) {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(key, "key");
    if (address.isEmpty()) {
      throw new IllegalArgumentException("a pair's address must not be empty");
    }
    if (key.length != KEY_LENGTH) {
      throw new IllegalArgumentException(
          "a pair's key is " + KEY_LENGTH + " bytes, not " + key.length);
    }
    this.address = address;
    this.key = key.clone();
  }

  public String address() {
    return address;
  }

  /** A copy of the 32 key bytes. */
  public byte[] key() {
    return key.clone();
  }

  /**
   * The pair's merkle leaf: BLAKE2b-256 of {@code 0x00 || "cairn-pair" || u32be(len(address)) ||
   * address (UTF-8) || u32be(32) || key}.
   */
  public byte[] leaf() {
    byte[] addressBytes = address.getBytes(StandardCharsets.UTF_8);
    ByteBuffer encoded =
        ByteBuffer.allocate(
                1 + PairAccumulator.PAIR_DOMAIN.length + 4 + addressBytes.length + 4 + KEY_LENGTH)
            .put(PairAccumulator.LEAF)
            .put(PairAccumulator.PAIR_DOMAIN)
            .putInt(addressBytes.length)
            .put(addressBytes)
            .putInt(KEY_LENGTH)
            .put(key);
    return Blake2b.hash(encoded.array());
  }

  /**
   * The first 8 bytes, big-endian, of BLAKE2b-256({@code "cairn-pair-address" || address (UTF-8)}):
   * what a persistor keeps to recognise an address it recorded before, 8 bytes instead of the
   * address. Two of a million addresses share one with a probability of about 3 in 100 million.
   */
  public long addressFingerprint() {
    return fingerprint(address);
  }

  /** {@link #addressFingerprint()} of {@code address}. */
  public static long fingerprint(String address) {
    byte[] hash = Blake2b.hash(ADDRESS_DOMAIN, address.getBytes(StandardCharsets.UTF_8));
    return ByteBuffer.wrap(hash).getLong();
  }

  private static final byte[] ADDRESS_DOMAIN =
      "cairn-pair-address".getBytes(StandardCharsets.US_ASCII);

  @Override
  public boolean equals(Object other) {
    return other instanceof Pair that
        && address.equals(that.address)
        && Arrays.equals(key, that.key);
  }

  @Override
  public int hashCode() {
    return address.hashCode();
  }

  /** The address only: keys stay out of logs. */
  @Override
  public String toString() {
    return "Pair[" + address + "]";
  }
}
