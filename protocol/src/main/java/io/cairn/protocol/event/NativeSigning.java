package io.cairn.protocol.event;

import fr.acinq.secp256k1.Secp256k1;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

/**
 * ECDSA signing with libsecp256k1 (through ACINQ's JNI binding) multiplying the nonce point: RFC
 * 6979 nonces and low-s, as BouncyCastle signs in {@link PrivateKeySigner}, so both give the same
 * signature, at a small fraction of the cost (a publisher signs every event it publishes). Absent
 * where the library does not load, and then BouncyCastle signs.
 */
final class NativeSigning {
  private static final Optional<NativeSigning> LOADED = load();

  private final Secp256k1 library;

  private NativeSigning(Secp256k1 library) {
    this.library = library;
  }

  static Optional<NativeSigning> get() {
    return LOADED;
  }

  private static Optional<NativeSigning> load() {
    try {
      NativeSigning loaded = new NativeSigning(Secp256k1.get());
      // a library that loads but signs differently from BouncyCastle is not used
      PrivateKeySigner probe = PrivateKeySigner.fromHex("01".repeat(32));
      byte[] digest = new byte[32];
      digest[0] = 7;
      return loaded.sign(digest, probe.secret()).equals(probe.signPortably(digest))
          ? Optional.of(loaded)
          : Optional.empty();
    } catch (LinkageError | RuntimeException unavailable) {
      return Optional.empty();
    }
  }

  /**
   * The signature of {@code digest} by {@code privateKey} (32 bytes) and its recovery id. ECDSA as
   * BouncyCastle's {@code ECDSASigner} computes it (RFC 6979 nonce, then low-s), with the one
   * costly step, the nonce point {@code R = k·G}, done by libsecp256k1. Knowing R gives the
   * recovery id at once (the parity of R's y, flipped when s is negated to its low form); the
   * library's own {@code sign} does not return it, and finding it by recovering the key cost one or
   * two recoveries per signature, three times the signing itself.
   */
  EvmSignature sign(byte[] digest, byte[] privateKey) {
    BigInteger d = new BigInteger(1, privateKey);
    BigInteger e = new BigInteger(1, digest);
    HMacDSAKCalculator nonces = new HMacDSAKCalculator(new SHA256Digest());
    nonces.init(Secp256k1Curve.N, d, digest);
    while (true) {
      BigInteger k = nonces.nextK();
      byte[] point = library.pubkeyCreate(Secp256k1Curve.toBytes32(k));
      BigInteger x = new BigInteger(1, Arrays.copyOfRange(point, 1, 33));
      BigInteger r = x.mod(Secp256k1Curve.N);
      BigInteger s =
          k.modInverse(Secp256k1Curve.N).multiply(e.add(d.multiply(r))).mod(Secp256k1Curve.N);
      if (r.signum() == 0 || s.signum() == 0) {
        continue;
      }
      if (!x.equals(r)) {
        // R's x at or above n (probability about 2^-128): v would be 29 or 30, which Cairn refuses
        throw new IllegalStateException("the signature needs recovery id 2 or 3; sign again");
      }
      boolean oddY = (point[point.length == 33 ? 0 : 64] & 1) == 1;
      int recoveryId = oddY ? 1 : 0;
      if (s.compareTo(Secp256k1Curve.HALF_N) > 0) {
        return new EvmSignature(r, Secp256k1Curve.N.subtract(s), recoveryId ^ 1);
      }
      return new EvmSignature(r, s, recoveryId);
    }
  }
}
