package io.cairn.protocol.hypercore;

/** Outcome of checking a proof: the tree it establishes, or why it was refused. */
public sealed interface VerificationResult {
  boolean accepted();

  /**
   * The proof is valid.
   *
   * @param head the trusted tree after the proof: upgraded if the proof carried an upgrade,
   *     otherwise the tree the proof was checked against
   */
  record Accepted(TreeHead head) implements VerificationResult {
    @Override
    public boolean accepted() {
      return true;
    }
  }

  /** The proof is invalid for {@code reason}; {@code message} says where. */
  record Rejected(RejectReason reason, String message) implements VerificationResult {
    @Override
    public boolean accepted() {
      return false;
    }
  }
}
