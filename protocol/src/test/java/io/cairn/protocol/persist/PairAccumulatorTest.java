package io.cairn.protocol.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.protocol.hypercore.Blake2b;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The accumulator against the definition written out from scratch, and its documented vector. */
class PairAccumulatorTest {
  private static Pair pair(int i) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) i);
    return new Pair("address-" + i, key);
  }

  /**
   * The root by the definition in docs/protocol.md: perfect trees of the count's set bits, oldest
   * first.
   */
  private static byte[] definition(List<Pair> pairs) {
    List<byte[]> peaks = new ArrayList<>();
    int start = 0;
    for (int height = 62; height >= 0; height--) {
      long size = 1L << height;
      if ((pairs.size() & size) != 0) {
        peaks.add(tree(pairs.subList(start, start + (int) size)));
        start += size;
      }
    }
    List<byte[]> parts = new ArrayList<>();
    parts.add(
        ByteBuffer.allocate(1 + 11 + 8)
            .put((byte) 2)
            .put("cairn-pairs".getBytes(StandardCharsets.US_ASCII))
            .putLong(pairs.size())
            .array());
    parts.addAll(peaks);
    return Blake2b.hash(parts.toArray(byte[][]::new));
  }

  private static byte[] tree(List<Pair> pairs) {
    if (pairs.size() == 1) {
      byte[] address = pairs.get(0).address().getBytes(StandardCharsets.UTF_8);
      return Blake2b.hash(
          new byte[] {0},
          "cairn-pair".getBytes(StandardCharsets.US_ASCII),
          ByteBuffer.allocate(4).putInt(address.length).array(),
          address,
          ByteBuffer.allocate(4).putInt(32).array(),
          pairs.get(0).key());
    }
    int half = pairs.size() / 2;
    return Blake2b.hash(
        new byte[] {1}, tree(pairs.subList(0, half)), tree(pairs.subList(half, pairs.size())));
  }

  @Test
  void everyCountMatchesTheDefinition() {
    PairAccumulator accumulator = new PairAccumulator();
    List<Pair> pairs = new ArrayList<>();
    assertArrayEquals(definition(pairs), accumulator.root());
    for (int i = 0; i < 70; i++) {
      pairs.add(pair(i));
      accumulator.append(pair(i));
      assertArrayEquals(definition(pairs), accumulator.root(), "after " + pairs.size() + " pairs");
      assertEquals(Long.bitCount(pairs.size()), accumulator.peaks().size());
    }
  }

  @Test
  void restoredFromPeaksGoesOnTheSame() {
    PairAccumulator accumulator = new PairAccumulator();
    for (int i = 0; i < 13; i++) {
      accumulator.append(pair(i));
    }
    PairAccumulator restored = PairAccumulator.of(accumulator.count(), accumulator.peaks());
    accumulator.append(pair(13));
    restored.appendLeaf(pair(13).leaf());
    assertArrayEquals(accumulator.root(), restored.root());
    assertThrows(
        IllegalArgumentException.class, () -> PairAccumulator.of(3, List.of(new byte[32])));
  }

  @Test
  void theRootBindsTheCountAndTheOrder() {
    PairAccumulator ab = new PairAccumulator();
    ab.append(pair(1));
    ab.append(pair(2));
    PairAccumulator ba = new PairAccumulator();
    ba.append(pair(2));
    ba.append(pair(1));
    assertFalse(Arrays.equals(ab.root(), ba.root()));
  }

  /** The vector of docs/protocol.md: pairs "address-0".."address-2", key i repeated 32 times. */
  @Test
  void documentedVector() {
    PairAccumulator accumulator = new PairAccumulator();
    assertEquals(VECTOR_EMPTY, accumulator.rootHex());
    for (int i = 0; i < 3; i++) {
      accumulator.append(pair(i));
    }
    assertEquals(VECTOR_LEAF_0, HexFormat.of().formatHex(pair(0).leaf()));
    assertEquals(VECTOR_THREE, accumulator.rootHex());
  }

  static final String VECTOR_EMPTY =
      "f1eb4570a941688006299c4971df7789b3671707aad68c6eb5ec616300844b3b";
  static final String VECTOR_LEAF_0 =
      "c73834dada375ae130fbaaa111ff360a4727919d6948665ff732b2c6cbddb92f";
  static final String VECTOR_THREE =
      "d7004bafd6cc4d41e8d6d42b0e9edef665c6cc8019e8f2c2b51b3a6d34c91b5e";
}
