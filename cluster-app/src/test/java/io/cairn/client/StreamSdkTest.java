package io.cairn.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.app.TestNode;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.proto.event.StreamMessage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java SDK's stream calls against a real node. */
class StreamSdkTest {
  @TempDir static Path data;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(data);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void createGrantPublishAndReadBack() {
    PrivateKeySigner wallet = PrivateKeySigner.generate();
    CairnClient owner = CairnClient.connect(node.api()).authenticate(wallet);
    String stream = wallet.address() + "/sdk";
    assertEquals(stream, owner.createStream(stream, "from the SDK", 2).getId());

    CairnClient anonymous = CairnClient.connect(node.api());
    assertEquals("UNAUTHENTICATED",
        assertThrows(CairnApiException.class, () -> anonymous.storedEvents(stream, 0, "last?count=1")).code());
    owner.grant(stream, null, "subscribe");

    EventPublisher publisher = new EventPublisher(owner, wallet);
    for (int i = 0; i < 5; i++) {
      assertEquals(i + 1, publisher.publishJson(stream, 1, "{\"i\":" + i + "}").getSequenceNr());
    }
    List<StreamMessage> stored = anonymous.storedEvents(stream, 1, "last?count=10");
    assertEquals(5, stored.size());
    for (int i = 0; i < 5; i++) {
      assertEquals("{\"i\":" + i + "}", stored.get(i).getContentMessage().getContent().toStringUtf8());
      if (i > 0) {
        assertEquals(stored.get(i - 1).getMessageId().getTimestamp(), stored.get(i).getPreviousMessageRef().getTimestamp());
      }
    }
    assertEquals("STREAM_EXISTS",
        assertThrows(CairnApiException.class, () -> owner.createStream(stream, "", 1)).code());
  }
}
