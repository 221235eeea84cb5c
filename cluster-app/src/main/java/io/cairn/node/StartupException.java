package io.cairn.node;

/** Start-up cannot go on; the message is the one line the operator sees. */
public final class StartupException extends RuntimeException {
  public StartupException(String message) {
    super(message);
  }

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
