package io.cairn.api;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.ApiError;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * The API's JSON (the protobuf JSON mapping of the public messages in {@code protocol}) and its one
 * error model: every failure becomes a {@link Rejection} by {@link Rejection#of}, answered as an
 * {@code ApiError} over HTTP and WebSocket alike.
 */
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
    return error(new Rejection(code, message));
  }

  public static HttpResponse error(Rejection rejection) {
    return response(StatusCodes.get(rejection.code().httpStatus()), apiError(rejection));
  }

  /** A rejection as clients see it. */
  public static ApiError apiError(Rejection rejection) {
    return ApiError.newBuilder()
        .setError(rejection.code().name())
        .setMessage(rejection.getMessage())
        .build();
  }

  /**
   * The rejection to answer a failed request with ({@link Rejection#of}); a fault of the node is
   * logged with its cause here, once, as the client only learns that it happened.
   */
  public static Rejection rejectionOf(Throwable failure, ActorSystem<?> system) {
    Rejection rejection = Rejection.of(failure);
    if (rejection.code() == ErrorCode.INTERNAL) {
      system.log().error("Request failed", rejection.getCause());
    }
    return rejection;
  }
}
