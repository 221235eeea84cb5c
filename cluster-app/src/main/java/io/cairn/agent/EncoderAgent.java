package io.cairn.agent;

import io.cairn.protocol.api.v1.SealTask;
import io.cairn.protocol.pinning.Sealer;
import io.cairn.protocol.pinning.v1.SignedPinningStatement;
import java.util.Optional;

/**
 * The encoder agent, the witness of a replica: it reads and verifies the same blocks as the hoster,
 * seals them under the hoster's replica id on its own, and commits to the root; the cluster accepts
 * a replica only when both roots agree. It keeps only the task and its signed commitment, so that a
 * restart sends the commitment again instead of sealing again, until the replica is sealed.
 */
public final class EncoderAgent extends PinningAgent {
  EncoderAgent(AgentConnection connection, ReplicaStore store, CleanupMargin cleanup) {
    super(AgentRole.ENCODER, connection, store, cleanup);
  }

  @Override
  Optional<String> refusal(SealAssignment assignment) {
    if (assignment.role() != AgentRole.ENCODER) {
      return Optional.of("it asks for a " + assignment.role() + ", this agent is an encoder");
    }
    return Optional.empty();
  }

  @Override
  ReplicaStore.StoredReplica keep(
      SealTask task,
      SealAssignment assignment,
      Sealer.SealedReplica sealed,
      SignedPinningStatement commitment,
      SectorFetcher.VerifiedSector sector) {
    return store.saveWitnessed(task, assignment, commitment);
  }
}
