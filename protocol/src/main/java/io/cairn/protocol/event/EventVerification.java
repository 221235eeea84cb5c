package io.cairn.protocol.event;

import io.cairn.protocol.Rejection;

/**
 * The outcome of verifying an event: accepted, or refused for {@code reason} with a message saying
 * which field and why.
 */
public record EventVerification(EventRejectReason reason, String message) {
  private static final EventVerification OK = new EventVerification(null, "ok");

  public static EventVerification ok() {
    return OK;
  }

  /** Accepted, with a remark that does not change that, e.g. where it could not be published. */
  public static EventVerification acceptedWithNote(String note) {
    return new EventVerification(null, "ok (" + note + ")");
  }

  public static EventVerification rejected(EventRejection rejection) {
    return new EventVerification(rejection.reason(), rejection.getMessage());
  }

  public boolean accepted() {
    return reason == null;
  }

  /** The refusal to answer a refused event with: its reason's code, the reason and the message. */
  public Rejection rejection() {
    if (accepted()) {
      throw new IllegalStateException("an accepted event is not refused");
    }
    return new Rejection(reason.errorCode(), reason + ": " + message);
  }

  @Override
  public String toString() {
    return accepted() ? message : reason + ": " + message;
  }
}
