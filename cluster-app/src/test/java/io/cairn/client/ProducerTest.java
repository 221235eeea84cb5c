package io.cairn.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.node.TestNode;
import io.cairn.protocol.api.v1.PublishAck;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.event.PrivateKeySigner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SDK's pipelined, batched producer against a real node. */
class ProducerTest {
  private static final int EVENTS = 5_000;

  @TempDir Path data;

  @Test
  void everyEventIsStoredOnceInChainOrderPerPartition() throws Exception {
    PrivateKeySigner owner = PrivateKeySigner.generate();
    String stream = owner.address() + "/produced";
    try (TestNode node = TestNode.start(data)) {
      CairnClient client = CairnClient.connect(node.api()).authenticate(owner);
      client.createStream(stream, "", 2);
      List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
      try (Producer producer = client.producer(owner, Producer.Settings.defaults())) {
        for (int n = 0; n < EVENTS; n++) {
          acks.add(producer.publishAsync(stream, n % 2, "{\"n\":" + n + "}"));
        }
      }
      // closing flushed: every event has its answer, each stored once
      for (CompletableFuture<PublishAck> ack : acks) {
        assertTrue(ack.isDone());
        assertFalse(ack.join().getDuplicate());
        assertFalse(ack.join().getGap(), "each event names the one before it in its chain");
      }
      for (int partition = 0; partition < 2; partition++) {
        List<StreamMessage> stored = client.storedEvents(stream, partition, "last?count=" + EVENTS);
        assertEquals(EVENTS / 2, stored.size());
        for (int i = 0; i < stored.size(); i++) {
          assertEquals(
              "{\"n\":" + (2 * i + partition) + "}",
              stored.get(i).getContentMessage().getContent().toStringUtf8(),
              "partition " + partition + ", event " + i + " in the order handed in");
        }
      }

      // a refusal fails its own event only
      try (Producer stranger =
          client.producer(PrivateKeySigner.generate(), Producer.Settings.defaults())) {
        CompletableFuture<PublishAck> refused = stranger.publishAsync(stream, 0, "{}");
        stranger.flush();
        CompletionException failure =
            org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, refused::join);
        assertTrue(
            failure.getCause() instanceof CairnApiException api
                && api.code().equals("NOT_PERMITTED"),
            String.valueOf(failure.getCause()));
      }
    }
  }
}
