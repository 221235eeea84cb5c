package io.cairn.protocol;

import java.util.Objects;

/**
 * A request refused for a reason the caller can act on. It travels as a value (inside a {@code
 * StatusReply} between nodes, as an {@code ApiError} to clients), so it carries no stack trace.
 */
public final class Rejection extends RuntimeException {
  private final ErrorCode code;

  public Rejection(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = Objects.requireNonNull(code);
  }

  public ErrorCode code() {
    return code;
  }

  @Override
  public String toString() {
    return code + ": " + getMessage();
  }
}
