package io.cairn.pinning;

import io.cairn.protocol.ledger.Bytes32;

/** A persisted selection drawn again, as anyone replaying a job's journal draws it. */
final class SelectionReplay {
  private SelectionReplay() {}

  /**
   * What {@link Placement#place} decides from {@code selection}'s persisted inputs and the epoch
   * secret revealed for its epoch: equal to {@code selection} when the journal is reproducible.
   */
  static Placement.Selection drawnAgain(
      byte[] epochSecret, Bytes32 jobId, Placement.Selection selection) {
    return Placement.place(
        epochSecret,
        selection.epoch(),
        jobId,
        selection.coreKey(),
        selection.treeLength(),
        selection.treeHash(),
        selection.sectors(),
        selection.replicasPerSector(),
        selection.firstSlot(),
        selection.minCapacity(),
        selection.unvettedShare(),
        selection.candidates(),
        selection.excludedHosters(),
        selection.excludedEncoders());
  }
}
