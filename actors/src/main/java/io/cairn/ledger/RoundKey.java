package io.cairn.ledger;

import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.ledger.ReportRounds;

/** One stream partition's reporting interval: what a checksum report round is about. */
public record RoundKey(String streamId, int partition, long interval) {

  /** The round's id on the ledger, the same on a chain ({@link ReportRounds#roundId}). */
  public Bytes32 id() {
    return ReportRounds.roundId(streamId, partition, interval);
  }
}
