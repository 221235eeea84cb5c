package io.cairn.api.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import io.cairn.api.auth.SessionTokens;
import io.cairn.client.ResponseListener;
import io.cairn.node.SignedEvents;
import io.cairn.node.TestNode;
import io.cairn.protocol.api.v1.PublishBatch;
import io.cairn.protocol.api.v1.PublishResult;
import io.cairn.protocol.api.v1.Request;
import io.cairn.protocol.api.v1.Resend;
import io.cairn.protocol.api.v1.ResendOptions;
import io.cairn.protocol.api.v1.Response;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.api.v1.StreamPart;
import io.cairn.protocol.api.v1.Subscribe;
import io.cairn.protocol.event.PrivateKeySigner;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing and subscribing over /api/v1/ws on a real node. */
class WebSocketStreamsTest {
  private static final SessionTokens SESSIONS =
      new SessionTokens(
          HexFormat.of().parseHex(TestNode.SESSION_SECRET), Duration.ofHours(1), Clock.systemUTC());
  private static final PrivateKeySigner OWNER = PrivateKeySigner.generate();
  private static final String STREAM = OWNER.address() + "/live";

  @TempDir static Path data;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(data);
    createStream(STREAM, 1);
  }

  private static void createStream(String id, int partitions) throws Exception {
    HttpResponse<String> created =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(node.api().resolve("/api/v1/streams"))
                    .header("Authorization", "Bearer " + SESSIONS.issue(OWNER.address()))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"id\":\"" + id + "\",\"partitions\":" + partitions + "}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(201, created.statusCode(), created.body());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  /** A binary-frame client that queues every Response it receives. */
  static final class Client implements AutoCloseable {
    final BlockingQueue<Response> received = new LinkedBlockingQueue<>();
    final WebSocket socket;

    Client() {
      URI uri = URI.create("ws://127.0.0.1:" + node.api().getPort() + "/api/v1/ws");
      socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .buildAsync(uri, new ResponseListener(received::add))
              .join();
    }

    void send(Request request) {
      socket.sendBinary(ByteBuffer.wrap(request.toByteArray()), true).join();
    }

    Response next() throws InterruptedException {
      Response response = received.poll(20, TimeUnit.SECONDS);
      assertTrue(response != null, "no answer within 20 s");
      return response;
    }

    @Override
    public void close() {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    }
  }

  private static void publishOverHttp(StreamMessage event) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        node.api()
                            .resolve(
                                "/api/v1/streams/"
                                    + URLEncoder.encode(
                                        event.getMessageId().getStreamId(), StandardCharsets.UTF_8)
                                    + "/messages"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JsonFormat.printer().print(event)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
  }

  /**
   * A resend's publisherId is read by one parser for every transport: one that is no address is
   * refused, over WebSocket as over HTTP, rather than matched against nothing.
   */
  @Test
  void aPublisherIdThatIsNoAddressIsRefusedOnEveryTransport() throws Exception {
    ResendOptions malformed =
        ResendOptions.newBuilder().setLast(1).setPublisherId("0xnot-an-address").build();
    try (Client client = new Client()) {
      client.send(
          Request.newBuilder()
              .setRequestId("auth")
              .setAuthenticate(SESSIONS.issue(OWNER.address()))
              .build());
      assertEquals(OWNER.address().value(), client.next().getAuthenticated());

      client.send(
          Request.newBuilder()
              .setRequestId("resend")
              .setResend(Resend.newBuilder().setStreamId(STREAM).setOptions(malformed))
              .build());
      Response resend = client.next();
      assertEquals("resend", resend.getRequestId());
      assertEquals("MALFORMED_REQUEST", resend.getError().getError(), resend.toString());

      client.send(
          Request.newBuilder()
              .setRequestId("sub")
              .setSubscribe(Subscribe.newBuilder().setStreamId(STREAM).setResend(malformed))
              .build());
      Response subscribe = client.next();
      assertEquals("sub", subscribe.getRequestId());
      assertEquals("MALFORMED_REQUEST", subscribe.getError().getError(), subscribe.toString());
      client.send(
          Request.newBuilder()
              .setRequestId("unsub")
              .setUnsubscribe(StreamPart.newBuilder().setStreamId(STREAM))
              .build());
      assertEquals(
          "NOT_FOUND", client.next().getError().getError(), "the refused subscribe subscribed");
    }

    HttpResponse<String> overHttp =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        node.api()
                            .resolve(
                                "/api/v1/streams/"
                                    + URLEncoder.encode(STREAM, StandardCharsets.UTF_8)
                                    + "/data/partitions/0/last?publisherId=0xnot-an-address"))
                    .header("Authorization", "Bearer " + SESSIONS.issue(OWNER.address()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(400, overHttp.statusCode(), overHttp.body());
    assertTrue(overHttp.body().contains("\"MALFORMED_REQUEST\""), overHttp.body());
  }

  @Test
  void historyThenLiveWithNothingMissedOrDoubled() throws Exception {
    long start = System.currentTimeMillis() - 60_000;
    List<StreamMessage> events = new ArrayList<>();
    StreamMessage previous = null;
    for (int i = 0; i < 10; i++) {
      previous =
          SignedEvents.event(OWNER, STREAM, 0, start + i * 100L, "{\"n\":" + i + "}", previous);
      events.add(previous);
    }
    for (StreamMessage event : events.subList(0, 5)) {
      publishOverHttp(event);
    }

    try (Client subscriber = new Client();
        Client publisher = new Client()) {
      subscriber.send(
          Request.newBuilder()
              .setRequestId("auth")
              .setAuthenticate(SESSIONS.issue(OWNER.address()))
              .build());
      assertEquals(OWNER.address().value(), subscriber.next().getAuthenticated());
      subscriber.send(
          Request.newBuilder()
              .setRequestId("sub")
              .setSubscribe(
                  Subscribe.newBuilder()
                      .setStreamId(STREAM)
                      .setPartition(0)
                      .setResend(ResendOptions.newBuilder().setLast(3)))
              .build());
      Response subscribed = subscriber.next();
      assertEquals(STREAM, subscribed.getSubscribed().getStreamId());
      assertEquals(5, subscribed.getSequenceNr(), "the partition's last place when confirmed");

      for (int i = 5; i < 10; i++) {
        publisher.send(
            Request.newBuilder().setRequestId("pub-" + i).setPublish(events.get(i)).build());
        Response ack = publisher.next();
        assertEquals("pub-" + i, ack.getRequestId());
        assertEquals(i + 1, ack.getPublishAck().getSequenceNr(), ack.toString());
      }
      for (int i = 2; i < 10; i++) {
        Response event = subscriber.next();
        assertEquals("sub", event.getRequestId());
        assertEquals(events.get(i), event.getEvent(), "event " + i);
        assertEquals(i + 1, event.getSequenceNr(), "its place in the journal, to resume after");
      }
      assertEquals(null, subscriber.received.poll(500, TimeUnit.MILLISECONDS), "nothing twice");

      // how a subscriber that lost its connection after the 7th event resumes
      subscriber.send(
          Request.newBuilder()
              .setRequestId("after-7")
              .setResend(
                  Resend.newBuilder()
                      .setStreamId(STREAM)
                      .setPartition(0)
                      .setOptions(ResendOptions.newBuilder().setAfter(7)))
              .build());
      for (int i = 7; i < 10; i++) {
        Response event = subscriber.next();
        assertEquals("after-7", event.getRequestId());
        assertEquals(events.get(i), event.getEvent(), "event " + i);
      }
      assertTrue(subscriber.next().hasResendDone());
      subscriber.send(
          Request.newBuilder()
              .setRequestId("after-minus-1")
              .setResend(
                  Resend.newBuilder()
                      .setStreamId(STREAM)
                      .setPartition(0)
                      .setOptions(ResendOptions.newBuilder().setAfter(-1)))
              .build());
      Response refused = subscriber.next();
      assertEquals("MALFORMED_REQUEST", refused.getError().getError(), refused.toString());
    }
  }

  @Test
  void aPartitionKeyMustNameTheEventsPartition() throws Exception {
    String keyed = OWNER.address() + "/keyed";
    createStream(keyed, 3);
    long start = System.currentTimeMillis();
    // of 3 partitions, "bar" maps to 2 (see PartitionKeysTest)
    StreamMessage first = SignedEvents.event(OWNER, keyed, 2, start, "{\"n\":1}", null);
    StreamMessage second = SignedEvents.event(OWNER, keyed, 2, start + 1, "{\"n\":2}", first);

    try (Client client = new Client()) {
      // pipelined: the keyed event's check waits for the stream's state (not yet cached), the next
      // has no key; they stay in order
      client.send(
          Request.newBuilder()
              .setRequestId("first")
              .setPartitionKey("bar")
              .setPublish(first)
              .build());
      client.send(Request.newBuilder().setRequestId("second").setPublish(second).build());
      Map<String, Response> acks = new HashMap<>();
      for (int i = 0; i < 2; i++) {
        Response ack = client.next();
        acks.put(ack.getRequestId(), ack);
      }
      assertEquals(1, acks.get("first").getPublishAck().getSequenceNr(), acks.toString());
      assertEquals(2, acks.get("second").getPublishAck().getSequenceNr(), acks.toString());
      assertEquals(false, acks.get("second").getPublishAck().getGap());

      client.send(
          Request.newBuilder()
              .setRequestId("wrong")
              .setPartitionKey("bar")
              .setPublish(SignedEvents.event(OWNER, keyed, 1, start, "{}", null))
              .build());
      Response refused = client.next();
      assertEquals("wrong", refused.getRequestId());
      assertEquals("PARTITION_KEY_MISMATCH", refused.getError().getError(), refused.toString());

      client.send(
          Request.newBuilder()
              .setRequestId("auth")
              .setAuthenticate(SESSIONS.issue(OWNER.address()))
              .build());
      client.next();
      client.send(
          Request.newBuilder()
              .setRequestId("history")
              .setResend(
                  Resend.newBuilder()
                      .setStreamId(keyed)
                      .setPartition(1)
                      .setOptions(ResendOptions.newBuilder().setLast(10)))
              .build());
      assertTrue(client.next().hasResendDone(), "nothing refused was stored in partition 1");

      client.send(
          Request.newBuilder()
              .setRequestId("sub")
              .setPartitionKey("bar")
              .setSubscribe(Subscribe.newBuilder().setStreamId(keyed).setPartition(2))
              .build());
      assertEquals("MALFORMED_REQUEST", client.next().getError().getError());
    }
  }

  @Test
  void endingSubscriptionsLeavesTheReceptionistWorking() throws Exception {
    // a partition's topic leaves the receptionist when its last subscriber goes: once, however it
    // goes
    for (int i = 0; i < 20; i++) {
      try (Client client = new Client()) {
        client.send(
            Request.newBuilder()
                .setRequestId("auth")
                .setAuthenticate(SESSIONS.issue(OWNER.address()))
                .build());
        client.next();
        client.send(
            Request.newBuilder()
                .setRequestId("sub")
                .setSubscribe(Subscribe.newBuilder().setStreamId(STREAM))
                .build());
        assertTrue(client.next().hasSubscribed());
        if (i % 2 == 0) {
          client.send(
              Request.newBuilder()
                  .setRequestId("unsub")
                  .setUnsubscribe(StreamPart.newBuilder().setStreamId(STREAM))
                  .build());
          assertTrue(client.next().hasUnsubscribed());
        }
      }
    }
    Receptionist.Listing listing =
        AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
                node.system().receptionist(),
                replyTo -> Receptionist.find(ServiceKey.create(String.class, "none"), replyTo),
                Duration.ofSeconds(10),
                node.system().scheduler())
            .toCompletableFuture()
            .get();
    assertTrue(listing.getServiceInstances(ServiceKey.create(String.class, "none")).isEmpty());
  }

  @Test
  void subscribingNeedsPermission() throws Exception {
    try (Client client = new Client()) {
      client.send(
          Request.newBuilder()
              .setRequestId("s1")
              .setSubscribe(Subscribe.newBuilder().setStreamId(STREAM))
              .build());
      assertEquals("UNAUTHENTICATED", client.next().getError().getError());
      client.send(Request.newBuilder().setRequestId("a").setAuthenticate("forged").build());
      assertEquals("UNAUTHENTICATED", client.next().getError().getError());
      client.send(
          Request.newBuilder()
              .setRequestId("a2")
              .setAuthenticate(SESSIONS.issue(PrivateKeySigner.generate().address()))
              .build());
      client.next();
      client.send(
          Request.newBuilder()
              .setRequestId("s2")
              .setSubscribe(Subscribe.newBuilder().setStreamId(STREAM))
              .build());
      Response refused = client.next();
      assertEquals("s2", refused.getRequestId());
      assertEquals("NOT_PERMITTED", refused.getError().getError());
      client.send(
          Request.newBuilder()
              .setRequestId("s4")
              .setAuthenticate(SESSIONS.issue(OWNER.address()))
              .build());
      client.next();
      client.send(
          Request.newBuilder()
              .setRequestId("s5")
              .setSubscribe(Subscribe.newBuilder().setStreamId(STREAM).setPartition(1))
              .build());
      assertEquals("PARTITION_OUT_OF_RANGE", client.next().getError().getError());
      client.send(
          Request.newBuilder()
              .setRequestId("s3")
              .setSubscribe(Subscribe.newBuilder().setStreamId(OWNER.address() + "/nothing"))
              .build());
      assertEquals("STREAM_NOT_FOUND", client.next().getError().getError());
    }
  }

  @Test
  void aBatchFrameAnswersEachEventOnItsOwnInOrder() throws Exception {
    String batchStream = OWNER.address() + "/batched";
    createStream(batchStream, 1);
    long start = System.currentTimeMillis() - 60_000;
    StreamMessage first = SignedEvents.event(OWNER, batchStream, 0, start, "{\"n\":1}", null);
    StreamMessage second = SignedEvents.event(OWNER, batchStream, 0, start + 1, "{\"n\":2}", first);
    StreamMessage forged =
        second.toBuilder()
            .setContentMessage(
                second.getContentMessage().toBuilder()
                    .setContent(com.google.protobuf.ByteString.copyFromUtf8("{\"n\":3}")))
            .build();

    try (Client publisher = new Client()) {
      publisher.send(
          Request.newBuilder()
              .setRequestId("batch")
              .setPublishBatch(
                  PublishBatch.newBuilder()
                      .addEvents(first)
                      .addEvents(forged)
                      .addEvents(second)
                      .addEvents(first))
              .build());
      Response answer = publisher.next();
      assertEquals("batch", answer.getRequestId());
      List<PublishResult> results = answer.getPublishResults().getResultsList();
      assertEquals(4, results.size(), answer.toString());
      assertEquals(1, results.get(0).getAck().getSequenceNr());
      assertEquals(
          "PUBLISHER_MISMATCH",
          results.get(1).getError().getError(),
          "altered content recovers another address");
      assertEquals(2, results.get(2).getAck().getSequenceNr());
      assertTrue(
          results.get(3).getAck().getDuplicate(),
          "the first event, sent again, is not stored twice");
      publisher.send(
          Request.newBuilder()
              .setRequestId("empty")
              .setPublishBatch(PublishBatch.getDefaultInstance())
              .build());
      Response empty = publisher.next();
      assertEquals("empty", empty.getRequestId());
      assertEquals("MALFORMED_REQUEST", empty.getError().getError());
    }
    HttpResponse<String> stored =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        node.api()
                            .resolve(
                                "/api/v1/streams/"
                                    + URLEncoder.encode(batchStream, StandardCharsets.UTF_8)
                                    + "/data/partitions/0/last?count=10"))
                    .header("Authorization", "Bearer " + SESSIONS.issue(OWNER.address()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, stored.statusCode(), stored.body());
    assertEquals(
        2,
        com.google.gson.JsonParser.parseString(stored.body()).getAsJsonArray().size(),
        stored.body());
  }
}
