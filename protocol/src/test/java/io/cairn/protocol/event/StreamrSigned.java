package io.cairn.protocol.event;

import io.cairn.protocol.api.v1.StreamMessage;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages Streamr's own SDK signed, in test resources streamr/ (see its README for the command
 * that made them), and the name of each case.
 */
public final class StreamrSigned {
  /** The key they were signed with: 32 bytes of 0x11. */
  public static final PrivateKeySigner SIGNER = PrivateKeySigner.fromHex("11".repeat(32));

  private StreamrSigned() {}

  public static List<StreamMessage> messages() {
    List<StreamMessage> messages = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(resource("streamr-signed.bin"))) {
      while (true) {
        int length;
        try {
          length = in.readInt();
        } catch (EOFException end) {
          return messages;
        }
        messages.add(StreamMessage.parseFrom(in.readNBytes(length)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One name per message, in order. */
  public static List<String> cases() {
    try (InputStream in = resource("streamr-signed.cases")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip().lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream resource(String name) {
    return StreamrSigned.class.getResourceAsStream("/streamr/" + name);
  }
}
