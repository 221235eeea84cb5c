package io.cairn.cli.event;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Length-prefixed frames: a 4-byte big-endian length, then that many bytes. */
final class RawFrames {
  /** Far above any event the node accepts; a larger length means the input is not frames. */
  static final int MAX_FRAME = 16 * 1024 * 1024;

  private RawFrames() {}

  static void write(OutputStream out, byte[] frame) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeInt(frame.length);
    data.write(frame);
    data.flush();
  }

  /** The next frame, or {@code null} at the end of the input (between frames). */
  static byte[] read(InputStream in) throws IOException, MalformedFrameException {
    DataInputStream data = new DataInputStream(in);
    int first = data.read();
    if (first < 0) {
      return null;
    }
    byte[] rest = new byte[3];
    try {
      data.readFully(rest);
    } catch (EOFException e) {
      throw new MalformedFrameException("the input ends inside a frame's 4-byte length");
    }
    int length =
        (first << 24) | ((rest[0] & 0xff) << 16) | ((rest[1] & 0xff) << 8) | (rest[2] & 0xff);
    if (length < 0 || length > MAX_FRAME) {
      throw new MalformedFrameException(
          "a frame length of "
              + Integer.toUnsignedString(length)
              + " bytes is over the limit of "
              + MAX_FRAME);
    }
    byte[] frame = new byte[length];
    try {
      data.readFully(frame);
    } catch (EOFException e) {
      throw new MalformedFrameException("the input ends inside a frame of " + length + " bytes");
    }
    return frame;
  }

  /** The input is not a sequence of frames; reading cannot go on. */
  static final class MalformedFrameException extends Exception {
    MalformedFrameException(String message) {
      super(message);
    }
  }
}
