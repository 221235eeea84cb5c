package io.cairn.protocol.persist;

/** A content that is not a pair event's {@code {"data":[...]}}. */
public final class MalformedPairContentException extends IllegalArgumentException {
  public MalformedPairContentException(String message) {
    super(message);
  }
}
