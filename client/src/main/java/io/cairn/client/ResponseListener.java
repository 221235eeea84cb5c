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
  private final ResponseFrames frames = new ResponseFrames();

  public ResponseListener(Consumer<Response> onResponse) {
    this.onResponse = onResponse;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
    frames.add(data, last).ifPresent(onResponse);
    socket.request(1);
    return null;
  }
}
