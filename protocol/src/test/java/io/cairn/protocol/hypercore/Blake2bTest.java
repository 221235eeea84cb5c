package io.cairn.protocol.hypercore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.junit.jupiter.api.Test;

/** The Merkle path's own BLAKE2b-256 gives BouncyCastle's bytes for every length and split. */
class Blake2bTest {
  @Test
  void matchesBouncyCastleForEveryLengthAndSplit() {
    Random random = new Random(1);
    Blake2b.Digest digest = new Blake2b.Digest();
    for (int length = 0; length <= 1100; length++) {
      byte[] message = new byte[length];
      random.nextBytes(message);
      byte[] expected = bouncyCastle(message);

      byte[] whole = new byte[32];
      digest.update(message, 0, length);
      digest.doFinal(whole, 0);
      assertArrayEquals(expected, whole, "length " + length);

      // Uneven pieces and single bytes, through the same (reset) digest.
      byte[] split = new byte[32];
      int offset = 0;
      while (offset < length) {
        int piece = Math.min(length - offset, random.nextInt(300));
        if (piece == 1) {
          digest.update(message[offset]);
        } else {
          digest.update(message, offset, piece);
        }
        offset += piece;
      }
      digest.doFinal(split, 0);
      assertArrayEquals(expected, split, "length " + length + " in pieces");
    }
  }

  @Test
  void oneBlockInPlaceMatchesBouncyCastle() {
    Random random = new Random(2);
    Blake2b.Digest digest = new Blake2b.Digest();
    for (int length = 0; length <= 128; length++) {
      byte[] block = new byte[128];
      byte[] message = new byte[length];
      random.nextBytes(message);
      System.arraycopy(message, 0, block, 0, length);
      byte[] out = new byte[40];
      digest.hashBlock(block, length, out, 8);
      assertArrayEquals(bouncyCastle(message), Arrays.copyOfRange(out, 8, 40), "length " + length);
    }
  }

  private static byte[] bouncyCastle(byte[] message) {
    Blake2bDigest digest = new Blake2bDigest(256);
    digest.update(message, 0, message.length);
    byte[] out = new byte[32];
    digest.doFinal(out, 0);
    return out;
  }
}
