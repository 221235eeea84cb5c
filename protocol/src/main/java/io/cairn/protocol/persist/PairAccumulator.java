package io.cairn.protocol.persist;

import io.cairn.protocol.hypercore.Blake2b;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * An append-only merkle accumulator over the ordered pairs of a stream, as a merkle mountain range:
 * the pairs are split, oldest first, into perfect binary trees of decreasing power-of-two sizes
 * (the set bits of the count, like a hypercore's flat-tree roots), and only each tree's root, its
 * peak, is kept: at most 64 hashes whatever the count. Appending merges equal-sized trees as a
 * binary counter carries.
 *
 * <pre>
 *   leaf   = BLAKE2b-256(0x00 || "cairn-pair" || u32be(len(address)) || address || u32be(32) || key)
 *   parent = BLAKE2b-256(0x01 || left || right)
 *   root   = BLAKE2b-256(0x02 || "cairn-pairs" || u64be(count) || peak_1 || ... || peak_k)
 * </pre>
 *
 * <p>The peaks in the root are ordered oldest (largest tree) first. The root binds the count, so
 * two histories of different lengths never share a root; the empty accumulator's root is
 * BLAKE2b-256(0x02 || "cairn-pairs" || u64be(0)). Not thread-safe: one owner appends.
 */
public final class PairAccumulator {
  static final byte LEAF = 0x00;
  static final byte PARENT = 0x01;
  static final byte ROOT = 0x02;
  static final byte[] PAIR_DOMAIN = "cairn-pair".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ROOT_DOMAIN = "cairn-pairs".getBytes(StandardCharsets.US_ASCII);

  private long count;

  /**
   * {@code peaks[h]} is the root of the tree of 2^h pairs, present when bit h of the count is set.
   */
  private final byte[][] peaks = new byte[64][];

  public PairAccumulator() {}

  /**
   * An accumulator of {@code count} pairs with these peaks, oldest first, as {@link #peaks()} gives
   * them.
   */
  public static PairAccumulator of(long count, List<byte[]> peaks) {
    if (count < 0 || Long.bitCount(count) != peaks.size()) {
      throw new IllegalArgumentException(
          count
              + " pairs have "
              + Long.bitCount(Math.max(0, count))
              + " peaks, not "
              + peaks.size());
    }
    PairAccumulator accumulator = new PairAccumulator();
    accumulator.count = count;
    int next = 0;
    for (int height = 63; height >= 0; height--) {
      if ((count >>> height & 1) == 1) {
        accumulator.peaks[height] = checked(peaks.get(next++)).clone();
      }
    }
    return accumulator;
  }

  public long count() {
    return count;
  }

  public void append(Pair pair) {
    appendLeaf(pair.leaf());
  }

  /** Appends a pair by its {@link Pair#leaf() leaf} hash, as a persistor replays its journal. */
  public void appendLeaf(byte[] leaf) {
    byte[] carry = checked(leaf);
    int height = 0;
    while ((count >>> height & 1) == 1) {
      carry = Blake2b.hash(new byte[] {PARENT}, peaks[height], carry);
      peaks[height] = null;
      height++;
    }
    peaks[height] = carry;
    count++;
  }

  /** The peaks, oldest (largest tree) first. */
  public List<byte[]> peaks() {
    List<byte[]> out = new ArrayList<>(Long.bitCount(count));
    for (int height = 63; height >= 0; height--) {
      if (peaks[height] != null) {
        out.add(peaks[height].clone());
      }
    }
    return out;
  }

  /** The root over every pair appended, binding their count (see the class comment). */
  public byte[] root() {
    ByteBuffer prefix =
        ByteBuffer.allocate(1 + ROOT_DOMAIN.length + 8).put(ROOT).put(ROOT_DOMAIN).putLong(count);
    List<byte[]> parts = new ArrayList<>();
    parts.add(prefix.array());
    parts.addAll(peaks());
    return Blake2b.hash(parts.toArray(byte[][]::new));
  }

  /** {@link #root()} as 64 lowercase hex digits, as checkpoints carry it. */
  public String rootHex() {
    return HexFormat.of().formatHex(root());
  }

  public PairAccumulator copy() {
    return of(count, peaks());
  }

  private static byte[] checked(byte[] hash) {
    if (hash.length != Blake2b.HASH_LENGTH) {
      throw new IllegalArgumentException(
          "a merkle hash is " + Blake2b.HASH_LENGTH + " bytes, not " + hash.length);
    }
    return hash;
  }
}
