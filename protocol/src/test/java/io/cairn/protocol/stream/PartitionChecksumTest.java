package io.cairn.protocol.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The vectors of docs/protocol.md, "Partition checksums", and the definition recomputed with the
 * JDK's SHA-256 from the bytes the document lists.
 */
class PartitionChecksumTest {
  private static final String STREAM = "0x1111111111111111111111111111111111111111/prices";

  /** Signature i of the vectors: 65 bytes, every byte {@code i}. */
  private static byte[] signature(int i) {
    byte[] bytes = new byte[65];
    java.util.Arrays.fill(bytes, (byte) i);
    return bytes;
  }

  @Test
  void theDocumentedVectors() {
    PartitionChecksum empty = PartitionChecksum.start(STREAM, 0, 29_000_000);
    assertEquals(0, empty.count());
    assertEquals(
        "0x4d6e2e5ed3cc4bc1d6b3a1d0a5f4f6f1b2a8f2c9a4d7f0a9e6f4f4e0e2f9b8a1".length(),
        empty.hex().length());
    PartitionChecksum three = PartitionChecksum.start(STREAM, 0, 29_000_000);
    for (int i = 1; i <= 3; i++) {
      three.addSignature(signature(i));
    }
    assertEquals(3, three.count());
    assertEquals(EMPTY, empty.hex());
    assertEquals(THREE, three.hex());
  }

  @Test
  void isTheHashChainTheDocumentDefines() throws Exception {
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    sha256.update("cairn-partition-checksum-v1".getBytes(StandardCharsets.US_ASCII));
    sha256.update((byte) 0);
    sha256.update(STREAM.getBytes(StandardCharsets.UTF_8));
    sha256.update((byte) 0);
    sha256.update(HexFormat.of().parseHex("00000002" + "0000000001ba8140"));
    byte[] c0 = sha256.digest();
    sha256.update(c0);
    sha256.update(signature(7));
    byte[] c1 = sha256.digest();
    assertEquals(
        "0x" + HexFormat.of().formatHex(c1),
        PartitionChecksum.start(STREAM, 2, 29_000_000).addSignature(signature(7)).hex());
  }

  @Test
  void orderPartitionAndIntervalAllCount() {
    String ab =
        PartitionChecksum.start(STREAM, 0, 1)
            .addSignature(signature(1))
            .addSignature(signature(2))
            .hex();
    String ba =
        PartitionChecksum.start(STREAM, 0, 1)
            .addSignature(signature(2))
            .addSignature(signature(1))
            .hex();
    assertNotEquals(ab, ba);
    assertNotEquals(
        PartitionChecksum.start(STREAM, 0, 1).hex(), PartitionChecksum.start(STREAM, 1, 1).hex());
    assertNotEquals(
        PartitionChecksum.start(STREAM, 0, 1).hex(), PartitionChecksum.start(STREAM, 0, 2).hex());
    assertEquals(-1, PartitionChecksum.intervalOf(-1, 60));
    assertEquals(29_000_000, PartitionChecksum.intervalOf(1_740_000_000_000L, 60));
  }

  /** Computed with Python's hashlib from the definition, not with this implementation. */
  private static final String EMPTY =
      "0x831ff5980e26e64a3dea2cd1a4588a032ff00d36df73f1121866ffa87d5eed17";

  private static final String THREE =
      "0xd4579c54ea5754dcc967df5f2c96ba48e9f7a35ad3f1aed2a7fbe03f64743110";
}
