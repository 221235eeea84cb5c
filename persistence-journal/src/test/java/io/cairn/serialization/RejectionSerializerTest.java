package io.cairn.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class RejectionSerializerTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void aRejectionInsideAStatusReplyCrossesNodesWithItsCode() throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());
    StatusReply<String> reply =
        StatusReply.error(new Rejection(ErrorCode.STREAM_EXISTS, "stream 0xab/x exists"));

    var serializer = serialization.findSerializerFor(reply);
    byte[] bytes = serializer.toBinary(reply);
    Object back =
        serialization
            .deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, reply))
            .get();

    StatusReply<?> received = assertInstanceOf(StatusReply.class, back);
    assertTrue(received.isError());
    Rejection rejection = assertInstanceOf(Rejection.class, received.getError());
    assertEquals(ErrorCode.STREAM_EXISTS, rejection.code());
    assertEquals("stream 0xab/x exists", rejection.getMessage());
  }
}
