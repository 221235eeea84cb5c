package io.cairn.api.ws;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.cairn.api.ApiJson;
import io.cairn.api.ApiRoutes;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.proto.api.ApiError;
import io.cairn.protocol.proto.ws.Request;
import io.cairn.protocol.proto.ws.Response;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;

/**
 * {@code /api/v1/ws}: requests and answers as in {@code cairn/ws.proto}. A frame that cannot be
 * read is answered with an error frame and the connection stays open; so is a request this node
 * has no handler for.
 */
public final class WebSocketRoutes extends ApiRoutes {
  private static final JsonFormat.Parser JSON_IN = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer JSON_OUT = JsonFormat.printer().omittingInsignificantWhitespace();
  /** Requests answered at once per connection; answers keep the order of their requests. */
  private static final int IN_FLIGHT = 8;

  private final WebSocketRequests requests;
  private final long maxMessageBytes;

  public WebSocketRoutes(ActorSystem<?> system, WebSocketRequests requests, long maxMessageBytes) {
    super(system);
    this.requests = requests;
    this.maxMessageBytes = maxMessageBytes;
  }

  @Override
  public Route routes() {
    return path("ws", () -> handleWebSocketMessages(flow()));
  }

  /** One connection: each message read whole (up to the limit), answered in its own format. */
  Flow<Message, Message, NotUsed> flow() {
    return Flow.<Message>create()
        .mapAsync(1, this::read)
        .mapAsync(IN_FLIGHT, frame -> frame.request() == null
            ? CompletableFuture.completedFuture(frame.write(frame.error()))
            : requests.answer(frame.request())
                .exceptionally(failure -> error(frame.request().getRequestId(), ApiJson.rejectionOf(failure, system)))
                .thenApply(frame::write));
  }

  /** A received message: its request, or the error that reading it gave, and its format. */
  private record Frame(boolean text, Request request, Response error) {
    Message write(Response response) {
      if (text) {
        try {
          return TextMessage.create(JSON_OUT.print(response));
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException("cannot print a response", e);
        }
      }
      return BinaryMessage.create(ByteString.fromArrayUnsafe(response.toByteArray()));
    }
  }

  private CompletionStage<Frame> read(Message message) {
    boolean text = message.isText();
    var data = text
        ? message.asTextMessage().getStreamedText().map(ByteString::fromString)
        : message.asBinaryMessage().getStreamedData();
    // an oversized message is read to its end, keeping nothing, so the connection stays in step
    return data
        .runWith(Sink.fold(Optional.of(ByteString.emptyByteString()), (kept, chunk) -> kept
            .filter(bytes -> bytes.size() + chunk.size() <= maxMessageBytes)
            .map(bytes -> bytes.concat(chunk))), system)
        .thenApply(kept -> kept.map(bytes -> parse(text, bytes)).orElseGet(() -> new Frame(text, null,
            error("", new Rejection(ErrorCode.REQUEST_TOO_LARGE,
                "a message may hold at most " + maxMessageBytes + " bytes")))));
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
      return new Frame(text, null, error("", new Rejection(ErrorCode.MALFORMED_REQUEST,
          "the " + (text ? "text" : "binary") + " frame is not a Request: " + e.getMessage())));
    }
    if (request.getBodyCase() == Request.BodyCase.BODY_NOT_SET) {
      return new Frame(text, null, error(request.getRequestId(), new Rejection(ErrorCode.UNKNOWN_REQUEST,
          "the request names no type this node serves")));
    }
    return new Frame(text, request.build(), null);
  }

  static Response error(String requestId, Rejection rejection) {
    return Response.newBuilder()
        .setRequestId(requestId)
        .setError(ApiError.newBuilder().setError(rejection.code().name()).setMessage(rejection.getMessage()))
        .build();
  }
}
