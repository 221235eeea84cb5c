package io.cairn.protocol.event;

import io.cairn.protocol.EthereumAddress;
import java.math.BigInteger;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Public key recovery in Java (SEC 1 v2, section 4.1.6): R is the point with x = r and the y parity
 * of the recovery id, and the key is {@code r^-1 (s R - e G)}. About a quarter of the native
 * library's speed, but always available.
 */
final class BouncyCastleRecovery implements AddressRecovery {
  @Override
  public EthereumAddress recover(byte[] digest, EvmSignature signature) {
    if (digest.length != 32) {
      throw new IllegalArgumentException("the digest must be 32 bytes");
    }
    ECPoint r;
    try {
      // x = r: recovery ids 2 and 3 (x = r + n) are refused before this point.
      byte[] compressed = new byte[33];
      compressed[0] = (byte) (signature.recoveryId() == 1 ? 0x03 : 0x02);
      System.arraycopy(Secp256k1Curve.toBytes32(signature.r()), 0, compressed, 1, 32);
      r = Secp256k1Curve.PARAMETERS.getCurve().decodePoint(compressed);
    } catch (IllegalArgumentException notOnCurve) {
      return null;
    }
    BigInteger n = Secp256k1Curve.N;
    BigInteger e = new BigInteger(1, digest);
    BigInteger rInverse = signature.r().modInverse(n);
    BigInteger generatorFactor = e.negate().multiply(rInverse).mod(n);
    BigInteger pointFactor = signature.s().multiply(rInverse).mod(n);
    ECPoint key =
        ECAlgorithms.sumOfTwoMultiplies(
                Secp256k1Curve.DOMAIN.getG(), generatorFactor, r, pointFactor)
            .normalize();
    if (key.isInfinity()) {
      return null;
    }
    return Secp256k1Curve.address(key.getEncoded(false));
  }

  @Override
  public String name() {
    return "BouncyCastle";
  }
}
