package io.cairn.api;

import io.cairn.api.node.NodeRoutes;
import io.cairn.app.NodeSettings;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;

/** Binds the public API and unbinds it when the node shuts down. */
public final class ApiServer extends AllDirectives {
  private static final Duration UNBIND_DEADLINE = Duration.ofSeconds(10);

  private final ActorSystem<?> system;
  private final Route routes;

  private ApiServer(ActorSystem<?> system, Route routes) {
    this.system = system;
    this.routes = routes;
  }

  public static CompletionStage<ServerBinding> start(
      ActorSystem<?> system, NodeSettings node, String journalKind, String version) {
    NodeRoutes nodeRoutes = new NodeRoutes(system, node.roles(), journalKind, version);
    ApiServer server = new ApiServer(system, nodeRoutes.routes());
    return Http.get(system)
        .newServerAt(node.host(), node.apiPort())
        .bind(server.route())
        .thenApply(binding -> {
          binding.addToCoordinatedShutdown(UNBIND_DEADLINE, system);
          system.log().info("Public API listening on {}", binding.localAddress());
          return binding;
        });
  }

  private Route route() {
    return handleExceptions(exceptions(), () ->
        handleRejections(rejections(), () ->
            pathPrefix("api", () -> pathPrefix("v1", () -> routes))));
  }

  private RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handleAll(MethodRejection.class, rejections -> complete(ApiJson.error(
            ErrorCode.METHOD_NOT_ALLOWED,
            "allowed: " + rejections.stream().map(r -> r.supported().name()).distinct().toList())))
        .handleNotFound(extractUnmatchedPath(path -> complete(ApiJson.error(
            ErrorCode.NOT_FOUND, "no such resource: " + path))))
        .build()
        .seal();
  }

  private ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .match(Rejection.class, rejection -> complete(ApiJson.error(rejection)))
        .matchAny(failure -> {
          system.log().error("Request failed", failure);
          return complete(ApiJson.error(ErrorCode.INTERNAL, "the node failed to answer; see its log"));
        })
        .build();
  }
}
