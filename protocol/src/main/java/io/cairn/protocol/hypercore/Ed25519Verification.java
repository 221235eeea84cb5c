package io.cairn.protocol.hypercore;

/**
 * Checks detached Ed25519 signatures (RFC 8032, not Ed25519ph). Implementations must agree on every
 * input; {@link Ed25519Verifications} picks the fastest that loads.
 */
public interface Ed25519Verification {
  /**
   * Whether {@code signature} (64 bytes: R || S) signs {@code message} under {@code publicKey} (32
   * bytes). Malformed keys or signatures are simply not valid.
   */
  boolean verify(byte[] publicKey, byte[] message, byte[] signature);

  /** Names the implementation in logs. */
  String name();
}
