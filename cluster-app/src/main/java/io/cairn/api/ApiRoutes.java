package io.cairn.api;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.cairn.protocol.ErrorCode;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * What every feature's routes share: request bodies in protobuf or its JSON mapping, and answers to
 * asks. A route refuses by throwing a {@link io.cairn.protocol.Rejection} or by answering with a
 * failed future; {@link ApiServer} answers both, and every other failure, through {@link
 * ApiJson#rejectionOf}.
 */
public abstract class ApiRoutes extends AllDirectives {
  public static final String PROTOBUF = "application/x-protobuf";
  private static final JsonFormat.Parser JSON = JsonFormat.parser();

  protected final ActorSystem<?> system;

  protected ApiRoutes(ActorSystem<?> system) {
    this.system = system;
  }

  public abstract Route routes();

  /**
   * The request body as {@code builder}'s message: binary protobuf when the content type is {@value
   * #PROTOBUF}, otherwise the protobuf JSON mapping. Unknown JSON fields are refused, so a misspelt
   * field is an error rather than silently ignored.
   */
  @SuppressWarnings("unchecked")
  protected <M extends Message> Route body(Message.Builder builder, Function<M, Route> inner) {
    return extractRequestEntity(
        entity -> {
          boolean binary = entity.getContentType().mediaType().toString().equals(PROTOBUF);
          if (!binary && !entity.getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
            return complete(
                ApiJson.error(
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "send application/json or "
                        + PROTOBUF
                        + ", not "
                        + entity.getContentType().mediaType()));
          }
          return entity(
              Unmarshaller.entityToByteString(),
              bytes -> {
                try {
                  if (binary) {
                    builder.mergeFrom(bytes.toArray());
                  } else {
                    JSON.merge(bytes.utf8String(), builder);
                  }
                } catch (InvalidProtocolBufferException e) {
                  return complete(
                      ApiJson.error(
                          ErrorCode.MALFORMED_REQUEST,
                          "the body is not a valid "
                              + builder.getDescriptorForType().getName()
                              + ": "
                              + e.getMessage()));
                }
                return inner.apply((M) builder.build());
              });
        });
  }

  /** Completes with {@code ok} of the answer; a failed answer is the API's error for it. */
  protected <T> Route reply(CompletionStage<T> answer, Function<T, HttpResponse> ok) {
    return onSuccess(answer, value -> complete(ok.apply(value)));
  }
}
