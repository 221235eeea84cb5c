package io.cairn.agent;

import io.cairn.protocol.event.EvmSigner;
import io.cairn.protocol.pinning.NodeBuffer;
import io.cairn.protocol.pinning.PinningStatements;
import io.cairn.protocol.pinning.Sealer;
import io.cairn.protocol.pinning.SectorLayout;
import io.cairn.protocol.pinning.v1.SignedPinningStatement;
import java.util.List;

/** Seals a range's verified blocks under an assignment's replica id, and signs the result. */
final class SectorSealer {
  private SectorSealer() {}

  /** Lays {@code blocks} out and seals them with the assignment's settings; takes a whole seal. */
  static Sealer.SealedReplica seal(SealAssignment assignment, List<byte[]> blocks) {
    NodeBuffer layout = SectorLayout.encode(blocks, assignment.parameters().sectorCapBytes());
    return new Sealer(assignment.parameters()).seal(assignment.replicaId(), layout);
  }

  /** The agent's signed commitment: this replica id seals to this CommR over this many nodes. */
  static SignedPinningStatement commit(EvmSigner signer, Sealer.SealedReplica sealed) {
    return PinningStatements.signCommitment(
        signer,
        new PinningStatements.Commitment(
            sealed.replicaId().bytes(), sealed.commR(), sealed.replica().nodeCount()));
  }
}
