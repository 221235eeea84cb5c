package io.cairn.protocol.event;

import io.cairn.protocol.EthereumAddress;

/**
 * Recovers the Ethereum address that made an ECDSA signature over secp256k1, as the EVM's {@code
 * ecrecover} does. Implementations must agree bit for bit; {@link AddressRecoveries} picks one.
 */
public interface AddressRecovery {
  /**
   * The address whose key signed {@code digest}, or {@code null} when no key did (r is not the x
   * coordinate of a curve point, or the recovered point is at infinity).
   *
   * @param digest the 32-byte message digest that was signed
   * @param signature a canonical signature; its constructor has already refused high s and recovery
   *     ids other than 0 and 1, so every implementation sees the same strict input
   */
  EthereumAddress recover(byte[] digest, EvmSignature signature);

  /** Names the implementation in logs. */
  String name();
}
