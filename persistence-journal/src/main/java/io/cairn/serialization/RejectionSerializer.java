package io.cairn.serialization;

import io.cairn.cluster.proto.RejectionMessage;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import org.apache.pekko.actor.ExtendedActorSystem;

/** Writes a {@link Rejection} inside a {@code StatusReply} error that crosses cluster nodes. */
public final class RejectionSerializer extends ProtobufSerializer {
  public RejectionSerializer(ExtendedActorSystem system) {
    super(system, 7701);
    bind(
        "R",
        Rejection.class,
        rejection ->
            RejectionMessage.newBuilder()
                .setCode(rejection.code().name())
                .setMessage(rejection.getMessage())
                .build(),
        bytes -> {
          RejectionMessage message = RejectionMessage.parseFrom(bytes);
          return new Rejection(ErrorCode.valueOf(message.getCode()), message.getMessage());
        });
  }
}
