package io.cairn.protocol.pinning;

import java.util.ArrayList;
import java.util.List;

/**
 * The canonical layout {@code D} of a range of blocks (PINNING.md §3.2): for each block in order
 * {@code varint(len) ‖ block}, where varint is the unsigned LEB128 of protobuf (7 bits a byte,
 * least significant group first, high bit set on every byte but the last, minimal length), and the
 * whole padded with zero bytes to the next multiple of 32. {@code N = |D| / 32} nodes.
 *
 * <p>Zero padding reads as empty blocks, so {@code D} alone does not say where the blocks end: the
 * decoder is given the block count, which the replica's range fixes ({@code rangeEnd −
 * rangeStart}). It accepts only the canonical form: minimal varints and fewer than 32 padding
 * bytes, all zero.
 */
public final class SectorLayout {
  private SectorLayout() {}

  /**
   * The layout of {@code blocks}, at least one, refused when it would exceed {@code capBytes}
   * (split the range into several sectors instead).
   */
  public static NodeBuffer encode(List<byte[]> blocks, long capBytes) {
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("a sector holds at least one block");
    }
    long length = 0;
    for (byte[] block : blocks) {
      length += varintLength(block.length) + block.length;
    }
    long padded =
        (length + NodeBuffer.NODE_BYTES - 1) / NodeBuffer.NODE_BYTES * NodeBuffer.NODE_BYTES;
    if (padded > capBytes) {
      throw new IllegalArgumentException(
          "the layout of "
              + blocks.size()
              + " blocks is "
              + padded
              + " bytes, over the cap of "
              + capBytes);
    }
    if (padded / NodeBuffer.NODE_BYTES > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("the layout is over 2^31 - 1 nodes: " + padded + " bytes");
    }
    NodeBuffer layout = NodeBuffer.allocate((int) (padded / NodeBuffer.NODE_BYTES));
    byte[] prefix = new byte[5];
    long position = 0;
    for (byte[] block : blocks) {
      int prefixLength = writeVarint(block.length, prefix);
      layout.write(position, prefix, 0, prefixLength);
      position += prefixLength;
      layout.write(position, block, 0, block.length);
      position += block.length;
    }
    return layout;
  }

  /** The {@code blockCount} blocks laid out in {@code layout}; refuses a non-canonical layout. */
  public static List<byte[]> decode(NodeBuffer layout, int blockCount) {
    if (blockCount < 1) {
      throw new IllegalArgumentException("a sector holds at least one block, not " + blockCount);
    }
    long end = layout.byteLength();
    List<byte[]> blocks = new ArrayList<>(Math.min(blockCount, 1 << 16));
    byte[] one = new byte[1];
    long position = 0;
    for (int i = 0; i < blockCount; i++) {
      long length = 0;
      int shift = 0;
      while (true) {
        if (position >= end) {
          throw new IllegalArgumentException("block " + i + ": the layout ends inside its length");
        }
        layout.read(position++, one, 0, 1);
        length |= (long) (one[0] & 0x7F) << shift;
        if ((one[0] & 0x80) == 0) {
          if (one[0] == 0 && shift > 0) {
            throw new IllegalArgumentException("block " + i + ": its length is not minimal");
          }
          break;
        }
        shift += 7;
        if (shift > 28) {
          throw new IllegalArgumentException("block " + i + ": its length is over 5 bytes");
        }
      }
      if (length > end - position || length > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "block " + i + ": length " + length + " runs past the layout's end");
      }
      byte[] block = new byte[(int) length];
      layout.read(position, block, 0, block.length);
      position += length;
      blocks.add(block);
    }
    checkPadding(layout, position);
    return blocks;
  }

  private static void checkPadding(NodeBuffer layout, long position) {
    long padding = layout.byteLength() - position;
    if (padding >= NodeBuffer.NODE_BYTES) {
      throw new IllegalArgumentException(
          padding + " bytes follow the last block; canonical padding is under 32");
    }
    byte[] tail = new byte[(int) padding];
    layout.read(position, tail, 0, tail.length);
    for (byte b : tail) {
      if (b != 0) {
        throw new IllegalArgumentException("the padding after the last block is not all zero");
      }
    }
  }

  static int varintLength(int value) {
    int length = 1;
    while ((value >>>= 7) != 0) {
      length++;
    }
    return length;
  }

  private static int writeVarint(int value, byte[] out) {
    int i = 0;
    while ((value & ~0x7F) != 0) {
      out[i++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out[i++] = (byte) value;
    return i;
  }
}
