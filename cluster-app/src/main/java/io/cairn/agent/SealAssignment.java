package io.cairn.agent;

import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.SealTask;
import io.cairn.protocol.pinning.ReplicaId;
import io.cairn.protocol.pinning.SealParameters;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * A {@link SealTask} read and checked at the edge: every field parsed, and the replica id derived
 * here from the task's own fields, as the cluster derives it (docs/protocol.md "Pinning: sealed
 * replicas"), so an agent never seals under an id it did not compute.
 *
 * <p>The replica id binds {@code ReplicaId.of(hoster's 20 address bytes, core key, rangeStart,
 * rangeEnd, tree hash, the job id's 32 bytes, u32be(slot))}. It need not bind {@code treeLength}:
 * the tree hash commits to the tree's length, and a task that names another length fails the
 * upgrade proof's check against the tree hash.
 */
public record SealAssignment(
    String jobId,
    int slot,
    AgentRole role,
    EthereumAddress hoster,
    byte[] coreKey,
    long rangeStart,
    long rangeEnd,
    long treeLength,
    byte[] treeHash,
    ReplicaId replicaId,
    SealParameters parameters) {

  /**
   * The task as an assignment; {@link IllegalArgumentException} naming the field for a malformed
   * task, or when the replica id the cluster sent differs from the one its fields derive.
   */
  public static SealAssignment of(SealTask task) {
    AgentRole role;
    try {
      role = AgentRole.valueOf(task.getRole());
    } catch (IllegalArgumentException unknown) {
      throw new IllegalArgumentException("unknown role '" + task.getRole() + "'");
    }
    EthereumAddress hoster;
    try {
      hoster = EthereumAddress.parse(task.getHoster());
    } catch (RuntimeException malformed) {
      throw new IllegalArgumentException("hoster: " + malformed.getMessage());
    }
    byte[] jobId = hex32("job_id", task.getJobId());
    byte[] coreKey = hex32("core_key", task.getCoreKey());
    byte[] treeHash = hex32("tree_hash", task.getTreeHash());
    byte[] sent = hex32("replica_id", task.getReplicaId());
    if (task.getRangeStart() < 0 || task.getRangeEnd() <= task.getRangeStart()) {
      throw new IllegalArgumentException(
          "range [" + task.getRangeStart() + ", " + task.getRangeEnd() + ") is empty");
    }
    // a node that predates tree_length sends 0: its sectors were signed at their own end
    long treeLength = task.getTreeLength() == 0 ? task.getRangeEnd() : task.getTreeLength();
    if (treeLength < task.getRangeEnd()) {
      throw new IllegalArgumentException(
          "tree_length "
              + treeLength
              + " ends before the range ["
              + task.getRangeStart()
              + ", "
              + task.getRangeEnd()
              + ")");
    }
    SealParameters parameters =
        new SealParameters(
            task.getSettings().getMinLayers(),
            task.getSettings().getOpsMin(),
            task.getSettings().getSectorCapBytes());
    ReplicaId derived =
        ReplicaId.of(
            HexFormat.of().parseHex(hoster.value().substring(2)),
            coreKey,
            task.getRangeStart(),
            task.getRangeEnd(),
            treeHash,
            jobId,
            ByteBuffer.allocate(4).putInt(task.getSlot()).array());
    if (!derived.equals(ReplicaId.fromBytes(sent))) {
      throw new IllegalArgumentException(
          "the task's replica id "
              + task.getReplicaId()
              + " is not the one its fields derive, 0x"
              + derived);
    }
    return new SealAssignment(
        task.getJobId(),
        task.getSlot(),
        role,
        hoster,
        coreKey,
        task.getRangeStart(),
        task.getRangeEnd(),
        treeLength,
        treeHash,
        derived,
        parameters);
  }

  public byte[] coreKey() {
    return coreKey.clone();
  }

  public byte[] treeHash() {
    return treeHash.clone();
  }

  public String coreKeyHex() {
    return HexFormat.of().formatHex(coreKey);
  }

  /** The number of blocks the replica seals. */
  public int blockCount() {
    long count = rangeEnd - rangeStart;
    if (count > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a range of " + count + " blocks is too long to seal");
    }
    return (int) count;
  }

  /** 32 bytes written as 64 hex digits, with or without {@code 0x}. */
  static byte[] hex32(String field, String text) {
    String digits = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
    if (digits.length() != 64 || !digits.chars().allMatch(HexFormat::isHexDigit)) {
      throw new IllegalArgumentException(field + " '" + text + "' is not 32 bytes in hex");
    }
    return HexFormat.of().parseHex(digits);
  }
}
