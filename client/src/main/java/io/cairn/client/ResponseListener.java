package io.cairn.client;

import io.cairn.protocol.proto.ws.Response;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Reads a Cairn WebSocket's binary frames: joins the fragments of each message, parses it as a
 * {@code Response} and hands it on, then asks for the next message.
 */
public final class ResponseListener implements WebSocket.Listener {
  private final Consumer<Response> onResponse;
  private ByteBuffer pending = ByteBuffer.allocate(0);

  public ResponseListener(Consumer<Response> onResponse) {
    this.onResponse = onResponse;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
    ByteBuffer joined = ByteBuffer.allocate(pending.remaining() + data.remaining());
    joined.put(pending).put(data).flip();
    pending = joined;
    if (last) {
      byte[] bytes = new byte[pending.remaining()];
      pending.get(bytes);
      pending = ByteBuffer.allocate(0);
      try {
        onResponse.accept(Response.parseFrom(bytes));
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new IllegalStateException("the node sent a frame that is not a Response", e);
      }
    }
    socket.request(1);
    return null;
  }
}
