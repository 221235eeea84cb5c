package io.cairn.protocol.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Expected partitions follow Streamr's {@code keyToArrayIndex}: the first four bytes of the MD5
 * digest of the key's UTF-8 bytes ({@code printf %s KEY | md5sum}) as a little-endian signed int,
 * its absolute value modulo the partition count.
 */
class PartitionKeysTest {
  @Test
  void matchesStreamrsOwnExample() {
    // Streamr's keyToArrayIndex test expects 72 for "foo" in 100: md5 acbd18db... -> 0xdb18bdac =
    // -619135572
    assertEquals(72, PartitionKeys.partitionOf("foo", 100));
    assertEquals(2, PartitionKeys.partitionOf("foo", 10));
  }

  @Test
  void hashesTheKeysUtf8Bytes() {
    // md5 "bar" 37b51d19... -> 0x191db537 = 421377335
    assertEquals(1, PartitionKeys.partitionOf("bar", 2));
    assertEquals(2, PartitionKeys.partitionOf("bar", 3));
    // md5 "sensor-1" ebf13c77... -> 0x773cf1eb = 2000482795
    assertEquals(5, PartitionKeys.partitionOf("sensor-1", 10));
    // md5 "room 7" 2ef0ec90... -> 0x90ecf02e = -1863520210
    assertEquals(1, PartitionKeys.partitionOf("room 7", 3));
    // md5 of the UTF-8 bytes d0 ba d0 bb d1 8e d1 87 ("ключ") c3657b66... -> 0x667b65c3 =
    // 1719363011
    assertEquals(11, PartitionKeys.partitionOf("ключ", 100));
  }

  @Test
  void oneValidPartitionOnly() {
    assertEquals(0, PartitionKeys.partitionOf("anything", 1));
    assertThrows(IllegalArgumentException.class, () -> PartitionKeys.partitionOf("foo", 0));
  }
}
