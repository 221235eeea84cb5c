package io.cairn.protocol.encryption;

/**
 * The group key given to decrypt a message is not the one the message names. This is the only wrong
 * key AES-256-CTR can notice: a key with the right id but other bytes decrypts without an error
 * into bytes that are not the plaintext, because the mode has no authentication tag.
 */
public final class WrongGroupKeyException extends EncryptionException {
  WrongGroupKeyException(String expectedId, String givenId) {
    super(
        "the message is encrypted with group key \""
            + expectedId
            + "\", not with \""
            + givenId
            + "\"");
  }
}
