package io.cairn.protocol.persist;

/** A persisted item that its key does not open: a wrong or forged key, or altered ciphertext. */
public final class ItemDecryptionException extends RuntimeException {
  public ItemDecryptionException(String message) {
    super(message);
  }
}
