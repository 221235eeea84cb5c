package io.cairn.api;

import static io.cairn.node.SignedEvents.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import io.cairn.api.auth.SessionTokens;
import io.cairn.client.ResponseListener;
import io.cairn.node.TestNode;
import io.cairn.protocol.api.v1.Request;
import io.cairn.protocol.api.v1.Response;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.api.v1.Subscribe;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.stream.StreamPartition;
import io.cairn.stream.StreamSettings;
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
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input through both public ways to publish, {@code POST /api/v1/streams/{id}/messages} and
 * {@code /api/v1/ws}: each kind is refused with its own error code and stores nothing, which is
 * read back from the partitions' heads rather than trusted from the refusal; a replayed event is
 * acknowledged as a duplicate and stored once; an expired session changes nothing.
 */
class BadInputTest {
  private static final byte[] SECRET = HexFormat.of().parseHex(TestNode.SESSION_SECRET);
  private static final SessionTokens SESSIONS =
      new SessionTokens(SECRET, Duration.ofHours(1), Clock.systemUTC());
  private static final PrivateKeySigner OWNER = PrivateKeySigner.generate();
  private static final String STREAM = OWNER.address() + "/inputs";
  private static final String UNKNOWN_STREAM = OWNER.address() + "/nowhere";

  /** Event timestamps, each used once: every event is new to its chain. */
  private static final AtomicLong CLOCK = new AtomicLong(System.currentTimeMillis() - 600_000);

  @TempDir static Path data;
  private static TestNode node;
  private static final HttpClient http = HttpClient.newHttpClient();

  /** One connection for every case: a refusal leaves it usable for the next. */
  private static Socket socket;

