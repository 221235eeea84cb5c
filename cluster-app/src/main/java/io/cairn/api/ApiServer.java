package io.cairn.api;

import io.cairn.protocol.ErrorCode;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.ExpectedWebSocketRequestRejection;
import org.apache.pekko.http.javadsl.server.MalformedQueryParamRejection;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.MissingQueryParamRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;

/** Binds the public API and unbinds it when the node shuts down. */
public final class ApiServer extends AllDirectives {
  private static final Duration UNBIND_DEADLINE = Duration.ofSeconds(10);

  private final ActorSystem<?> system;
  private final List<ApiRoutes> features;

  private ApiServer(ActorSystem<?> system, List<ApiRoutes> features) {
    this.system = system;
    this.features = features;
  }

  /** Binds the routes of every feature under {@code /api/v1} on {@code host:port}. */
  public static CompletionStage<ServerBinding> start(
      ActorSystem<?> system, String host, int port, List<ApiRoutes> features) {
    ApiServer server = new ApiServer(system, features);
    return Http.get(system)
        .newServerAt(host, port)
        .bind(server.route())
        .thenApply(
            binding -> {
              binding.addToCoordinatedShutdown(UNBIND_DEADLINE, system);
              system.log().info("Public API listening on {}", binding.localAddress());
              return binding;
            });
  }

  private Route route() {
    return handleExceptions(
        exceptions(),
        () ->
            handleRejections(
                rejections(),
                () -> pathPrefix("api", () -> pathPrefix("v1", this::featureRoutes))));
  }

  private Route featureRoutes() {
    Route[] routes = features.stream().map(ApiRoutes::routes).toArray(Route[]::new);
    return concat(routes[0], Arrays.copyOfRange(routes, 1, routes.length));
  }

  private RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handle(
            MalformedRequestContentRejection.class,
            rejection ->
                complete(
                    rejection.getCause() instanceof EntityStreamSizeException tooLarge
                        ? ApiJson.error(
                            ErrorCode.REQUEST_TOO_LARGE,
                            "the request body exceeds " + tooLarge.limit() + " bytes")
                        : ApiJson.error(
                            ErrorCode.MALFORMED_REQUEST,
                            "the request body is malformed: " + rejection.message())))
        .handle(
            MalformedQueryParamRejection.class,
            rejection ->
                complete(
                    ApiJson.error(
                        ErrorCode.MALFORMED_REQUEST,
                        "query parameter "
                            + rejection.parameterName()
                            + ": "
                            + rejection.errorMsg())))
        .handle(
            MissingQueryParamRejection.class,
            rejection ->
                complete(
                    ApiJson.error(
                        ErrorCode.MALFORMED_REQUEST,
                        "query parameter " + rejection.parameterName() + " is required")))
        .handle(
            ExpectedWebSocketRequestRejection.class,
            rejection ->
                complete(
                    ApiJson.error(
                        ErrorCode.MALFORMED_REQUEST,
                        "this is the WebSocket endpoint: open it with a WebSocket upgrade request"
                            + " (GET with Upgrade: websocket)")))
        .handleAll(
            MethodRejection.class,
            rejections ->
                complete(
                    ApiJson.error(
                        ErrorCode.METHOD_NOT_ALLOWED,
                        "allowed: "
                            + rejections.stream()
                                .map(r -> r.supported().name())
                                .distinct()
                                .toList())))
        .handleNotFound(
            extractUnmatchedPath(
                path -> complete(ApiJson.error(ErrorCode.NOT_FOUND, "no such resource: " + path))))
        .build()
        .seal();
  }

  /**
   * Every failure of a route, a refusal it threw or a failed answer, becomes its error here: the
   * HTTP side of the API's one error model.
   */
  private ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .match(
            EntityStreamSizeException.class,
            tooLarge ->
                complete(
                    ApiJson.error(
                        ErrorCode.REQUEST_TOO_LARGE,
                        "the request body exceeds " + tooLarge.limit() + " bytes")))
        .matchAny(failure -> complete(ApiJson.error(ApiJson.rejectionOf(failure, system))))
        .build();
  }
}
