package io.cairn.protocol.event;

import fr.acinq.secp256k1.Secp256k1;
import io.cairn.protocol.EthereumAddress;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;

/**
 * ECDSA signing by libsecp256k1 through ACINQ's JNI binding: RFC 6979 nonces and low-s, as
 * BouncyCastle signs in {@link PrivateKeySigner}, so both give the same signature, at a small
 * fraction of the cost (a publisher signs every event it publishes). Absent where the library does
 * not load, and then BouncyCastle signs.
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
      return loaded.sign(digest, probe.secret(), probe.address()).equals(probe.signPortably(digest))
          ? Optional.of(loaded)
          : Optional.empty();
    } catch (LinkageError | RuntimeException unavailable) {
      return Optional.empty();
    }
  }

  /**
   * The signature of {@code digest} by {@code privateKey} (32 bytes), with the recovery id that
   * gives back {@code address}.
   */
  EvmSignature sign(byte[] digest, byte[] privateKey, EthereumAddress address) {
    byte[] compact = library.sign(digest, privateKey, null);
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(compact, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(compact, 32, 64));
    for (int recoveryId = 0; recoveryId < 2; recoveryId++) {
      byte[] publicKey = library.ecdsaRecover(compact, digest, recoveryId);
      if (address.equals(Secp256k1Curve.address(publicKey))) {
        return new EvmSignature(r, s, recoveryId);
      }
    }
    throw new IllegalStateException("the signature needs recovery id 2 or 3; sign again");
  }
}
