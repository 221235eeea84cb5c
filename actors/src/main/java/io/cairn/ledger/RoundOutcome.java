package io.cairn.ledger;

import io.cairn.protocol.ledger.Bytes32;
import java.util.Optional;

/**
 * Where a checksum report round stands: opened, final (with the agreed count and checksum), closed.
 */
public record RoundOutcome(
    Bytes32 roundId, boolean opened, Optional<Report> finalReport, boolean closed) {

  /** What one reporter, or the agreeing share of them, says of the interval. */
  public record Report(long eventCount, Bytes32 checksum) {}

  public static RoundOutcome unopened(Bytes32 roundId) {
    return new RoundOutcome(roundId, false, Optional.empty(), false);
  }
}
