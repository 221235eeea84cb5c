package io.cairn.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.cairn.protocol.api.v1.Response;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Reads a Cairn WebSocket's answers: joins the fragments of each message, parses it as a {@code
 * Response} (protobuf in a binary frame, its JSON mapping in a text frame, as the node answers in
 * the format of the request) and hands it on, then asks for the next message.
 */
public final class ResponseListener implements WebSocket.Listener {
  private static final JsonFormat.Parser JSON = JsonFormat.parser().ignoringUnknownFields();

  private final Consumer<Response> onResponse;
  private final ResponseFrames frames = new ResponseFrames();
  private final StringBuilder text = new StringBuilder();

  public ResponseListener(Consumer<Response> onResponse) {
    this.onResponse = onResponse;
  }

  @Override
  public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
    text.append(data);
    if (last) {
      Response.Builder response = Response.newBuilder();
      try {
        JSON.merge(text.toString(), response);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("the node sent a text frame that is not a Response", e);
      }
      text.setLength(0);
      onResponse.accept(response.build());
    }
    socket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
    frames.add(data, last).ifPresent(onResponse);
    socket.request(1);
    return null;
  }
}
