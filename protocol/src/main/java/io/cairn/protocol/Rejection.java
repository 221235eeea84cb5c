package io.cairn.protocol;

import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * A request refused for a reason the caller can act on. It travels as a value (inside a {@code
 * StatusReply} between nodes, as an {@code ApiError} to clients), so it carries no stack trace.
 */
public final class Rejection extends RuntimeException {
  /** What every caller is told when the part of the cluster it asked did not answer in time. */
  public static final String NO_ANSWER_IN_TIME = "the cluster did not answer in time; try again";

  /** What every caller is told when the node itself failed; the cause goes to the node's log. */
  public static final String NODE_FAILED = "the node failed to answer; see its log";

  private final ErrorCode code;

  public Rejection(ErrorCode code, String message) {
    this(code, message, null);
  }

  private Rejection(ErrorCode code, String message, Throwable fault) {
    super(message, fault, false, false);
    this.code = Objects.requireNonNull(code);
  }

  /**
   * Any failure as the rejection to answer it with, the one way every part of Cairn does it: a
   * rejection as it is, once unwrapped from the {@link CompletionException} or {@link
   * ExecutionException} of a future; a timeout (an ask's included) as {@code UNAVAILABLE}; anything
   * else as {@code INTERNAL}, holding the failure as its cause for the caller to log. The cause
   * never crosses nodes or reaches a client.
   */
  public static Rejection of(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof Rejection rejection) {
      return rejection;
    }
    if (cause instanceof TimeoutException) {
      return new Rejection(ErrorCode.UNAVAILABLE, NO_ANSWER_IN_TIME);
    }
    return new Rejection(ErrorCode.INTERNAL, NODE_FAILED, cause);
  }

  public ErrorCode code() {
    return code;
  }

  @Override
  public String toString() {
    return code + ": " + getMessage();
  }
}
