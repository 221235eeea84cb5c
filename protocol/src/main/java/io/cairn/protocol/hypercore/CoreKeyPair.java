package io.cairn.protocol.hypercore;

import io.cairn.protocol.Randomness;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The Ed25519 key pair that signs a core, built from a 32-byte seed as RFC 8032 (and libsodium's
 * {@code crypto_sign_seed_keypair}) do, so the same seed always gives the same key and the same
 * signatures. Not thread-safe: the signer holds a message buffer.
 */
public final class CoreKeyPair {
  private final byte[] seed;
  private final byte[] publicKey;
  private final Ed25519Signer signer = new Ed25519Signer();

  private CoreKeyPair(byte[] seed) {
    if (seed.length != 32) {
      throw new IllegalArgumentException("an Ed25519 seed has 32 bytes");
    }
    this.seed = seed.clone();
    Ed25519PrivateKeyParameters privateKey = new Ed25519PrivateKeyParameters(this.seed, 0);
    this.publicKey = privateKey.generatePublicKey().getEncoded();
    signer.init(true, privateKey);
  }

  public static CoreKeyPair fromSeed(byte[] seed) {
    return new CoreKeyPair(seed);
  }

  public static CoreKeyPair generate() {
    return new CoreKeyPair(Randomness.bytes(32));
  }

  public byte[] seed() {
    return seed.clone();
  }

  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** libsodium's 64-byte secret key: {@code seed (32) || public key (32)}. */
  public byte[] secretKey() {
    byte[] secret = new byte[64];
    System.arraycopy(seed, 0, secret, 0, 32);
    System.arraycopy(publicKey, 0, secret, 32, 32);
    return secret;
  }

  /** Plain (not prehashed) detached Ed25519 signature of {@code message}: 64 bytes. */
  public byte[] sign(byte[] message) {
    signer.update(message, 0, message.length);
    return signer.generateSignature();
  }
}
