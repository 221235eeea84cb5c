package io.cairn.api.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.api.auth.SessionTokens;
import io.cairn.node.SignedEvents;
import io.cairn.node.TestNode;
import io.cairn.protocol.api.v1.Request;
import io.cairn.protocol.api.v1.Response;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.api.v1.Subscribe;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.stream.PartitionTopics;
import io.cairn.stream.StreamPartition;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A subscriber that stops reading is told and dropped; a reading one on the same stream gets
 * everything.
 */
class SlowSubscriberTest {
  private static final SessionTokens SESSIONS =
      new SessionTokens(
          HexFormat.of().parseHex(TestNode.SESSION_SECRET), Duration.ofHours(1), Clock.systemUTC());
  private static final PrivateKeySigner OWNER = PrivateKeySigner.generate();
  private static final String STREAM = OWNER.address() + "/firehose";
  private static final int EVENTS = 3000;

  @TempDir static Path data;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    // above a batch burst (a partition publishes up to 1,000 events at once), below what a stalled
    // reader piles up
    node = TestNode.start(data, Map.of("cairn.api.websocket.live-buffer", 1500));
    HttpResponse<String> created =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(node.api().resolve("/api/v1/streams"))
                    .header("Authorization", "Bearer " + SESSIONS.issue(OWNER.address()))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"id\":\"" + STREAM + "\",\"partitions\":1}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(201, created.statusCode(), created.body());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static int localSubscribers(String part) {
    return AskPattern.<Topic.Command<PartitionTopics.Delivery>, Topic.TopicStats>ask(
            PartitionTopics.get(node.system()).topic(part),
            Topic::getTopicStats,
            Duration.ofSeconds(5),
            node.system().scheduler())
        .toCompletableFuture()
        .join()
        .localSubscriberCount();
  }

  /** A client that takes one frame, then reads nothing until {@code resume} completes. */
  private static final class Client {
    final BlockingQueue<Response> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final CompletableFuture<Void> resume;
    final WebSocket socket;

    Client(CompletableFuture<Void> resume) {
      this.resume = resume;
      socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + node.api().getPort() + "/api/v1/ws"),
                  new WebSocket.Listener() {
                    private ByteBuffer pending = ByteBuffer.allocate(0);

                    @Override
                    public void onOpen(WebSocket webSocket) {
                      webSocket.request(1);
                    }

                    @Override
                    public CompletionStage<?> onBinary(
                        WebSocket webSocket, ByteBuffer data, boolean last) {
                      ByteBuffer joined =
                          ByteBuffer.allocate(pending.remaining() + data.remaining());
                      joined.put(pending).put(data).flip();
                      pending = joined;
                      if (last) {
                        byte[] bytes = new byte[pending.remaining()];
                        pending.get(bytes);
                        try {
                          received.add(Response.parseFrom(bytes));
                        } catch (Exception e) {
                          throw new IllegalStateException(e);
                        }
                        pending = ByteBuffer.allocate(0);
                      }
                      resume.thenRun(() -> webSocket.request(1));
                      return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(
                        WebSocket webSocket, int statusCode, String reason) {
                      closed.complete(statusCode);
                      return null;
                    }
                  })
              .join();
    }

    void subscribe() {
      socket
          .sendBinary(
              ByteBuffer.wrap(
                  Request.newBuilder()
                      .setRequestId("sub")
                      .setAuthenticate(SESSIONS.issue(OWNER.address()))
                      .build()
                      .toByteArray()),
              true)
          .join();
      socket
          .sendBinary(
              ByteBuffer.wrap(
                  Request.newBuilder()
                      .setRequestId("sub")
                      .setSubscribe(Subscribe.newBuilder().setStreamId(STREAM))
                      .build()
                      .toByteArray()),
              true)
          .join();
    }
  }

  @Test
  void aSubscriberThatStopsReadingIsToldAndDropped() throws Exception {
    CompletableFuture<Void> never = new CompletableFuture<>();
    Client stalled = new Client(never);
    Client reading = new Client(CompletableFuture.completedFuture(null));
    stalled.subscribe();
    reading.subscribe();
    assertEquals(
        OWNER.address().value(), reading.received.poll(10, TimeUnit.SECONDS).getAuthenticated());
    // subscribed: every event stored from now on reaches the subscription
    assertEquals(STREAM, reading.received.poll(10, TimeUnit.SECONDS).getSubscribed().getStreamId());
    // the stalled client reads no answer: its subscription is known once the topic counts it
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> localSubscribers(StreamPartition.entityId(STREAM, 0)) == 2);

    long start = System.currentTimeMillis() - 600_000;
    StreamMessage previous = null;
    Client publisher = new Client(CompletableFuture.completedFuture(null));
    for (int i = 0; i < EVENTS; i++) {
      previous =
          SignedEvents.event(
              OWNER, STREAM, 0, start + i, "\"" + "x".repeat(10_000) + i + "\"", previous);
      publisher
          .socket
          .sendBinary(
              ByteBuffer.wrap(
                  Request.newBuilder()
                      .setRequestId("p" + i)
                      .setPublish(previous)
                      .build()
                      .toByteArray()),
              true)
          .join();
    }
    for (int i = 0; i < EVENTS; i++) {
      assertTrue(publisher.received.poll(30, TimeUnit.SECONDS).hasPublishAck(), "publish " + i);
    }

    // the reading subscriber receives every event, in order, however far behind the other one is
    for (int i = 0; i < EVENTS; i++) {
      Response event = reading.received.poll(30, TimeUnit.SECONDS);
      assertTrue(event != null && event.hasEvent(), "event " + i + ": " + event);
      assertEquals(start + i, event.getEvent().getMessageId().getTimestamp());
    }

    // the stalled one, once it reads again, finds it was told and disconnected
    never.complete(null);
    List<Response> told = new java.util.ArrayList<>();
    Response response;
    while ((response = stalled.received.poll(10, TimeUnit.SECONDS)) != null) {
      told.add(response);
      if (response.hasError()) {
        break;
      }
    }
    Response last = told.get(told.size() - 1);
    assertEquals("SLOW_SUBSCRIBER", last.getError().getError(), last.toString());
    assertTrue(told.size() < EVENTS, "the stalled subscriber was dropped before it got everything");
    stalled.closed.get(10, TimeUnit.SECONDS);
  }
}
