package io.cairn.protocol.stream;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import java.util.regex.Pattern;

/**
 * A stream's id, {@code <owner address>/<path>} as in the Streamr Network, for example {@code
 * 0x6a0e9a2a5d3f8d1c9b7e4f2a1b3c5d7e9f0a1b2c/sensors/temperature}. The path is what Streamr takes:
 * any characters (letters of any script, spaces, punctuation, slashes anywhere) except control
 * characters, at least one, the whole id at most {@value #MAX_LENGTH} characters. In URLs it is
 * percent-encoded, its slashes included. Streamr also lets an ENS name own a stream ({@code
 * name.eth/path}); a node resolves no names, so such an id is refused {@code
 * OWNER_NAME_UNRESOLVED}, and its owner creates the stream under the 0x address.
 */
public record StreamId(EthereumAddress owner, String path) {
  public static final int MAX_LENGTH = 255;
  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
  private static final Pattern ENS_NAME = Pattern.compile("[^/\\s]+\\.[a-z]+");

  public StreamId {
    if (path == null || path.isEmpty()) {
      throw new Rejection(ErrorCode.INVALID_STREAM_ID, "stream id has no path after its owner");
    }
    if (CONTROL.matcher(path).find()) {
      throw new Rejection(
          ErrorCode.INVALID_STREAM_ID, "stream path must not hold control characters");
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
    String ownerText = text.substring(0, slash);
    if (!ownerText.startsWith("0x") && ENS_NAME.matcher(ownerText).matches()) {
      throw new Rejection(
          ErrorCode.OWNER_NAME_UNRESOLVED,
          "stream id '"
              + text
              + "' names its owner by the ENS name '"
              + ownerText
              + "', which this node cannot resolve; create the stream under the owner's 0x"
              + " address");
    }
    EthereumAddress owner;
    try {
      owner = EthereumAddress.parse(ownerText);
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
