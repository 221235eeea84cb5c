package io.cairn.protocol.event;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * An Ethereum {@code personal_sign} signature in its 65-byte wire form: {@code r} (32 bytes,
 * big-endian) {@code || s} (32 bytes, big-endian) {@code || v} (1 byte, {@code 27 + recovery id}).
 *
 * <p>Only the canonical form can be built or decoded: {@code 1 <= r < n}, {@code 1 <= s <= n/2}
 * (low s) and a recovery id of 0 or 1 (v = 27 or 28). Streamr's own verifier also takes high-s
 * signatures and v = 29 or 30; Cairn refuses them so that one event has exactly one valid
 * signature, which keeps duplicate detection by signature sound.
 */
public record EvmSignature(BigInteger r, BigInteger s, int recoveryId) {
  public static final int LENGTH = 65;
  private static final int V_OFFSET = 27;

  public EvmSignature {
    checkScalar("r", r);
    checkScalar("s", s);
    if (s.compareTo(Secp256k1Curve.HALF_N) > 0) {
      throw new EventRejection(
          EventRejectReason.HIGH_S,
          "s is above n/2: a malleable signature; its low-s form is n - s");
    }
    if (recoveryId != 0 && recoveryId != 1) {
      throw new EventRejection(
          EventRejectReason.BAD_V, "v is " + (recoveryId + V_OFFSET) + ", not 27 or 28");
    }
  }

  /** Decodes the 65-byte form; refuses anything else with the specific reason. */
  public static EvmSignature decode(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new EventRejection(
          EventRejectReason.SIGNATURE_MALFORMED,
          "signature is " + bytes.length + " bytes, not " + LENGTH + " (r || s || v)");
    }
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(bytes, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(bytes, 32, 64));
    return new EvmSignature(r, s, (bytes[64] & 0xff) - V_OFFSET);
  }

  public byte[] encode() {
    byte[] bytes = new byte[LENGTH];
    System.arraycopy(Secp256k1Curve.toBytes32(r), 0, bytes, 0, 32);
    System.arraycopy(Secp256k1Curve.toBytes32(s), 0, bytes, 32, 32);
    bytes[64] = (byte) (recoveryId + V_OFFSET);
    return bytes;
  }

  /** {@code r || s}: the 64-byte compact form libsecp256k1 takes alongside the recovery id. */
  byte[] compact() {
    return Arrays.copyOf(encode(), 64);
  }

  private static void checkScalar(String name, BigInteger value) {
    if (value.signum() <= 0 || value.compareTo(Secp256k1Curve.N) >= 0) {
      throw new EventRejection(
          EventRejectReason.SIGNATURE_MALFORMED, name + " is outside 1..n-1 of secp256k1");
    }
  }
}
