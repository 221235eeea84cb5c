package io.cairn.pinning;

import io.cairn.protocol.ledger.Bytes32;
import java.time.Instant;

/**
 * Blocks [start, end) of a job's core that no sector covers yet: appended after the job placed the
 * sectors before {@code start}, and held by the cluster's own copy of the core only until they are
 * sealed as a sector of their own (PINNING.md 3.2). {@code end} is the core's length when the job
 * last read it, a length the writer signed with tree hash {@code treeHash}; {@code since} is when
 * the job first saw blocks past {@code start}.
 */
public record UnsealedTail(long start, long end, Bytes32 treeHash, Instant since) {

  long blocks() {
    return end - start;
  }

  /** The sector the tail becomes when sealed: it ends where the writer signed. */
  Placement.SignedSector sector() {
    return new Placement.SignedSector(new Placement.Sector(start, end), treeHash);
  }
}
