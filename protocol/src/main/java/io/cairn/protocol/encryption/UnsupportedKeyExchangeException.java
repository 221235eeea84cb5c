package io.cairn.protocol.encryption;

/**
 * A group key request or response that asks for a key exchange Cairn does not implement: ML-KEM
 * (Streamr's post-quantum option) or a number no version defines.
 */
public final class UnsupportedKeyExchangeException extends EncryptionException {
  UnsupportedKeyExchangeException(String message) {
    super(message);
  }
}
