package io.cairn.protocol.stream;

import io.cairn.protocol.api.v1.StreamMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The rolling checksum of one stream partition's reporting interval, which the nodes that store and
 * deliver the partition report to the ledger and a subscriber recomputes from what it received
 * (docs/protocol.md, "Partition checksums"). Interval {@code k} of length {@code L} seconds holds
 * the events whose timestamp is in {@code [k·L, (k+1)·L)}, in the partition's stored order.
 *
 * <pre>
 * c_0 = SHA-256("cairn-partition-checksum-v1" || 0x00 || stream id (UTF-8) || 0x00
 *               || partition (4 bytes, big-endian) || interval k (8 bytes, big-endian))
 * c_i = SHA-256(c_(i-1) || signature of event i (its 65 bytes))
 * </pre>
 *
 * The report is {@code (n, c_n)}. An event's signature commits to all of its content and Cairn
 * accepts exactly one signature per event, so the chain identifies the events and their order
 * without depending on how any implementation serializes them. Not thread-safe.
 */
public final class PartitionChecksum {
  private static final byte[] DOMAIN =
      "cairn-partition-checksum-v1".getBytes(StandardCharsets.US_ASCII);

  private final MessageDigest sha256;
  private byte[] value;
  private long count;

  private PartitionChecksum(byte[] start) {
    this.sha256 = newSha256();
    this.value = start;
  }

  /** The checksum of interval {@code interval} of the partition, before any event. */
  public static PartitionChecksum start(String streamId, int partition, long interval) {
    byte[] id = streamId.getBytes(StandardCharsets.UTF_8);
    ByteBuffer seed = ByteBuffer.allocate(DOMAIN.length + 1 + id.length + 1 + 4 + 8);
    seed.put(DOMAIN).put((byte) 0).put(id).put((byte) 0).putInt(partition).putLong(interval);
    return new PartitionChecksum(newSha256().digest(seed.array()));
  }

  /** The interval an event of timestamp {@code timestampMs} falls in. */
  public static long intervalOf(long timestampMs, long intervalSeconds) {
    return Math.floorDiv(timestampMs, intervalSeconds * 1000);
  }

  public PartitionChecksum add(StreamMessage event) {
    return addSignature(event.getSignature().toByteArray());
  }

  public PartitionChecksum addSignature(byte[] signature) {
    sha256.update(value);
    sha256.update(signature);
    value = sha256.digest();
    count++;
    return this;
  }

  public long count() {
    return count;
  }

  public byte[] value() {
    return Arrays.copyOf(value, value.length);
  }

  /** {@code 0x} and 64 hex digits, as the ledger writes a checksum. */
  public String hex() {
    return "0x" + HexFormat.of().formatHex(value);
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
