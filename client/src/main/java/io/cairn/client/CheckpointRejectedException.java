package io.cairn.client;

/**
 * A persistor's checkpoint, or the pairs read against it, did not hold: a bad signature, another
 * publisher than the expected service address, or pairs whose count or root differ.
 */
public final class CheckpointRejectedException extends RuntimeException {
  public CheckpointRejectedException(String message) {
    super(message);
  }
}
