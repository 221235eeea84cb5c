package io.cairn.bench.hypercore;

import io.cairn.protocol.hypercore.CoreKeyPair;
import io.cairn.protocol.hypercore.CoreWriter;
import io.cairn.protocol.hypercore.FlatTree;
import io.cairn.protocol.hypercore.InMemoryTreeStore;
import io.cairn.protocol.hypercore.TreeHead;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic core for the proof benchmarks: {@code length} blocks of {@code blockSize}
 * pseudo-random bytes from a fixed seed, written into an {@link InMemoryTreeStore}. The last {@code
 * signedHeads} blocks are appended one by one and each resulting signed head is kept, so proofs can
 * be made for many distinct signed lengths (and a verifier cannot get away with checking one
 * signature once).
 */
final class BenchCore {
  /** Seed of the signing key; any fixed 32 bytes. */
  static final byte[] KEY_SEED = seed(0x5eed);

  final CoreWriter writer;
  final byte[][] blocks;

  /** {@code heads[i]} is the signed head at length {@code length - signedHeads + 1 + i}. */
  final TreeHead[] heads;

  private BenchCore(CoreWriter writer, byte[][] blocks, TreeHead[] heads) {
    this.writer = writer;
    this.blocks = blocks;
    this.heads = heads;
  }

  static BenchCore build(int length, int blockSize, int signedHeads, long seed) {
    if (signedHeads < 1 || signedHeads > length) {
      throw new IllegalArgumentException(signedHeads + " signed heads for length " + length);
    }
    SplittableRandom random = new SplittableRandom(seed);
    byte[][] blocks = new byte[length][];
    for (int i = 0; i < length; i++) {
      blocks[i] = randomBytes(random, blockSize);
    }
    CoreWriter writer = CoreWriter.create(CoreKeyPair.fromSeed(KEY_SEED), new InMemoryTreeStore());
    int bulk = length - signedHeads;
    for (int from = 0; from < bulk; from += 1000) {
      writer.append(Arrays.asList(blocks).subList(from, Math.min(bulk, from + 1000)));
    }
    TreeHead[] heads = new TreeHead[signedHeads];
    for (int i = 0; i < signedHeads; i++) {
      heads[i] = writer.append(blocks[bulk + i]);
    }
    return new BenchCore(writer, blocks, heads);
  }

  TreeHead head() {
    return writer.head();
  }

  /** How many uncles connect block {@code index} to the root of {@code length} that covers it. */
  static int unclesToRoot(long index, long length) {
    for (long root : FlatTree.fullRoots(length)) {
      if (FlatTree.covers(root, 2 * index)) {
        return FlatTree.depth(root);
      }
    }
    throw new IllegalArgumentException("block " + index + " not in length " + length);
  }

  static byte[] randomBytes(SplittableRandom random, int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) random.nextInt(256);
    }
    return bytes;
  }

  static byte[] seed(long value) {
    return randomBytes(new SplittableRandom(value), 32);
  }

  static List<List<byte[]>> partition(List<byte[]> blocks, int size) {
    List<List<byte[]>> out = new ArrayList<>();
    for (int from = 0; from < blocks.size(); from += size) {
      out.add(List.copyOf(blocks.subList(from, Math.min(blocks.size(), from + size))));
    }
    return out;
  }
}
