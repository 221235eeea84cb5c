package io.cairn.protocol.event;

/**
 * The outcome of verifying an event: accepted, or refused for {@code reason} with a message saying
 * which field and why.
 */
public record EventVerification(EventRejectReason reason, String message) {
  private static final EventVerification OK = new EventVerification(null, "ok");

  public static EventVerification ok() {
    return OK;
  }

  public static EventVerification rejected(EventRejection rejection) {
    return new EventVerification(rejection.reason(), rejection.getMessage());
  }

  public boolean accepted() {
    return reason == null;
  }

  @Override
  public String toString() {
    return accepted() ? "ok" : reason + ": " + message;
  }
}
