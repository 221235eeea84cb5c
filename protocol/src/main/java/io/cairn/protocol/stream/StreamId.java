package io.cairn.protocol.stream;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import java.util.regex.Pattern;

/**
 * A stream's id, {@code <owner address>/<path>} as in the Streamr Network, for example {@code
 * 0x6a0e9a2a5d3f8d1c9b7e4f2a1b3c5d7e9f0a1b2c/sensors/temperature}. The path is one or more segments
 * of letters, digits, {@code .}, {@code _} and {@code -} separated by single slashes.
 */
public record StreamId(EthereumAddress owner, String path) {
  public static final int MAX_LENGTH = 255;
  private static final Pattern PATH = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

  public StreamId {
    if (path == null || !PATH.matcher(path).matches()) {
      throw new Rejection(
          ErrorCode.INVALID_STREAM_ID,
          "stream path '"
              + path
              + "' must be segments of letters, digits, '.', '_' or '-'"
              + " separated by single '/'");
    }
    if (owner.value().length() + 1 + path.length() > MAX_LENGTH) {
      throw new Rejection(
          ErrorCode.INVALID_STREAM_ID, "stream id is longer than " + MAX_LENGTH + " characters");
    }
  }

  public static StreamId parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new Rejection(ErrorCode.INVALID_STREAM_ID, "stream id is empty");
    }
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new Rejection(
          ErrorCode.INVALID_STREAM_ID, "stream id '" + text + "' must be <owner address>/<path>");
    }
    EthereumAddress owner;
    try {
      owner = EthereumAddress.parse(text.substring(0, slash));
    } catch (Rejection invalidOwner) {
      throw new Rejection(
          ErrorCode.INVALID_STREAM_ID,
          "stream id '" + text + "' does not start with its owner: " + invalidOwner.getMessage());
    }
    return new StreamId(owner, text.substring(slash + 1));
  }

  @Override
  public String toString() {
    return owner.value() + "/" + path;
  }
}
