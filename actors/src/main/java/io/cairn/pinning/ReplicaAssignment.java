package io.cairn.pinning;

import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.pinning.ReplicaId;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * Where a replica of a job is placed: blocks [rangeStart, rangeEnd) of the core, verified against
 * the tree the core's writer signed at length {@code treeLength} ({@code treeHash}), sealed by
 * {@code hoster} and, independently, by {@code encoder}. A sector placed with the core as it stood
 * then ends before that tree does ({@code treeLength > rangeEnd}) unless it is the core's last: its
 * blocks are verified against a tree the writer did sign, not one at rangeEnd that it may never
 * have signed.
 */
public record ReplicaAssignment(
    Bytes32 jobId,
    int slot,
    String coreKey,
    long rangeStart,
    long rangeEnd,
    long treeLength,
    Bytes32 treeHash,
    EthereumAddress hoster,
    EthereumAddress encoder) {

  public ReplicaAssignment {
    if (treeLength < rangeEnd) {
      throw new IllegalArgumentException(
          "blocks [" + rangeStart + ", " + rangeEnd + ") are not in a tree of " + treeLength);
    }
  }

  /**
   * The replica id binds the hoster, the data and the contract: the job, with the slot as its
   * amendment (a replacement gets a new slot, so a new replica id, even on the same data). It binds
   * the signed tree by its hash alone: a tree hash commits to its roots' positions in the flat
   * tree, so to its length, and leaving {@code treeLength} out keeps the ids of replicas sealed
   * before it was recorded.
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
