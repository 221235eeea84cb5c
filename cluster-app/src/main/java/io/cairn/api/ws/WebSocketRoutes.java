package io.cairn.api.ws;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.cairn.api.ApiJson;
import io.cairn.api.ApiRoutes;
import io.cairn.api.auth.SessionTokens;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.Request;
import io.cairn.protocol.api.v1.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.MergeHub;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * {@code /api/v1/ws}: requests and answers as in {@code cairn/api/v1/ws.proto}. This transport
 * reads frames and writes answers; each connection's {@link WebSocketSession} authenticates and
 * hands each request to the handler of the feature that serves its type. A frame that cannot be
 * read is answered with an error frame and the connection stays open; so is a request this node has
 * no handler for.
 */
public final class WebSocketRoutes extends ApiRoutes {
  private static final JsonFormat.Parser JSON_IN = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer JSON_OUT =
      JsonFormat.printer().omittingInsignificantWhitespace();

  /** Answers waiting for a client that does not read them; beyond this it is disconnected. */
  private static final int ANSWER_QUEUE = 4096;

  /** Answers one producer may have on the way to the socket before it waits. */
  private static final int PER_PRODUCER_BUFFER = 16;

  private final SessionTokens tokens;
  private final List<WebSocketHandler.Factory> features;
  private final long maxMessageBytes;

  public WebSocketRoutes(
      ActorSystem<?> system,
      SessionTokens tokens,
      List<WebSocketHandler.Factory> features,
      long maxMessageBytes) {
    super(system);
    this.tokens = tokens;
    this.features = List.copyOf(features);
    this.maxMessageBytes = maxMessageBytes;
  }

  @Override
  public Route routes() {
    return path("ws", () -> handleWebSocketMessages(flow()));
  }

  /**
   * One connection: each message read whole (up to the limit) and handed to its {@link
   * WebSocketSession}; everything it answers goes out through one hub, in the format of the request
   * it answers. An answer marked last closes the connection after it is sent.
   */
  Flow<Message, Message, NotUsed> flow() {
    Pair<Sink<WebSocketSession.Outgoing, NotUsed>, Source<WebSocketSession.Outgoing, NotUsed>> hub =
        MergeHub.of(WebSocketSession.Outgoing.class, PER_PRODUCER_BUFFER).preMaterialize(system);
    Pair<BoundedSourceQueue<WebSocketSession.Outgoing>, Source<WebSocketSession.Outgoing, NotUsed>>
        answers = Source.<WebSocketSession.Outgoing>queue(ANSWER_QUEUE).preMaterialize(system);
    WebSocketSession connection =
        WebSocketSession.open(system, tokens, features, hub.first(), answers.first());
    Sink<Message, NotUsed> in =
        Flow.<Message>create()
            .mapAsync(1, this::read)
            .watchTermination(
                (notUsed, done) -> {
                  done.whenComplete((ignored, failure) -> connection.close());
                  return notUsed;
                })
            .to(
                Sink.foreach(
                    frame -> {
                      if (frame.request() == null) {
                        connection.send(frame.text(), frame.error());
                      } else {
                        connection.handle(frame.text(), frame.request());
                      }
                    }));
    Source<Message, NotUsed> out =
        hub.second()
            .merge(answers.second())
            .takeWhile(outgoing -> !outgoing.last(), true)
            .map(outgoing -> write(outgoing.text(), outgoing.response()));
    return Flow.fromSinkAndSourceCoupled(in, out);
  }

  private static Message write(boolean text, Response response) {
    if (text) {
      try {
        return TextMessage.create(JSON_OUT.print(response));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("cannot print a response", e);
      }
    }
    return BinaryMessage.create(ByteString.fromArrayUnsafe(response.toByteArray()));
  }

  /** A received message: its request, or the error that reading it gave, and its format. */
  private record Frame(boolean text, Request request, Response error) {}

  private CompletionStage<Frame> read(Message message) {
    boolean text = message.isText();
    // whole messages, the usual case, are read without running a stream for each
    if (text && message.asTextMessage().isStrict()) {
      String strict = message.asTextMessage().getStrictText();
      return CompletableFuture.completedFuture(
          strict.length() > maxMessageBytes
              ? tooLarge(text)
              : parse(true, ByteString.fromString(strict)));
    }
    if (!text && message.asBinaryMessage().isStrict()) {
      ByteString strict = message.asBinaryMessage().getStrictData();
      return CompletableFuture.completedFuture(
          strict.size() > maxMessageBytes ? tooLarge(text) : parse(false, strict));
    }
    var data =
        text
            ? message.asTextMessage().getStreamedText().map(ByteString::fromString)
            : message.asBinaryMessage().getStreamedData();
    // an oversized message is read to its end, keeping nothing, so the connection stays in step
    return data.runWith(
            Sink.fold(
                Optional.of(ByteString.emptyByteString()),
                (kept, chunk) ->
                    kept.filter(bytes -> bytes.size() + chunk.size() <= maxMessageBytes)
                        .map(bytes -> bytes.concat(chunk))),
            system)
        .thenApply(kept -> kept.map(bytes -> parse(text, bytes)).orElseGet(() -> tooLarge(text)));
  }

  private Frame tooLarge(boolean text) {
    return new Frame(
        text,
        null,
        error(
            "",
            new Rejection(
                ErrorCode.REQUEST_TOO_LARGE,
                "a message may hold at most " + maxMessageBytes + " bytes")));
  }

  private static Frame parse(boolean text, ByteString bytes) {
    Request.Builder request = Request.newBuilder();
    try {
      if (text) {
        JSON_IN.merge(bytes.decodeString(StandardCharsets.UTF_8), request);
      } else {
        request.mergeFrom(bytes.toArray());
      }
    } catch (InvalidProtocolBufferException e) {
      return new Frame(
          text,
          null,
          error(
              "",
              new Rejection(
                  ErrorCode.MALFORMED_REQUEST,
                  "the "
                      + (text ? "text" : "binary")
                      + " frame is not a Request: "
                      + e.getMessage())));
    }
    if (request.getBodyCase() == Request.BodyCase.BODY_NOT_SET) {
      return new Frame(
          text,
          null,
          error(
              request.getRequestId(),
              new Rejection(
                  ErrorCode.UNKNOWN_REQUEST, "the request names no type this node serves")));
    }
    if (request.hasPartitionKey() && request.getBodyCase() != Request.BodyCase.PUBLISH) {
      return new Frame(
          text,
          null,
          error(
              request.getRequestId(),
              new Rejection(
                  ErrorCode.MALFORMED_REQUEST,
                  "a partition key goes with publish only, not with "
                      + request.getBodyCase().name().toLowerCase(Locale.ROOT))));
    }
    return new Frame(text, request.build(), null);
  }

  /** The error frame answering request {@code requestId}. */
  public static Response error(String requestId, Rejection rejection) {
    return Response.newBuilder()
        .setRequestId(requestId)
        .setError(ApiJson.apiError(rejection))
        .build();
  }
}
