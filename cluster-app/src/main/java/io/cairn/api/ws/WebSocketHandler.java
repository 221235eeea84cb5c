package io.cairn.api.ws;

import io.cairn.protocol.api.v1.Request;
import java.util.Set;

/**
 * A feature's answers to its WebSocket request types on one connection; the feature's package holds
 * it beside its HTTP routes ({@code api.stream.StreamWebSocketHandler}). A request it cannot take
 * may be refused by throwing a {@link io.cairn.protocol.Rejection}, as in the HTTP routes: the
 * session answers it.
 */
public interface WebSocketHandler {
  /** Answers {@code request}, in the format of its frame ({@code text} or binary). */
  void handle(boolean text, Request request);

  /** The connection closed: whatever the handler still runs for it stops. */
  void close();

  /** Makes a feature's handler for each connection, and names the request types it takes. */
  interface Factory {
    Set<Request.BodyCase> requestTypes();

    WebSocketHandler open(WebSocketSession session);
  }
}
