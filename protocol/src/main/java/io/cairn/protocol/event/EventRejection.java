package io.cairn.protocol.event;

import java.util.Objects;

/**
 * An event refused for {@link #reason()}: thrown by the checks and turned into an {@link
 * EventVerification} by {@link EventVerifier}. It carries no stack trace, as it reports bad input,
 * not a fault.
 */
public final class EventRejection extends RuntimeException {
  private final EventRejectReason reason;

  public EventRejection(EventRejectReason reason, String message) {
    super(message, null, false, false);
    this.reason = Objects.requireNonNull(reason);
  }

  public EventRejectReason reason() {
    return reason;
  }

  @Override
  public String toString() {
    return reason + ": " + getMessage();
  }
}
