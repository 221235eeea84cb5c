package io.cairn.protocol.encryption;

/**
 * A subscriber's public key that Cairn will not seal a group key to: not a UTF-8 PEM text of an
 * SPKI RSA public key in the form Streamr sends, or shorter than {@link
 * GroupKeySealing#MIN_KEY_SIZE} bits.
 */
public final class InvalidPublicKeyException extends EncryptionException {
  InvalidPublicKeyException(String message) {
    super(message);
  }

  InvalidPublicKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
