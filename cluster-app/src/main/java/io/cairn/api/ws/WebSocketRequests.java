package io.cairn.api.ws;

import io.cairn.core.CoreSerializer;
import io.cairn.core.Cores;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.hypercore.CoreDescriptor;
import io.cairn.protocol.hypercore.ProofProtos;
import io.cairn.protocol.proto.ws.Request;
import io.cairn.protocol.proto.ws.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Answers each WebSocket request type from the same services the HTTP routes use. */
public final class WebSocketRequests {
  private final Cores cores;

  public WebSocketRequests(Cores cores) {
    this.cores = cores;
  }

  CompletionStage<Response> answer(Request request) {
    Response.Builder response = Response.newBuilder().setRequestId(request.getRequestId());
    try {
      return switch (request.getBodyCase()) {
        case REGISTER_CORE -> {
          CoreDescriptor descriptor = ProofProtos.fromProto(request.getRegisterCore());
          yield cores
              .register(descriptor.identity().key(), descriptor)
              .thenApply(info -> response.setCoreInfo(CoreSerializer.toProto(info)).build());
        }
        case APPEND_TO_CORE ->
            cores
                .append(
                    key(request.getAppendToCore().getKey().toByteArray()),
                    ProofProtos.fromProto(request.getAppendToCore().getBatch()))
                .thenApply(info -> response.setCoreInfo(CoreSerializer.toProto(info)).build());
        case GET_CORE_INFO ->
            cores
                .info(key(request.getGetCoreInfo().getKey().toByteArray()))
                .thenApply(info -> response.setCoreInfo(CoreSerializer.toProto(info)).build());
        case GET_BLOCK ->
            cores
                .block(
                    key(request.getGetBlock().getKey().toByteArray()),
                    request.getGetBlock().getIndex(),
                    request.getGetBlock().getTrustedLength())
                .thenApply(proof -> response.setProof(ProofProtos.toProto(proof)).build());
        case GET_BLOCKS ->
            cores
                .range(
                    key(request.getGetBlocks().getKey().toByteArray()),
                    request.getGetBlocks().getStart(),
                    request.getGetBlocks().getEnd())
                .thenApply(proof -> response.setRangeProof(ProofProtos.toProto(proof)).build());
        case GET_UPGRADE ->
            cores
                .upgrade(
                    key(request.getGetUpgrade().getKey().toByteArray()),
                    request.getGetUpgrade().getFrom(),
                    request.getGetUpgrade().getTo())
                .thenApply(proof -> response.setProof(ProofProtos.toProto(proof)).build());
        default ->
            CompletableFuture.failedFuture(
                new Rejection(
                    ErrorCode.UNKNOWN_REQUEST, "the request names no type this node serves"));
      };
    } catch (Rejection refused) {
      return CompletableFuture.failedFuture(refused);
    } catch (IllegalArgumentException malformed) {
      return CompletableFuture.failedFuture(
          new Rejection(
              ErrorCode.INVALID_MANIFEST, "cannot read the core: " + malformed.getMessage()));
    }
  }

  private static byte[] key(byte[] key) {
    if (key.length != 32) {
      throw new Rejection(ErrorCode.INVALID_CORE_KEY, "a core key has 32 bytes, not " + key.length);
    }
    return key;
  }
}
