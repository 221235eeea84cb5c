package io.cairn.protocol.encryption;

/**
 * An encrypted next group key whose length is not an IV and one 32-byte key (48 bytes): CTR keeps
 * lengths, so no key, right or wrong, can turn it into a group key.
 */
public final class MalformedCiphertextException extends EncryptionException {
  MalformedCiphertextException(String message) {
    super(message);
  }
}
