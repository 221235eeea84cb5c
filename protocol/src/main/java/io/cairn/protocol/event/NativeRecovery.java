package io.cairn.protocol.event;

import fr.acinq.secp256k1.Secp256k1;
import fr.acinq.secp256k1.Secp256k1Exception;
import io.cairn.protocol.EthereumAddress;

/**
 * Public key recovery by Bitcoin Core's libsecp256k1 through ACINQ's JNI binding, about four times
 * the speed of {@link BouncyCastleRecovery}. The library is bundled for Linux x86-64 and aarch64
 * only; {@link AddressRecoveries} falls back to BouncyCastle elsewhere.
 */
final class NativeRecovery implements AddressRecovery {
  private final Secp256k1 library;

  private NativeRecovery(Secp256k1 library) {
    this.library = library;
  }

  /** Loads the native library; throws (a {@link LinkageError} typically) when it cannot. */
  static NativeRecovery load() {
    return new NativeRecovery(Secp256k1.get());
  }

  @Override
  public EthereumAddress recover(byte[] digest, EvmSignature signature) {
    if (digest.length != 32) {
      throw new IllegalArgumentException("the digest must be 32 bytes");
    }
    byte[] publicKey;
    try {
      publicKey = library.ecdsaRecover(signature.compact(), digest, signature.recoveryId());
    } catch (Secp256k1Exception noKey) {
      return null;
    }
    return Secp256k1Curve.address(publicKey);
  }

  @Override
  public String name() {
    return "libsecp256k1 (native)";
  }
}
