package io.cairn.protocol.event;

import io.cairn.protocol.EthereumAddress;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.KeccakDigest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;

/** The secp256k1 curve and the Ethereum derivations on it: Keccak-256 and addresses. */
final class Secp256k1Curve {
  static final X9ECParameters PARAMETERS = CustomNamedCurves.getByName("secp256k1");
  static final ECDomainParameters DOMAIN =
      new ECDomainParameters(
          PARAMETERS.getCurve(), PARAMETERS.getG(), PARAMETERS.getN(), PARAMETERS.getH());

  /** The group order n. */
  static final BigInteger N = PARAMETERS.getN();

  /** n / 2: an s above it is the malleable twin of the low-s signature {@code n - s}. */
  static final BigInteger HALF_N = N.shiftRight(1);

  /** Size of an uncompressed public key: {@code 0x04 || x || y}. */
  static final int UNCOMPRESSED_KEY_LENGTH = 65;

  private Secp256k1Curve() {}

  static byte[] keccak256(byte[]... parts) {
    KeccakDigest digest = new KeccakDigest(256);
    for (byte[] part : parts) {
      digest.update(part, 0, part.length);
    }
    byte[] hash = new byte[32];
    digest.doFinal(hash, 0);
    return hash;
  }

  /**
   * Keys recovered lately and their addresses. A node sees few publishers, each signing many
   * events, and hashing the key was a tenth of checking an event; emptied when full, to stay
   * bounded.
   */
  private static final Map<ByteBuffer, EthereumAddress> RECENT_ADDRESSES =
      new ConcurrentHashMap<>();

  private static final int RECENT_ADDRESSES_LIMIT = 4096;

  /** The address of a key: the last 20 bytes of Keccak-256 over its 64 coordinate bytes. */
  static EthereumAddress address(byte[] uncompressedPublicKey) {
    if (uncompressedPublicKey.length != UNCOMPRESSED_KEY_LENGTH || uncompressedPublicKey[0] != 4) {
      throw new IllegalArgumentException("not an uncompressed secp256k1 public key");
    }
    ByteBuffer key = ByteBuffer.wrap(uncompressedPublicKey.clone());
    EthereumAddress known = RECENT_ADDRESSES.get(key);
    if (known != null) {
      return known;
    }
    byte[] hash = keccak256(Arrays.copyOfRange(uncompressedPublicKey, 1, UNCOMPRESSED_KEY_LENGTH));
    EthereumAddress address = new EthereumAddress("0x" + HexFormat.of().formatHex(hash, 12, 32));
    if (RECENT_ADDRESSES.size() >= RECENT_ADDRESSES_LIMIT) {
      RECENT_ADDRESSES.clear();
    }
    RECENT_ADDRESSES.put(key, address);
    return address;
  }

  /** {@code value} as exactly 32 big-endian bytes; callers pass values below 2^256. */
  static byte[] toBytes32(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length == 32) {
      return bytes;
    }
    byte[] fixed = new byte[32];
    int copied = Math.min(bytes.length, 32);
    System.arraycopy(bytes, bytes.length - copied, fixed, 32 - copied, copied);
    return fixed;
  }
}
