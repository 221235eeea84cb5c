package io.cairn.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.protocol.api.v1.Response;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Joins the fragments a WebSocket delivers a binary message in and reads the whole as a {@code
 * Response}. Fragments are copied: the socket may reuse their buffers once the listener returns.
 */
final class ResponseFrames {
  private ByteBuffer pending = ByteBuffer.allocate(0);

  /** The response {@code data} completes, or empty while more fragments are to come. */
  Optional<Response> add(ByteBuffer data, boolean last) {
    ByteBuffer joined = ByteBuffer.allocate(pending.remaining() + data.remaining());
    joined.put(pending).put(data).flip();
    pending = joined;
    if (!last) {
      return Optional.empty();
    }
    byte[] bytes = new byte[pending.remaining()];
    pending.get(bytes);
    pending = ByteBuffer.allocate(0);
    try {
      return Optional.of(Response.parseFrom(bytes));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("the node sent a frame that is not a Response", e);
    }
  }
}
