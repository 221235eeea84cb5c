package io.cairn.protocol.hypercore;

/** Bytes that are not a valid compact encoding of the expected Hypercore structure. */
public final class MalformedEncodingException extends IllegalArgumentException {
  public MalformedEncodingException(String message) {
    super(message);
  }
}
