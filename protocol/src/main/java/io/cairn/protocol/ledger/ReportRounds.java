package io.cairn.protocol.ledger;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.KeccakDigest;

/**
 * The id of a checksum report round, as {@code ChecksumReports.roundId} computes it on a chain:
 * {@code keccak256(abi.encode(string streamId, uint32 partition, uint64 interval))}. The ABI
 * encoding is three 32-byte head words (the offset 0x60 of the string, then the two integers
 * left-padded), then the string's length word and its UTF-8 bytes right-padded to 32.
 */
public final class ReportRounds {
  private ReportRounds() {}

  public static Bytes32 roundId(String streamId, int partition, long interval) {
    byte[] text = streamId.getBytes(StandardCharsets.UTF_8);
    int padded = (text.length + 31) / 32 * 32;
    byte[] encoded = new byte[32 * 4 + padded];
    putWord(encoded, 0, 0x60);
    putWord(encoded, 32, Integer.toUnsignedLong(partition));
    putWord(encoded, 64, interval);
    putWord(encoded, 96, text.length);
    System.arraycopy(text, 0, encoded, 128, text.length);
    KeccakDigest digest = new KeccakDigest(256);
    digest.update(encoded, 0, encoded.length);
    byte[] hash = new byte[32];
    digest.doFinal(hash, 0);
    return Bytes32.of(hash);
  }

  /** Writes an unsigned 64-bit value as the last 8 bytes of the 32-byte word at {@code offset}. */
  private static void putWord(byte[] target, int offset, long value) {
    for (int i = 0; i < 8; i++) {
      target[offset + 31 - i] = (byte) (value >>> (8 * i));
    }
  }
}
