package io.cairn.journal;

/** The journal database cannot be reached or prepared; the node cannot start without it. */
public final class JournalUnavailableException extends RuntimeException {
  public JournalUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
