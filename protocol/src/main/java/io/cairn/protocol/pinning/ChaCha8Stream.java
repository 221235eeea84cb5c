package io.cairn.protocol.pinning;

/**
 * The ChaCha8 keystream (Bernstein's original layout: 64-bit block counter from 0, 64-bit nonce 0)
 * read as little-endian 64-bit words, which is what Rust's {@code rand_chacha::ChaCha8Rng} returns
 * from {@code gen::<u64>()} when seeded with the same 32-byte key. The DRG draws its parents from
 * it, as Filecoin's does. Written here rather than taken from BouncyCastle so that re-keying per
 * node allocates nothing; the test checks it against BouncyCastle's {@code ChaChaEngine(8)}. Not
 * thread-safe.
 */
final class ChaCha8Stream {
  private static final int[] SIGMA = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};

  /** Constants, key, counter and nonce: the block function's input. */
  private final int[] input = new int[16];

  private final int[] working = new int[16];
  private final int[] block = new int[16];
  private int wordsUsed;

  ChaCha8Stream() {
    System.arraycopy(SIGMA, 0, input, 0, 4);
  }

  /** Re-keys with {@code keyBytes[offset, offset + 32)} and rewinds to the start of the stream. */
  void reset(byte[] keyBytes, int offset) {
    for (int i = 0; i < 8; i++) {
      int at = offset + 4 * i;
      input[4 + i] =
          (keyBytes[at] & 0xFF)
              | (keyBytes[at + 1] & 0xFF) << 8
              | (keyBytes[at + 2] & 0xFF) << 16
              | (keyBytes[at + 3] & 0xFF) << 24;
    }
    input[12] = 0;
    input[13] = 0;
    wordsUsed = 16;
  }

  /** The next 8 keystream bytes as a little-endian unsigned 64-bit value. */
  long nextLong() {
    if (wordsUsed == 16) {
      refill();
    }
    long low = block[wordsUsed] & 0xFFFFFFFFL;
    long high = block[wordsUsed + 1] & 0xFFFFFFFFL;
    wordsUsed += 2;
    return high << 32 | low;
  }

  private void refill() {
    int[] s = working;
    System.arraycopy(input, 0, s, 0, 16);
    for (int doubleRound = 0; doubleRound < 4; doubleRound++) {
      quarterRound(s, 0, 4, 8, 12);
      quarterRound(s, 1, 5, 9, 13);
      quarterRound(s, 2, 6, 10, 14);
      quarterRound(s, 3, 7, 11, 15);
      quarterRound(s, 0, 5, 10, 15);
      quarterRound(s, 1, 6, 11, 12);
      quarterRound(s, 2, 7, 8, 13);
      quarterRound(s, 3, 4, 9, 14);
    }
    for (int i = 0; i < 16; i++) {
      block[i] = s[i] + input[i];
    }
    if (++input[12] == 0) {
      input[13]++;
    }
    wordsUsed = 0;
  }

  private static void quarterRound(int[] s, int a, int b, int c, int d) {
    s[a] += s[b];
    s[d] = Integer.rotateLeft(s[d] ^ s[a], 16);
    s[c] += s[d];
    s[b] = Integer.rotateLeft(s[b] ^ s[c], 12);
    s[a] += s[b];
    s[d] = Integer.rotateLeft(s[d] ^ s[a], 8);
    s[c] += s[d];
    s[b] = Integer.rotateLeft(s[b] ^ s[c], 7);
  }
}
