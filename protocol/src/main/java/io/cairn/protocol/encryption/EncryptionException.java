package io.cairn.protocol.encryption;

/**
 * Why an encrypted content, an encrypted next key or a sealed group key could not be opened, or a
 * key could not be sealed. Each cause has its own subclass so a caller can tell them apart; like
 * the event rejections, they report bad input rather than a fault and carry no stack trace.
 */
public abstract sealed class EncryptionException extends RuntimeException
    permits TruncatedCiphertextException,
        MalformedCiphertextException,
        UnknownGroupKeyException,
        WrongGroupKeyException,
        UnsealException,
        InvalidPublicKeyException,
        UnsupportedKeyExchangeException {

  EncryptionException(String message) {
    super(message, null, false, false);
  }

  EncryptionException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
