package io.cairn.pinning;

import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.pinning.ReplicaId;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * Where a replica of a job is placed: blocks [rangeStart, rangeEnd) of the core as signed at
 * rangeEnd ({@code treeHash}), sealed by {@code hoster} and, independently, by {@code encoder}.
 */
public record ReplicaAssignment(
    Bytes32 jobId,
    int slot,
    String coreKey,
    long rangeStart,
    long rangeEnd,
    Bytes32 treeHash,
    EthereumAddress hoster,
    EthereumAddress encoder) {

  /**
   * The replica id binds the hoster, the data and the contract: the job, with the slot as its
   * amendment (a replacement gets a new slot, so a new replica id, even on the same data).
   */
  public ReplicaId replicaId() {
    return ReplicaId.of(
        hoster.bytes(),
        HexFormat.of().parseHex(coreKey),
        rangeStart,
        rangeEnd,
        treeHash.toByteArray(),
        jobId.toByteArray(),
        ByteBuffer.allocate(Integer.BYTES).putInt(slot).array());
  }

  /** The sharded {@link PinnedReplica}'s id. */
  public String entityId() {
    return PinnedReplica.entityId(jobId, slot);
  }
}
