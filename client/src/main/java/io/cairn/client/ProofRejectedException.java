package io.cairn.client;

import io.cairn.protocol.hypercore.RejectReason;

/** A node answered with data whose proof does not hold: it is never handed out as data. */
public final class ProofRejectedException extends RuntimeException {
  private final RejectReason reason;

  public ProofRejectedException(RejectReason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  public RejectReason reason() {
    return reason;
  }
}
