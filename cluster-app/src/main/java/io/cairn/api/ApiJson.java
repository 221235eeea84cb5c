package io.cairn.api;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.proto.api.ApiError;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.pattern.AskTimeoutException;

/** The API's JSON: the protobuf JSON mapping of the messages in {@code protocol}. */
public final class ApiJson {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();

  private ApiJson() {}

  public static HttpResponse ok(MessageOrBuilder message) {
    return response(StatusCodes.OK, message);
  }

  public static HttpResponse response(StatusCode status, MessageOrBuilder message) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, PRINTER.print(message)));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
    }
  }

  /** {@code {"error": CODE, "message": ...}} with the status the code stands for. */
  public static HttpResponse error(ErrorCode code, String message) {
    return response(
        StatusCodes.get(code.httpStatus()),
        ApiError.newBuilder().setError(code.name()).setMessage(message).build());
  }

  public static HttpResponse error(Rejection rejection) {
    return error(rejection.code(), rejection.getMessage());
  }

  /**
   * The error to answer for a failed ask: its rejection, unavailable on timeout, internal
   * otherwise.
   */
  public static Rejection rejectionOf(Throwable failure, ActorSystem<?> system) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof Rejection rejection) {
      return rejection;
    }
    if (cause instanceof AskTimeoutException || cause instanceof TimeoutException) {
      return new Rejection(ErrorCode.UNAVAILABLE, "the cluster did not answer in time; try again");
    }
    system.log().error("Request failed", cause);
    return new Rejection(ErrorCode.INTERNAL, "the node failed to answer; see its log");
  }
}
