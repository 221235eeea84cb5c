package io.cairn.protocol.event;

import io.cairn.protocol.EthereumAddress;

/** Something that signs for an Ethereum address: a private key here, a wallet elsewhere. */
public interface EvmSigner {
  EthereumAddress address();

  /**
   * Signs a 32-byte digest (for events: {@link PersonalMessage#digest} of the {@link
   * SignaturePayload}). The signature is canonical: low s, recovery id 0 or 1.
   */
  EvmSignature sign(byte[] digest);
}
