package io.cairn.protocol.event;

import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Randomness;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

/**
 * Signs with a secp256k1 private key held in memory. Signatures are deterministic (RFC 6979 with
 * HMAC-SHA256, as libsecp256k1 and Streamr's SDK make them), so the same key and digest always give
 * the same 65 bytes, and the test vectors in docs/protocol.md can be reproduced anywhere.
 */
public final class PrivateKeySigner implements EvmSigner {
  private static final BouncyCastleRecovery RECOVERY = new BouncyCastleRecovery();

  private final BigInteger privateKey;
  private final EthereumAddress address;

  private PrivateKeySigner(BigInteger privateKey) {
    if (privateKey.signum() <= 0 || privateKey.compareTo(Secp256k1Curve.N) >= 0) {
      throw new IllegalArgumentException("a secp256k1 private key must lie in 1..n-1");
    }
    this.privateKey = privateKey;
    byte[] publicKey =
        Secp256k1Curve.DOMAIN.getG().multiply(privateKey).normalize().getEncoded(false);
    this.address = Secp256k1Curve.address(publicKey);
  }

  /** A key from 32 bytes written as 64 hex digits, with or without a {@code 0x} prefix. */
  public static PrivateKeySigner fromHex(String hex) {
    String digits = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
    if (digits.length() != 64 || !digits.chars().allMatch(HexFormat::isHexDigit)) {
      throw new IllegalArgumentException(
          "a private key is 32 bytes written as 64 hex digits (optionally after 0x)");
    }
    return new PrivateKeySigner(new BigInteger(1, HexFormat.of().parseHex(digits)));
  }

  /** The key as 0x and 64 hex digits, the form wallets import; keep it secret. */
  public String toHex() {
    return "0x" + HexFormat.of().formatHex(Secp256k1Curve.toBytes32(privateKey));
  }

  /**
   * A key derived from this one for {@code context}: the first HMAC-SHA256(this key's 32 bytes,
   * "cairn derived key" || 0x00 || context (UTF-8) || counter byte), counter from 0, that lies in
   * 1..n-1. Whoever holds this key can derive it again; nobody else can, and it reveals nothing of
   * this key.
   */
  public PrivateKeySigner derive(String context) {
    HMac mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(secret()));
    byte[] label = ("cairn derived key\u0000" + context).getBytes(StandardCharsets.UTF_8);
    for (int counter = 0; ; counter++) {
      mac.update(label, 0, label.length);
      mac.update((byte) counter);
      byte[] out = new byte[32];
      mac.doFinal(out, 0);
      BigInteger key = new BigInteger(1, out);
      if (key.signum() > 0 && key.compareTo(Secp256k1Curve.N) < 0) {
        return new PrivateKeySigner(key);
      }
    }
  }

  /** A fresh random key. */
  public static PrivateKeySigner generate() {
    BigInteger key;
    do {
      key = new BigInteger(1, Randomness.bytes(32));
    } while (key.signum() == 0 || key.compareTo(Secp256k1Curve.N) >= 0);
    return new PrivateKeySigner(key);
  }

  @Override
  public EthereumAddress address() {
    return address;
  }

  /** Signs with libsecp256k1 where it loads, otherwise with BouncyCastle: the same signature. */
  @Override
  public EvmSignature sign(byte[] digest) {
    if (digest.length != 32) {
      throw new IllegalArgumentException("the digest to sign must be 32 bytes");
    }
    return NativeSigning.get()
        .map(library -> library.sign(digest, secret()))
        .orElseGet(() -> signPortably(digest));
  }

  /** The private key's 32 bytes, for the native library. */
  byte[] secret() {
    return Secp256k1Curve.toBytes32(privateKey);
  }

  /** Signing in pure Java, available everywhere. */
  EvmSignature signPortably(byte[] digest) {
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, new ECPrivateKeyParameters(privateKey, Secp256k1Curve.DOMAIN));
    BigInteger[] rs = signer.generateSignature(digest);
    BigInteger r = rs[0];
    BigInteger s =
        rs[1].compareTo(Secp256k1Curve.HALF_N) > 0 ? Secp256k1Curve.N.subtract(rs[1]) : rs[1];
    // BouncyCastle does not report which of the candidate points R was, so try both.
    for (int recoveryId = 0; recoveryId < 2; recoveryId++) {
      EvmSignature signature = new EvmSignature(r, s, recoveryId);
      if (address.equals(RECOVERY.recover(digest, signature))) {
        return signature;
      }
    }
    // Only when r >= p - n (probability about 2^-128): v would be 29 or 30, which Cairn refuses.
    throw new IllegalStateException("the signature needs recovery id 2 or 3; sign again");
  }
}
