package io.cairn.protocol.stream;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The partition a publisher's partition key picks, exactly as the Streamr client picks it (its
 * {@code keyToArrayIndex} in {@code @streamr/utils}), so that Cairn and Streamr publishers put
 * events with the same key into the same partition: MD5 of the key's UTF-8 bytes, the first four
 * bytes of the digest read as a little-endian signed 32-bit integer, its absolute value modulo the
 * number of partitions. Streamr also takes number keys (the number modulo the partitions); keys
 * travel as text in Cairn's API, so only text keys exist here.
 */
public final class PartitionKeys {
  private PartitionKeys() {}

  /** The partition of {@code key} in a stream of {@code partitions} partitions. */
  public static int partitionOf(String key, int partitions) {
    if (partitions <= 0) {
      throw new IllegalArgumentException("a stream has at least one partition, not " + partitions);
    }
    int hash =
        ByteBuffer.wrap(md5(key.getBytes(StandardCharsets.UTF_8)))
            .order(ByteOrder.LITTLE_ENDIAN)
            .getInt();
    // JavaScript's Math.abs has no overflow: the absolute value of -2^31 is 2^31, hence a long
    return (int) (Math.abs((long) hash) % partitions);
  }

  private static byte[] md5(byte[] bytes) {
    try {
      return MessageDigest.getInstance("MD5").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides MD5", e);
    }
  }
}
