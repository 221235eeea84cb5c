package io.cairn.protocol.pinning;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small sectors and parameters so that seals in tests take milliseconds. */
final class SealFixtures {
  /** Three layers whatever the size: deep enough to exercise the expander, cheap to compute. */
  static final SealParameters SMALL = new SealParameters(3, 0, 1 << 20);

  static final byte[] FEED_KEY = filled(32, 7);
  static final byte[] TREE_HASH = filled(32, 9);

  private SealFixtures() {}

  static ReplicaId replicaIdFor(String hoster) {
    return ReplicaId.of(
        hoster.getBytes(), FEED_KEY, 0, 20, TREE_HASH, "job-1".getBytes(), "amend-1".getBytes());
  }

  /** Twenty blocks of seeded random bytes and lengths: a layout of a few hundred nodes. */
  static List<byte[]> blocks() {
    Random random = new Random(42);
    List<byte[]> blocks = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      byte[] block = new byte[random.nextInt(700)];
      random.nextBytes(block);
      blocks.add(block);
    }
    return blocks;
  }

  static NodeBuffer layout() {
    return SectorLayout.encode(blocks(), SMALL.sectorCapBytes());
  }

  static byte[] filled(int length, int value) {
    byte[] bytes = new byte[length];
    java.util.Arrays.fill(bytes, (byte) value);
    return bytes;
  }
}
