package io.cairn.protocol.pinning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SectorLayoutTest {
  @Test
  void blocksOfEveryAwkwardSizeRoundTrip() {
    Random random = new Random(1);
    List<byte[]> blocks =
        List.of(
            new byte[0],
            bytes(random, 1),
            bytes(random, 31),
            bytes(random, 32),
            bytes(random, 33),
            new byte[0],
            bytes(random, 200_000));
    NodeBuffer layout = SectorLayout.encode(blocks, 1 << 20);
    long expected = 1 + 1 + 1 + 1 + 31 + 1 + 32 + 1 + 33 + 1 + 3 + 200_000;
    assertEquals((expected + 31) / 32, layout.nodeCount());
    List<byte[]> decoded = SectorLayout.decode(layout, blocks.size());
    assertEquals(blocks.size(), decoded.size());
    for (int i = 0; i < blocks.size(); i++) {
      assertArrayEquals(blocks.get(i), decoded.get(i), "block " + i);
    }
  }

  @Test
  void theLayoutIsVarintThenBlockPaddedWithZeros() {
    NodeBuffer layout = SectorLayout.encode(List.of(new byte[] {9, 8}, new byte[130]), 1024);
    byte[] bytes = new byte[(int) layout.byteLength()];
    layout.read(0, bytes, 0, bytes.length);
    assertEquals(160, bytes.length, "3 + 2 + 130 = 135 bytes, padded to 160");
    assertArrayEquals(new byte[] {2, 9, 8, (byte) 0x82, 0x01}, java.util.Arrays.copyOf(bytes, 5));
  }

  @Test
  void aLayoutOverTheCapOrNotCanonicalIsRefused() {
    IllegalArgumentException over =
        assertThrows(
            IllegalArgumentException.class, () -> SectorLayout.encode(List.of(new byte[64]), 64));
    assertTrue(over.getMessage().contains("over the cap"), over.getMessage());
    NodeBuffer oneBlock = SectorLayout.encode(List.of(new byte[] {1, 2, 3}), 1024);
    IllegalArgumentException padding =
        assertThrows(IllegalArgumentException.class, () -> SectorLayout.decode(oneBlock, 30));
    assertTrue(padding.getMessage().contains("block 29"), padding.getMessage());
    NodeBuffer dirty = oneBlock.copy();
    dirty.write(31, new byte[] {1}, 0, 1);
    assertThrows(IllegalArgumentException.class, () -> SectorLayout.decode(dirty, 1));
    NodeBuffer overlong = NodeBuffer.allocate(1);
    overlong.write(0, new byte[] {(byte) 0x81, 0x00}, 0, 2);
    assertThrows(IllegalArgumentException.class, () -> SectorLayout.decode(overlong, 1));
    assertThrows(IllegalArgumentException.class, () -> SectorLayout.encode(List.of(), 1024));
  }

  @Test
  void nodeBuffersReadAndWriteAcrossPageEdges() {
    NodeBuffer paged = NodeBuffer.allocate(10, 2);
    byte[] data = new byte[320];
    new Random(3).nextBytes(data);
    paged.write(0, data, 0, 320);
    byte[] back = new byte[100];
    paged.read(100, back, 0, 100);
    assertArrayEquals(java.util.Arrays.copyOfRange(data, 100, 200), back);
    assertTrue(paged.sameContent(NodeBuffer.copyOf(data)));
    NodeBuffer other = NodeBuffer.copyOf(data);
    paged.xorWith(other);
    assertTrue(paged.sameContent(NodeBuffer.allocate(10)));
    assertThrows(IndexOutOfBoundsException.class, () -> paged.readNode(10, back, 0));
  }

  private static byte[] bytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }
}