  /** The first event of the owner's chain, stored before any case runs. */
  private static StreamMessage first;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(data);
    HttpResponse<String> created =
        send(
            "POST",
            "/streams",
            SESSIONS.issue(OWNER.address()),
            "{\"id\":\"" + STREAM + "\",\"partitions\":1}");
    assertEquals(201, created.statusCode(), created.body());
    first = event(OWNER, STREAM, 0, CLOCK.incrementAndGet(), "{\"n\":0}", null);
    assertAcknowledged(false, Transport.HTTP.publish(first));
    socket = new Socket();
  }

  @AfterAll
  static void stop() throws Exception {
    socket.close();
    node.close();
  }

  /** A new event of the owner's chain, later than every other. */
  private static StreamMessage next(String json) {
    return event(OWNER, STREAM, 0, CLOCK.incrementAndGet(), json, first);
  }

  // ---- the two transports ----

  /** What the node answered: an acknowledgement, or an error code and, over HTTP, its status. */
  private record Answer(String error, int httpStatus, boolean duplicate) {}

  private enum Transport {
    WEBSOCKET {
      @Override
      Answer publish(StreamMessage event) throws Exception {
        String id = "publish-" + event.getMessageId().getTimestamp();
        Response answer =
            socket.send(Request.newBuilder().setRequestId(id).setPublish(event).build());
        assertEquals(id, answer.getRequestId(), "the answer names its request");
        return answerOf(answer);
      }

      @Override
      Answer publishCutJson(StreamMessage event) throws Exception {
        String json =
            JsonFormat.printer().print(Request.newBuilder().setRequestId("cut").setPublish(event));
        return unreadable(socket.sendText(json.substring(0, json.length() - 1)));
      }

      @Override
      Answer publishCutProtobuf(StreamMessage event) throws Exception {
        byte[] bytes =
            Request.newBuilder().setRequestId("cut").setPublish(event).build().toByteArray();
        return unreadable(socket.sendBinary(Arrays.copyOf(bytes, bytes.length - 1)));
      }

      /** A frame that cannot be read names no request: its error carries none. */
      private Answer unreadable(Response answer) {
        assertEquals("", answer.getRequestId(), answer.toString());
        return answerOf(answer);
      }

      private Answer answerOf(Response answer) {
        return answer.hasError()
            ? new Answer(answer.getError().getError(), 0, false)
            : new Answer("", 0, answer.getPublishAck().getDuplicate());
      }
    },

    HTTP {
      @Override
      Answer publish(StreamMessage event) throws Exception {
        return post(
            event.getMessageId().getStreamId(),
            "application/json",
            JsonFormat.printer().print(event).getBytes());
      }

      @Override
      Answer publishCutJson(StreamMessage event) throws Exception {
        String json = JsonFormat.printer().print(event);
        return post(STREAM, "application/json", json.substring(0, json.length() - 1).getBytes());
      }

      @Override
      Answer publishCutProtobuf(StreamMessage event) throws Exception {
        byte[] bytes = event.toByteArray();
        return post(STREAM, ApiRoutes.PROTOBUF, Arrays.copyOf(bytes, bytes.length - 1));
      }

      private Answer post(String stream, String contentType, byte[] body) throws Exception {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(node.api().resolve("/api/v1" + path(stream) + "/messages"))
                    .header("Content-Type", contentType)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonObject json = JsonParser.parseString(response.body()).getAsJsonObject();
        return json.has("error")
            ? new Answer(json.get("error").getAsString(), response.statusCode(), false)
            : new Answer(
                "",
                response.statusCode(),
                json.has("duplicate") && json.get("duplicate").getAsBoolean());
      }
    };

    /** Publishes {@code event} as a client does. */
    abstract Answer publish(StreamMessage event) throws Exception;

    /** Publishes {@code event} in JSON cut short by its closing brace. */
    abstract Answer publishCutJson(StreamMessage event) throws Exception;

    /**
     * Publishes {@code event} in protobuf cut short by its last byte, which leaves its last field
     * unfinished.
     */
    abstract Answer publishCutProtobuf(StreamMessage event) throws Exception;
  }

  // ---- refused publishing ----

  private interface Sending {
    Answer over(Transport transport) throws Exception;
  }

  /**
   * One kind of bad input: how it is sent, and the error code and HTTP status it is refused with.
   */
  private record BadInput(String name, String code, int httpStatus, Sending sending) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> badInputs() {
    List<BadInput> inputs =
        List.of(
            new BadInput(
                "bad signature",
                "INVALID_SIGNATURE",
                422,
                transport -> {
                  StreamMessage event = next("{}");
                  byte[] signature = event.getSignature().toByteArray();
                  signature[64] = 30; // v is 27 or 28
                  return transport.publish(
                      event.toBuilder().setSignature(ByteString.copyFrom(signature)).build());
                }),
            new BadInput(
                "address mismatch",
                "PUBLISHER_MISMATCH",
                401,
                transport -> {
                  StreamMessage event = next("{\"signed\":true}");
                  return transport.publish(
                      event.toBuilder()
                          .setContentMessage(
                              event.getContentMessage().toBuilder()
                                  .setContent(ByteString.copyFromUtf8("{\"signed\":false}")))
                          .build());
                }),
            new BadInput(
                "no permission",
                "NOT_PERMITTED",
                403,
                transport ->
                    transport.publish(
                        event(
                            PrivateKeySigner.generate(),
                            STREAM,
                            0,
                            CLOCK.incrementAndGet(),
                            "{}",
                            null))),
            new BadInput(
                "oversized content",
                "CONTENT_TOO_LARGE",
                413,
                transport -> {
                  int limit =
                      StreamSettings.fromConfig(node.system().settings().config())
                          .maxContentBytes();
                  return transport.publish(next("\"" + "x".repeat(limit - 1) + "\""));
                }),
            new BadInput(
                "malformed JSON",
                "MALFORMED_REQUEST",
                400,
                transport -> transport.publishCutJson(next("{}"))),
            new BadInput(
                "malformed protobuf",
                "MALFORMED_REQUEST",
                400,
                transport -> transport.publishCutProtobuf(next("{}"))),
            new BadInput(
                "unknown stream",
                "STREAM_NOT_FOUND",
                404,
                transport ->
                    transport.publish(
                        event(OWNER, UNKNOWN_STREAM, 0, CLOCK.incrementAndGet(), "{}", null))),
            new BadInput(
                "partition out of range",
                "PARTITION_OUT_OF_RANGE",
                400,
                transport ->
                    transport.publish(
                        event(OWNER, STREAM, 1, CLOCK.incrementAndGet(), "{}", null))));
    return Stream.of(Transport.values())
        .flatMap(transport -> inputs.stream().map(input -> Arguments.of(input, transport)));
  }

  @ParameterizedTest(name = "{0} over {1}")
  @MethodSource("badInputs")
  void badInputIsRefusedWithItsCodeAndStoresNothing(BadInput input, Transport transport)
      throws Exception {
    List<Long> before = heads();
    Answer answer = input.sending().over(transport);
    assertEquals(input.code(), answer.error(), answer.toString());
    if (transport == Transport.HTTP) {
      assertEquals(input.httpStatus(), answer.httpStatus(), answer.toString());
    }
    assertEquals(before, heads(), "nothing stored");
  }

  /**
   * The last journal sequence number of every partition the bad inputs name: the stream's own, the
   * one it lacks, and the unknown stream's.
   */
  private static List<Long> heads() throws Exception {
    return List.of(head(STREAM, 0), head(STREAM, 1), head(UNKNOWN_STREAM, 0));
  }

  private static long head(String stream, int partition) throws Exception {
    return ClusterSharding.get(node.system())
        .entityRefFor(StreamPartition.ENTITY_KEY, StreamPartition.entityId(stream, partition))
        .<StreamPartition.Head>askWithStatus(StreamPartition.GetHead::new, Duration.ofSeconds(10))
        .toCompletableFuture()
        .get(20, TimeUnit.SECONDS)
        .lastSequenceNr();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aReplayedEventIsAcknowledgedAsDuplicateAndStoredOnce(Transport transport) throws Exception {
    StreamMessage event = next("{\"replayed\":\"" + transport + "\"}");
    long before = head(STREAM, 0);
    assertAcknowledged(false, transport.publish(event));
    assertAcknowledged(true, transport.publish(event));
    assertEquals(before + 1, head(STREAM, 0), "stored once");
    HttpResponse<String> resent =
        send(
            "GET",
            path(STREAM) + "/data/partitions/0/last?count=1000",
            SESSIONS.issue(OWNER.address()),
            null);
    long copies = 0;
    for (JsonElement read : JsonParser.parseString(resent.body()).getAsJsonArray()) {
      long timestamp = read.getAsJsonObject().get("timestamp").getAsLong();
      copies += timestamp == event.getMessageId().getTimestamp() ? 1 : 0;
    }
    assertEquals(1, copies, "copies among the stored events");
  }

  // ---- expired sessions ----

  private static String expiredSession() {
    return new SessionTokens(
            SECRET,
            Duration.ofMinutes(1),
            Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC))
        .issue(OWNER.address());
  }

  @Test
  void anExpiredSessionIsRefusedOverWebSocketAndTheConnectionStaysUsable() throws Exception {
    try (Socket connection = new Socket()) {
      Response refused =
          connection.send(
              Request.newBuilder().setRequestId("old").setAuthenticate(expiredSession()).build());
      assertEquals("old", refused.getRequestId());
      assertEquals("SESSION_EXPIRED", refused.getError().getError(), refused.toString());
      Request subscribe =
          Request.newBuilder()
              .setRequestId("sub")
              .setSubscribe(Subscribe.newBuilder().setStreamId(STREAM))
              .build();
      assertEquals(
          "UNAUTHENTICATED",
          connection.send(subscribe).getError().getError(),
          "the expired session was not taken");

      Response authenticated =
          connection.send(
              Request.newBuilder()
                  .setRequestId("new")
                  .setAuthenticate(SESSIONS.issue(OWNER.address()))
                  .build());
      assertEquals(OWNER.address().value(), authenticated.getAuthenticated());
      assertEquals(STREAM, connection.send(subscribe).getSubscribed().getStreamId());
    }
  }

  @Test
  void anExpiredSessionIsRefusedOverHttpAndChangesNothing() throws Exception {
    String expired = expiredSession();
    String before = send("GET", path(STREAM), null, null).body();
    assertError(
        401,
        "SESSION_EXPIRED",
        send(
            "POST",
            path(STREAM) + "/permissions",
            expired,
            "{\"public\":true,\"permission\":\"subscribe\"}"));
    assertError(401, "SESSION_EXPIRED", send("PUT", path(STREAM), expired, "{\"partitions\":2}"));
    assertError(401, "SESSION_EXPIRED", send("DELETE", path(STREAM), expired, null));
    assertError(
        401,
        "SESSION_EXPIRED",
        send("GET", path(STREAM) + "/data/partitions/0/last", expired, null));
    assertEquals(before, send("GET", path(STREAM), null, null).body(), "the stream is unchanged");
  }

  // ---- plumbing ----

  private static String path(String stream) {
    return "/streams/" + URLEncoder.encode(stream, StandardCharsets.UTF_8);
  }

  private static HttpResponse<String> send(String method, String path, String session, String json)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(node.api().resolve("/api/v1" + path));
    if (session != null) {
      request.header("Authorization", "Bearer " + session);
    }
    if (json != null) {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertAcknowledged(boolean duplicate, Answer answer) {
    assertEquals("", answer.error(), answer.toString());
    assertEquals(duplicate, answer.duplicate(), answer.toString());
  }

  private static void assertError(int status, String code, HttpResponse<String> response) {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals(
        code,
        JsonParser.parseString(response.body()).getAsJsonObject().get("error").getAsString(),
        response.body());
  }

  /**
   * A WebSocket to the node that reads every answer, in a text or a binary frame, as a Response.
   */
  private static final class Socket implements AutoCloseable {
    private final BlockingQueue<Response> answers = new LinkedBlockingQueue<>();
    private final WebSocket webSocket;

    Socket() {
      URI uri = URI.create("ws://" + node.api().getAuthority() + "/api/v1/ws");
      webSocket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .buildAsync(uri, new ResponseListener(answers::add))
              .join();
    }

    Response send(Request request) throws InterruptedException {
      return sendBinary(request.toByteArray());
    }

    Response sendBinary(byte[] frame) throws InterruptedException {
      webSocket.sendBinary(ByteBuffer.wrap(frame), true).join();
      return next();
    }

    Response sendText(String frame) throws InterruptedException {
      webSocket.sendText(frame, true).join();
      return next();
    }

    private Response next() throws InterruptedException {
      Response answer = answers.poll(20, TimeUnit.SECONDS);
      assertTrue(answer != null, "no answer within 20 s");
      return answer;
    }

    @Override
    public void close() {
      webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    }
  }
}
