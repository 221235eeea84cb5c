package io.cairn.protocol.encryption;

/** An AES-256-CTR ciphertext shorter than its 16-byte IV: there is not even an IV to read. */
public final class TruncatedCiphertextException extends EncryptionException {
  TruncatedCiphertextException(int length) {
    super(
        "the ciphertext is "
            + length
            + " bytes, shorter than its "
            + StreamEncryption.IV_LENGTH
            + "-byte IV");
  }
}
