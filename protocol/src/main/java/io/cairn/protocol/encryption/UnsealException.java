package io.cairn.protocol.encryption;

/**
 * A sealed group key that does not open with the private key given: RSA-OAEP's padding check failed
 * (the key was sealed to another public key, or its bytes were changed), or what it holds is not a
 * 32-byte group key.
 */
public final class UnsealException extends EncryptionException {
  UnsealException(String message) {
    super(message);
  }

  UnsealException(String message, Throwable cause) {
    super(message, cause);
  }
}
