package io.cairn.protocol.pinning;

import io.cairn.protocol.hypercore.Blake2b;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The 32-byte identity a replica's labels are keyed by (PINNING.md §3.2). It binds the hoster, the
 * exact data (feed, range and the signed tree hash) and the contract, so two hosters, or one hoster
 * under two contracts, never share a replica, and the hoster chooses none of its inputs.
 *
 * <p>Byte layout, BLAKE2b-256 of the concatenation of:
 *
 * <pre>
 * "cairn/replica/v1"        16 bytes, ASCII
 * u16be(len) ‖ hosterKey    the hoster's public key, 1..65535 bytes
 * feedKey                   32 bytes, the Hypercore's public key
 * u64be(rangeStart)         first block of the range
 * u64be(rangeEnd)           one past the last block; rangeStart &lt; rangeEnd
 * treeHash                  32 bytes, the tree hash at the signed length the range was read at
 * u16be(len) ‖ contractId   the job or contract id, 1..65535 bytes
 * u16be(len) ‖ amendmentId  the amendment id, 1..65535 bytes
 * </pre>
 */
public final class ReplicaId {
  /** Bytes in a replica id. */
  public static final int LENGTH = 32;

  private static final byte[] DOMAIN = "cairn/replica/v1".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_FIELD = 0xFFFF;

  private final byte[] bytes;

  private ReplicaId(byte[] bytes) {
    this.bytes = bytes;
  }

  /** The replica id of these fields; see the class comment for the bytes hashed. */
  public static ReplicaId of(
      byte[] hosterKey,
      byte[] feedKey,
      long rangeStart,
      long rangeEnd,
      byte[] treeHash,
      byte[] contractId,
      byte[] amendmentId) {
    checkVariable("hosterKey", hosterKey);
    checkFixed("feedKey", feedKey);
    checkFixed("treeHash", treeHash);
    checkVariable("contractId", contractId);
    checkVariable("amendmentId", amendmentId);
    if (rangeStart < 0 || rangeEnd <= rangeStart) {
      throw new IllegalArgumentException(
          "the range must satisfy 0 <= start < end, not [" + rangeStart + ", " + rangeEnd + ")");
    }
    ByteBuffer fields =
        ByteBuffer.allocate(
            DOMAIN.length
                + 2
                + hosterKey.length
                + 32
                + 16
                + 32
                + 2
                + contractId.length
                + 2
                + amendmentId.length);
    fields.put(DOMAIN);
    fields.putShort((short) hosterKey.length).put(hosterKey);
    fields.put(feedKey);
    fields.putLong(rangeStart).putLong(rangeEnd);
    fields.put(treeHash);
    fields.putShort((short) contractId.length).put(contractId);
    fields.putShort((short) amendmentId.length).put(amendmentId);
    return new ReplicaId(Blake2b.hash(fields.array()));
  }

  /** A replica id received as bytes (from the journal or the wire). */
  public static ReplicaId fromBytes(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("a replica id is 32 bytes, not " + bytes.length);
    }
    return new ReplicaId(bytes.clone());
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ReplicaId id && Arrays.equals(bytes, id.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes);
  }

  private static void checkFixed(String name, byte[] value) {
    if (value.length != 32) {
      throw new IllegalArgumentException(name + " must be 32 bytes, not " + value.length);
    }
  }

  private static void checkVariable(String name, byte[] value) {
    if (value.length < 1 || value.length > MAX_FIELD) {
      throw new IllegalArgumentException(name + " must be 1 to 65535 bytes, not " + value.length);
    }
  }
}
