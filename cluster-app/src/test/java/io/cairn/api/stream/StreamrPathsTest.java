package io.cairn.api.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.client.CairnApiException;
import io.cairn.client.CairnClient;
import io.cairn.node.TestNode;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.event.StreamrSigned;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stream paths as Streamr takes them, on a real node: streams with non-ASCII, space and punctuation
 * paths are created, take messages Streamr's own SDK signed, and give them back through
 * percent-encoded URLs; a stream whose owner is an ENS name is refused with its own code.
 */
class StreamrPathsTest {
  @TempDir Path data;

  @Test
  void streamsWithThePathsStreamrTakesStoreAndServeItsMessages() throws Exception {
    List<StreamMessage> signed = StreamrSigned.messages();
    // the cases publishable here: an ordinary stream, a non-ASCII path, spaces and punctuation
    List<StreamMessage> publishable = List.of(signed.get(0), signed.get(2), signed.get(3));
    try (TestNode node = TestNode.start(data)) {
      CairnClient owner = CairnClient.connect(node.api()).authenticate(StreamrSigned.SIGNER);
      for (StreamMessage message : publishable) {
        String stream = message.getMessageId().getStreamId();
        owner.createStream(stream, "as Streamr names it", 1);
        assertEquals(stream, owner.stream(stream).getId());
        owner.publish(message);
        assertEquals(List.of(message), owner.storedEvents(stream, 0, "last?count=1"), stream);
      }
      CairnApiException ens =
          assertThrows(
              CairnApiException.class,
              () -> owner.createStream("weather.eth/berlin/temperature", "", 1));
      assertEquals("OWNER_NAME_UNRESOLVED", ens.code());
      assertEquals(422, ens.status());
    }
  }
}
