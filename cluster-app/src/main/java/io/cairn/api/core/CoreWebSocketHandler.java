package io.cairn.api.core;

import io.cairn.api.ws.WebSocketHandler;
import io.cairn.api.ws.WebSocketSession;
import io.cairn.core.Cores;
import io.cairn.ledger.PaidCores;
import io.cairn.protocol.api.v1.Request;
import io.cairn.protocol.api.v1.Response;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The core feature on a WebSocket connection: the same services and mapper as {@link CoreRoutes}.
 * It keeps nothing per connection.
 */
public final class CoreWebSocketHandler implements WebSocketHandler {
  /** The node's cores, from which each connection gets its handler. */
  public static final class Factory implements WebSocketHandler.Factory {
    private final Cores cores;
    private final PaidCores paid;

    public Factory(Cores cores, PaidCores paid) {
      this.cores = cores;
      this.paid = paid;
    }

    @Override
    public Set<Request.BodyCase> requestTypes() {
      return EnumSet.of(
          Request.BodyCase.REGISTER_CORE,
          Request.BodyCase.APPEND_TO_CORE,
          Request.BodyCase.GET_CORE_INFO,
          Request.BodyCase.GET_BLOCK,
          Request.BodyCase.GET_BLOCKS,
          Request.BodyCase.GET_UPGRADE);
    }

    @Override
    public WebSocketHandler open(WebSocketSession session) {
      return new CoreWebSocketHandler(cores, paid, session);
    }
  }

  private final Cores cores;
  private final PaidCores paid;
  private final WebSocketSession session;

  private CoreWebSocketHandler(Cores cores, PaidCores paid, WebSocketSession session) {
    this.cores = cores;
    this.paid = paid;
    this.session = session;
  }

  @Override
  public void handle(boolean text, Request request) {
    session.answer(text, request.getRequestId(), answer(request));
  }

  @Override
  public void close() {}

  /** Completes when this connection's session may read the core's blocks ({@link PaidCores}). */
  private CompletionStage<Void> readable(byte[] key) {
    return paid.requireReader(key, session.address());
  }

  private CompletionStage<Response> answer(Request request) {
    Response.Builder response = Response.newBuilder().setRequestId(request.getRequestId());
    return switch (request.getBodyCase()) {
      case REGISTER_CORE -> {
        CoreApiMapper.Registration registration =
            CoreApiMapper.registration(request.getRegisterCore());
        yield cores
            .register(registration.key(), registration.descriptor())
            .thenApply(
                registered -> response.setCoreInfo(CoreApiMapper.info(registered.info())).build());
      }
      case APPEND_TO_CORE ->
          cores
              .append(
                  CoreApiMapper.key(request.getAppendToCore().getKey().toByteArray()),
                  CoreApiMapper.batch(request.getAppendToCore().getBatch()))
              .thenApply(info -> response.setCoreInfo(CoreApiMapper.info(info)).build());
      case GET_CORE_INFO ->
          cores
              .info(CoreApiMapper.key(request.getGetCoreInfo().getKey().toByteArray()))
              .thenApply(info -> response.setCoreInfo(CoreApiMapper.info(info)).build());
      case GET_BLOCK -> {
        byte[] key = CoreApiMapper.key(request.getGetBlock().getKey().toByteArray());
        yield readable(key)
            .thenCompose(
                allowed ->
                    cores.block(
                        key,
                        request.getGetBlock().getIndex(),
                        request.getGetBlock().getTrustedLength()))
            .thenApply(proof -> response.setProof(CoreApiMapper.proof(proof)).build());
      }
      case GET_BLOCKS -> {
        byte[] key = CoreApiMapper.key(request.getGetBlocks().getKey().toByteArray());
        yield readable(key)
            .thenCompose(
                allowed ->
                    cores.range(
                        key, request.getGetBlocks().getStart(), request.getGetBlocks().getEnd()))
            .thenApply(proof -> response.setRangeProof(CoreApiMapper.rangeProof(proof)).build());
      }
      case GET_UPGRADE -> {
        byte[] key = CoreApiMapper.key(request.getGetUpgrade().getKey().toByteArray());
        yield readable(key)
            .thenCompose(
                allowed ->
                    cores.upgrade(
                        key, request.getGetUpgrade().getFrom(), request.getGetUpgrade().getTo()))
            .thenApply(proof -> response.setProof(CoreApiMapper.proof(proof)).build());
      }
      default ->
          throw new IllegalArgumentException(
              "the core handler does not take " + request.getBodyCase());
    };
  }
}
