package io.cairn.protocol.hypercore;

import java.util.Arrays;
import java.util.List;

/**
 * Writes Hypercore's compact-encoding: a uint is 1 byte up to {@code 0xFC}, else a marker ({@code
 * 0xFD}, {@code 0xFE}, {@code 0xFF}) and a 2-, 4- or 8-byte little-endian value.
 */
public final class CompactWriter {
  private byte[] buffer;
  private int position;

  public CompactWriter(int expectedSize) {
    buffer = new byte[Math.max(16, expectedSize)];
  }

  /** Appends an unsigned integer; {@code value} must not be negative. */
  public CompactWriter uint(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("compact uint cannot be negative: " + value);
    }
    if (value <= 0xFC) {
      ensure(1);
      buffer[position++] = (byte) value;
    } else if (value <= 0xFFFF) {
      ensure(3);
      buffer[position++] = (byte) 0xFD;
      little(value, 2);
    } else if (value <= 0xFFFFFFFFL) {
      ensure(5);
      buffer[position++] = (byte) 0xFE;
      little(value, 4);
    } else {
      ensure(9);
      buffer[position++] = (byte) 0xFF;
      little(value, 8);
    }
    return this;
  }

  /** Appends bytes as they are, without a length. */
  public CompactWriter fixed(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buffer, position, bytes.length);
    position += bytes.length;
    return this;
  }

  /** Appends a uint length followed by the bytes; {@code null} is written as length 0. */
  public CompactWriter buffer(byte[] bytes) {
    if (bytes == null) {
      return uint(0);
    }
    return uint(bytes.length).fixed(bytes);
  }

  /** Appends a node: index (uint), size (uint), 32 hash bytes. */
  public CompactWriter node(TreeNode node) {
    return uint(node.index()).uint(node.size()).fixed(node.hash());
  }

  /** Appends a uint count followed by the nodes. */
  public CompactWriter nodes(List<TreeNode> nodes) {
    uint(nodes.size());
    for (TreeNode node : nodes) {
      node(node);
    }
    return this;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buffer, position);
  }

  private void little(long value, int bytes) {
    for (int i = 0; i < bytes; i++) {
      buffer[position++] = (byte) (value >>> (8 * i));
    }
  }

  private void ensure(int more) {
    if (position + more > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, position + more));
    }
  }
}
