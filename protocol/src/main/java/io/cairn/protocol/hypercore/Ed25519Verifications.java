package io.cairn.protocol.hypercore;

import com.goterl.lazysodium.LazySodiumJava;
import com.goterl.lazysodium.SodiumJava;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The Ed25519 verifiers Cairn has: libsodium (about 1.6x BouncyCastle's rate here, which proof
 * verification is bound by) when its bundled library loads and passes a self-test, BouncyCastle
 * otherwise.
 */
public final class Ed25519Verifications {
  private static final System.Logger LOG = System.getLogger(Ed25519Verifications.class.getName());

  private static final class Preferred {
    static final Ed25519Verification INSTANCE = select(Ed25519Verifications::sodium);
  }

  private Ed25519Verifications() {}

  /** The verifier this process uses, chosen once. */
  public static Ed25519Verification preferred() {
    return Preferred.INSTANCE;
  }

  public static Ed25519Verification bouncyCastle() {
    return BouncyCastle.INSTANCE;
  }

  /** libsodium through lazysodium; throws if the native library cannot be loaded here. */
  static Ed25519Verification sodium() {
    LazySodiumJava sodium = new LazySodiumJava(new SodiumJava());
    return new Ed25519Verification() {
      @Override
      public boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        return publicKey.length == 32
            && signature.length == 64
            && sodium.cryptoSignVerifyDetached(signature, message, message.length, publicKey);
      }

      @Override
      public String name() {
        return "libsodium";
      }
    };
  }

  /**
   * The native verifier if it loads and judges a known good and a known bad signature as
   * BouncyCastle does; BouncyCastle otherwise.
   */
  static Ed25519Verification select(Supplier<Ed25519Verification> loadNative) {
    Ed25519Verification chosen;
    try {
      Ed25519Verification candidate = loadNative.get();
      chosen = agrees(candidate) ? candidate : BouncyCastle.INSTANCE;
    } catch (RuntimeException | LinkageError unavailable) {
      LOG.log(System.Logger.Level.DEBUG, "libsodium is not available here (" + unavailable + ")");
      chosen = BouncyCastle.INSTANCE;
    }
    LOG.log(System.Logger.Level.DEBUG, "Ed25519 signatures are verified with " + chosen.name());
    return chosen;
  }

  private static boolean agrees(Ed25519Verification candidate) {
    byte[] seed = new byte[32];
    seed[0] = 7;
    Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(seed, 0);
    byte[] publicKey = key.generatePublicKey().getEncoded();
    byte[] message = "cairn self-test".getBytes(StandardCharsets.US_ASCII);
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, key);
    signer.update(message, 0, message.length);
    byte[] signature = signer.generateSignature();
    byte[] forged = signature.clone();
    forged[0] ^= 1;
    return candidate.verify(publicKey, message, signature)
        && !candidate.verify(publicKey, message, forged);
  }

  private static final class BouncyCastle implements Ed25519Verification {
    static final BouncyCastle INSTANCE = new BouncyCastle();

    @Override
    public boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
      return publicKey.length == 32
          && signature.length == 64
          && Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
    }

    @Override
    public String name() {
      return "BouncyCastle";
    }
  }
}
