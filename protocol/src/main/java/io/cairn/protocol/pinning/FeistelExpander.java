package io.cairn.protocol.pinning;

/**
 * Filecoin's expander between layers ({@code storage-proofs-porep/src/stacked/vanilla/graph.rs},
 * {@code correspondent}; {@code storage-proofs-core/src/crypto/feistel.rs}): expander parent {@code
 * i} of node {@code v} is {@code π(8v + i) / 8}, where π is a pseudo-random permutation of {@code
 * [0, 8N)}. So every node of the previous layer is a parent exactly 8 times over the layer (Chung's
 * construction).
 *
 * <p>π is a 3-round balanced Feistel network on the smallest even number of bits {@code 2h} with
 * {@code 4^h ≥ 8N} (h ≥ 1), cycle-walked until the value falls below {@code 8N}. Round {@code j}
 * maps {@code (left, right)} to {@code (right, left XOR (F(right, key_j) AND (2^h − 1)))}, the keys
 * being the first three little-endian 64-bit words of the Feistel seed, as in Filecoin.
 *
 * <p>Deviation: Filecoin's round function F is BLAKE2b-512 over {@code u64be(right) ‖ u64be(key)}.
 * Cairn's is the 64-bit finaliser of MurmurHash3 over {@code right XOR key}. The graph is public,
 * so F needs only to scatter well, not to resist an adversary; BLAKE2b would cost 24 to 48
 * compressions per node, several times the label hash the seal is meant to be made of.
 */
final class FeistelExpander {
  private static final int ROUNDS = 3;

  private final long[] keys = new long[ROUNDS];
  private final long elements;
  private final int halfBits;
  private final long rightMask;

  FeistelExpander(int nodeCount, byte[] seed) {
    for (int round = 0; round < ROUNDS; round++) {
      long key = 0;
      for (int b = 7; b >= 0; b--) {
        key = key << 8 | (seed[8 * round + b] & 0xFF);
      }
      keys[round] = key;
    }
    elements = (long) nodeCount * StackedGraph.EXPANDER_DEGREE;
    int bits = 1;
    while ((1L << (2 * bits)) < elements) {
      bits++;
    }
    halfBits = bits;
    rightMask = (1L << bits) - 1;
  }

  void parents(int node, int[] out) {
    long first = (long) node * StackedGraph.EXPANDER_DEGREE;
    for (int i = 0; i < StackedGraph.EXPANDER_DEGREE; i++) {
      out[i] = (int) (permute(first + i) / StackedGraph.EXPANDER_DEGREE);
    }
  }

  /** π: a bijection of {@code [0, 8N)}. */
  long permute(long index) {
    long value = encode(index);
    while (value >= elements) {
      value = encode(value);
    }
    return value;
  }

  private long encode(long index) {
    long left = index >>> halfBits;
    long right = index & rightMask;
    for (long key : keys) {
      long mixed = left ^ (roundFunction(right, key) & rightMask);
      left = right;
      right = mixed;
    }
    return left << halfBits | right;
  }

  private static long roundFunction(long right, long key) {
    long z = right ^ key;
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}
