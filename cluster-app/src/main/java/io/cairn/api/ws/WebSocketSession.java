package io.cairn.api.ws;

import io.cairn.api.ApiJson;
import io.cairn.api.auth.SessionTokens;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.Request;
import io.cairn.protocol.api.v1.Response;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * One WebSocket connection: it authenticates (a session token makes the later requests act as its
 * address) and hands every other request to the handler of the feature that serves its type. It
 * knows no feature's rules. Every answer and every subscription's events run into {@link #out},
 * which feeds the socket with backpressure.
 */
public final class WebSocketSession {
  /**
   * An answer and the format of the request it answers; {@code last} closes the connection after
   * it.
   */
  public record Outgoing(boolean text, Response response, boolean last) {}

  private final ActorSystem<?> system;
  private final SessionTokens tokens;
  private final Sink<Outgoing, NotUsed> out;
  private final BoundedSourceQueue<Outgoing> answers;
  private final Map<Request.BodyCase, WebSocketHandler> handlers =
      new EnumMap<>(Request.BodyCase.class);
  private final List<WebSocketHandler> opened = new ArrayList<>();
  private volatile Optional<EthereumAddress> address = Optional.empty();

  private WebSocketSession(
      ActorSystem<?> system,
      SessionTokens tokens,
      Sink<Outgoing, NotUsed> out,
      BoundedSourceQueue<Outgoing> answers) {
    this.system = system;
    this.tokens = tokens;
    this.out = out;
    this.answers = answers;
  }

  /** A session with a handler of each feature, opened for it. */
  static WebSocketSession open(
      ActorSystem<?> system,
      SessionTokens tokens,
      List<WebSocketHandler.Factory> features,
      Sink<Outgoing, NotUsed> out,
      BoundedSourceQueue<Outgoing> answers) {
    WebSocketSession session = new WebSocketSession(system, tokens, out, answers);
    for (WebSocketHandler.Factory feature : features) {
      WebSocketHandler handler = feature.open(session);
      session.opened.add(handler);
      feature.requestTypes().forEach(type -> session.handlers.put(type, handler));
    }
    return session;
  }

  /** The address of the session token this connection authenticated with, if any. */
  public Optional<EthereumAddress> address() {
    return address;
  }

  /** Where a feature runs streams of answers, such as a subscription's events. */
  public Sink<Outgoing, NotUsed> out() {
    return out;
  }

  /** One answer; a client that lets the answer queue fill up without reading is disconnected. */
  public void send(boolean text, Response response) {
    QueueOfferResult result = answers.offer(new Outgoing(text, response, false));
    if (result != QueueOfferResult.enqueued() && result != QueueOfferResult.closed()) {
      answers.fail(new IllegalStateException("the client did not read its answers"));
    }
  }

  /** The answer once it completes, or the error it failed with. */
  public void answer(boolean text, String requestId, CompletionStage<Response> answer) {
    answer.whenComplete(
        (response, failure) ->
            send(
                text,
                failure == null
                    ? response
                    : WebSocketRoutes.error(requestId, ApiJson.rejectionOf(failure, system))));
  }

  void handle(boolean text, Request request) {
    try {
      if (request.getBodyCase() == Request.BodyCase.AUTHENTICATE) {
        EthereumAddress who = tokens.verify(request.getAuthenticate());
        address = Optional.of(who);
        send(
            text,
            Response.newBuilder()
                .setRequestId(request.getRequestId())
                .setAuthenticated(who.value())
                .build());
        return;
      }
      WebSocketHandler handler = handlers.get(request.getBodyCase());
      if (handler == null) {
        throw new Rejection(
            ErrorCode.UNKNOWN_REQUEST, "the request names no type this node serves");
      }
      handler.handle(text, request);
    } catch (RuntimeException failure) {
      // the WebSocket's side of the API's one error model, as ApiServer's exception handler is
      // HTTP's: a request refused while it is taken is answered, and the connection goes on
      send(
          text,
          WebSocketRoutes.error(request.getRequestId(), ApiJson.rejectionOf(failure, system)));
    }
  }

  void close() {
    opened.forEach(WebSocketHandler::close);
  }
}
