package io.cairn.protocol.hypercore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads Hypercore's compact-encoding strictly: a value that runs past the end, a uint that does not
 * fit a non-negative {@code long}, and (through {@link #end()}) trailing bytes all throw {@link
 * MalformedEncodingException}. Strictness matters because every accepted byte string must mean
 * exactly one thing to the verifier.
 */
public final class CompactReader {
  private final byte[] data;
  private int position;

  public CompactReader(byte[] data) {
    this.data = data;
  }

  public long uint() {
    int first = u8();
    return switch (first) {
      case 0xFD -> canonical(little(2), 0xFC);
      case 0xFE -> canonical(little(4), 0xFFFF);
      case 0xFF -> {
        long value = little(8);
        if (value < 0) {
          throw new MalformedEncodingException("uint larger than 2^63-1");
        }
        yield canonical(value, 0xFFFFFFFFL);
      }
      default -> first;
    };
  }

  // compact-encoding writers always pick the shortest form; a longer one is a second spelling
  // of the same value, which a strict reader refuses.
  private static long canonical(long value, long shorterFormMaximum) {
    if (value <= shorterFormMaximum) {
      throw new MalformedEncodingException("uint " + value + " not in its shortest form");
    }
    return value;
  }

  /** A uint that must fit an {@code int} count or length not larger than the bytes left. */
  public int count(int minimumItemSize) {
    long value = uint();
    if (value > (long) (data.length - position) / Math.max(1, minimumItemSize)) {
      throw new MalformedEncodingException("count " + value + " exceeds the remaining input");
    }
    return (int) value;
  }

  public byte[] fixed(int length) {
    if (data.length - position < length) {
      throw new MalformedEncodingException("need " + length + " bytes, " + remaining() + " left");
    }
    byte[] out = Arrays.copyOfRange(data, position, position + length);
    position += length;
    return out;
  }

  /** A uint length followed by that many bytes. */
  public byte[] buffer() {
    return fixed(count(1));
  }

  public TreeNode node() {
    long index = uint();
    long size = uint();
    return new TreeNode(index, size, fixed(Blake2b.HASH_LENGTH));
  }

  /** A uint count followed by that many nodes (each at least 34 bytes). */
  public List<TreeNode> nodes() {
    int count = count(34);
    List<TreeNode> nodes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      nodes.add(node());
    }
    return nodes;
  }

  public int remaining() {
    return data.length - position;
  }

  /** Fails unless every byte was consumed. */
  public void end() {
    if (position != data.length) {
      throw new MalformedEncodingException(remaining() + " trailing bytes");
    }
  }

  private int u8() {
    if (position >= data.length) {
      throw new MalformedEncodingException("unexpected end of input");
    }
    return data[position++] & 0xFF;
  }

  private long little(int bytes) {
    if (data.length - position < bytes) {
      throw new MalformedEncodingException("unexpected end of input");
    }
    long value = 0;
    for (int i = 0; i < bytes; i++) {
      value |= (long) (data[position++] & 0xFF) << (8 * i);
    }
    return value;
  }
}
