package io.cairn.api.stream;

import static io.cairn.node.SignedEvents.event;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import io.cairn.api.auth.SessionTokens;
import io.cairn.node.TestNode;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.event.PrivateKeySigner;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing and reading stored events over HTTP on a real node. */
class StreamDataRoutesTest {
  private static final SessionTokens SESSIONS =
      new SessionTokens(
          HexFormat.of().parseHex(TestNode.SESSION_SECRET), Duration.ofHours(1), Clock.systemUTC());
  private static final PrivateKeySigner OWNER = PrivateKeySigner.generate();
  private static final String STREAM = OWNER.address() + "/readings";

  @TempDir static Path data;
  private static TestNode node;
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final List<StreamMessage> published = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(data);
    send(
        "POST",
        "/streams",
        SESSIONS.issue(OWNER.address()),
        "{\"id\":\"" + STREAM + "\",\"partitions\":2}");
    long start = System.currentTimeMillis() - 10_000;
    StreamMessage previous = null;
    for (int i = 0; i < 5; i++) {
      StreamMessage event =
          event(OWNER, STREAM, 0, start + i * 1000L, "{\"reading\":" + i + "}", previous);
      HttpResponse<String> response =
          send("POST", streamPath(STREAM) + "/messages", null, JsonFormat.printer().print(event));
      assertEquals(200, response.statusCode(), response.body());
      published.add(event);
      previous = event;
    }
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static String streamPath(String stream) {
    return "/streams/" + URLEncoder.encode(stream, StandardCharsets.UTF_8);
  }

  private static HttpResponse<String> send(String method, String path, String token, String json)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(node.api().resolve("/api/v1" + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    request.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertError(int status, String code, HttpResponse<String> response) {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals(
        code,
        JsonParser.parseString(response.body()).getAsJsonObject().get("error").getAsString(),
        response.body());
  }

  private static JsonArray objects(String query, String token) throws Exception {
    HttpResponse<String> response =
        send("GET", streamPath(STREAM) + "/data/partitions/0/" + query, token, null);
    assertEquals(200, response.statusCode(), response.body());
    return JsonParser.parseString(response.body()).getAsJsonArray();
  }

  private static long timestampOf(JsonArray events, int i) {
    return events.get(i).getAsJsonObject().get("timestamp").getAsLong();
  }

  @Test
  void storedEventsComeBackAsPublished() throws Exception {
    String owner = SESSIONS.issue(OWNER.address());
    JsonArray last = objects("last?count=2", owner);
    assertEquals(2, last.size());
    assertEquals(published.get(3).getMessageId().getTimestamp(), timestampOf(last, 0));
    // Streamr's storage node object form: JSON content parsed, addresses and signature in hex
    StreamMessage fourth = published.get(3);
    JsonObject object = last.get(0).getAsJsonObject();
    assertEquals(STREAM, object.get("streamId").getAsString());
    assertEquals(0, object.get("streamPartition").getAsInt());
    assertEquals(OWNER.address().value(), object.get("publisherId").getAsString());
    assertEquals(fourth.getMessageId().getMessageChainId(), object.get("msgChainId").getAsString());
    assertEquals(27, object.get("messageType").getAsInt(), "Streamr's MESSAGE");
    assertEquals(0, object.get("contentType").getAsInt(), "JSON");
    assertEquals(0, object.get("encryptionType").getAsInt(), "NONE");
    assertEquals(
        JsonParser.parseString(fourth.getContentMessage().getContent().toStringUtf8()),
        object.get("content"));
    assertEquals(
        HexFormat.of().formatHex(fourth.getSignature().toByteArray()),
        object.get("signature").getAsString());
    // protobuf-json: the StreamMessage as protobuf maps it to JSON
    JsonArray protobuf = objects("last?count=2&format=protobuf-json", owner);
    assertEquals(
        fourth.getMessageId().getTimestamp(),
        protobuf
            .get(0)
            .getAsJsonObject()
            .getAsJsonObject("messageId")
            .get("timestamp")
            .getAsLong());

    long third = published.get(2).getMessageId().getTimestamp();
    assertEquals(3, objects("from?fromTimestamp=" + third, owner).size());
    assertEquals(
        2,
        objects("range?fromTimestamp=" + third + "&toTimestamp=" + (third + 1000), owner).size());
    assertEquals(
        5,
        objects(
                "last?count=10&publisherId="
                    + OWNER.address().value().toUpperCase().replace("0X", "0x"),
                owner)
            .size());
    assertEquals(0, objects("last?count=10&msgChainId=other", owner).size());

    HttpResponse<byte[]> raw =
        http.send(
            HttpRequest.newBuilder(
                    node.api()
                        .resolve(
                            "/api/v1"
                                + streamPath(STREAM)
                                + "/data/partitions/0/last?count=5&format=raw"))
                .header("Authorization", "Bearer " + owner)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    ByteBuffer frames = ByteBuffer.wrap(raw.body());
    for (StreamMessage event : published) {
      byte[] message = new byte[frames.getInt()];
      frames.get(message);
      assertArrayEquals(event.toByteArray(), message, "raw frames hold the events byte for byte");
    }
    assertEquals(0, frames.remaining());
  }

  @Test
  void aReplayedEventIsAcknowledgedAndStoredOnce() throws Exception {
    HttpResponse<String> again =
        send(
            "POST",
            streamPath(STREAM) + "/messages",
            null,
            JsonFormat.printer().print(published.get(4)));
    JsonObject ack = JsonParser.parseString(again.body()).getAsJsonObject();
    assertEquals(200, again.statusCode(), again.body());
    assertTrue(ack.get("duplicate").getAsBoolean());
    assertEquals(5, objects("last?count=100", SESSIONS.issue(OWNER.address())).size());
  }

  @Test
  void badInputIsRefusedWithItsCode() throws Exception {
    long now = System.currentTimeMillis();
    StreamMessage good = event(OWNER, STREAM, 1, now, "{}", null);
    byte[] signature = good.getSignature().toByteArray();
    signature[64] = 30; // v must be 27 or 28
    String messages = streamPath(STREAM) + "/messages";
    assertError(
        422,
        "INVALID_SIGNATURE",
        send(
            "POST",
            messages,
            null,
            JsonFormat.printer()
                .print(good.toBuilder().setSignature(ByteString.copyFrom(signature)))));
    assertError(
        401,
        "PUBLISHER_MISMATCH",
        send(
            "POST",
            messages,
            null,
            JsonFormat.printer()
                .print(
                    good.toBuilder()
                        .setContentMessage(
                            good.getContentMessage().toBuilder()
                                .setContent(ByteString.copyFromUtf8("{\"x\":1}"))))));
    assertError(
        403,
        "NOT_PERMITTED",
        send(
            "POST",
            messages,
            null,
            JsonFormat.printer()
                .print(event(PrivateKeySigner.generate(), STREAM, 1, now, "{}", null))));
    assertError(
        400,
        "PARTITION_OUT_OF_RANGE",
        send(
            "POST",
            messages,
            null,
            JsonFormat.printer().print(event(OWNER, STREAM, 2, now, "{}", null))));
    assertError(
        413,
        "CONTENT_TOO_LARGE",
        send(
            "POST",
            messages,
            null,
            JsonFormat.printer()
                .print(event(OWNER, STREAM, 1, now, "\"" + "x".repeat(1024 * 1024) + "\"", null))));
    String elsewhere = OWNER.address() + "/elsewhere";
    assertError(
        404,
        "STREAM_NOT_FOUND",
        send(
            "POST",
            streamPath(elsewhere) + "/messages",
            null,
            JsonFormat.printer().print(event(OWNER, elsewhere, 0, now, "{}", null))));
    assertError(
        400,
        "INVALID_EVENT",
        send("POST", streamPath(elsewhere) + "/messages", null, JsonFormat.printer().print(good)));
    assertError(400, "MALFORMED_REQUEST", send("POST", messages, null, "{\"messageId\": "));
    assertError(
        400,
        "MALFORMED_REQUEST",
        send("POST", messages, null, "{\"messageId\": {\"streamPartition\": \"one\"}}"));

    assertError(
        400,
        "PARTITION_OUT_OF_RANGE",
        send(
            "GET",
            streamPath(STREAM) + "/data/partitions/2/last",
            SESSIONS.issue(OWNER.address()),
            null));
    String base = streamPath(STREAM) + "/data/partitions/1/last";
    assertError(401, "UNAUTHENTICATED", send("GET", base, null, null));
    // a path that names nothing is not found, on a private stream as on any
    assertError(
        404,
        "NOT_FOUND",
        send("GET", streamPath(STREAM) + "/data/partitions/1/latest", null, null));
    assertError(
        403,
        "NOT_PERMITTED",
        send("GET", base, SESSIONS.issue(PrivateKeySigner.generate().address()), null));
    assertError(
        400,
        "MALFORMED_REQUEST",
        send("GET", base + "?format=xml", SESSIONS.issue(OWNER.address()), null));
    assertError(
        400,
        "MALFORMED_REQUEST",
        send(
            "GET",
            streamPath(STREAM) + "/data/partitions/1/from",
            SESSIONS.issue(OWNER.address()),
            null));
    assertEquals(
        0,
        objects("last?count=10", SESSIONS.issue(OWNER.address())).size() - 5,
        "partition 0 unchanged");
    HttpResponse<String> partitionOne =
        send("GET", base + "?count=10", SESSIONS.issue(OWNER.address()), null);
    assertEquals("[]", partitionOne.body(), "nothing refused was stored");
  }

  @Test
  void aPartitionKeyMustNameTheEventsPartition() throws Exception {
    String keyed = OWNER.address() + "/keyed";
    String owner = SESSIONS.issue(OWNER.address());
    assertEquals(
        201,
        send("POST", "/streams", owner, "{\"id\":\"" + keyed + "\",\"partitions\":3}")
            .statusCode());
    String messages = streamPath(keyed) + "/messages?partitionKey=";
    long now = System.currentTimeMillis();

    // of 3 partitions, "bar" maps to 2 and "room 7" to 1 (see PartitionKeysTest)
    assertError(
        422,
        "PARTITION_KEY_MISMATCH",
        send(
            "POST",
            messages + "bar",
            null,
            JsonFormat.printer().print(event(OWNER, keyed, 1, now, "{}", null))));
    assertEquals(
        "[]",
        send("GET", streamPath(keyed) + "/data/partitions/1/last?count=10", owner, null).body(),
        "nothing refused was stored");
    assertEquals(
        200,
        send(
                "POST",
                messages + "bar",
                null,
                JsonFormat.printer().print(event(OWNER, keyed, 2, now, "{}", null)))
            .statusCode());
    assertEquals(
        200,
        send(
                "POST",
                messages + "room%207",
                null,
                JsonFormat.printer().print(event(OWNER, keyed, 1, now, "{}", null)))
            .statusCode());

    String elsewhere = OWNER.address() + "/elsewhere";
    assertError(
        404,
        "STREAM_NOT_FOUND",
        send(
            "POST",
            streamPath(elsewhere) + "/messages?partitionKey=bar",
            null,
            JsonFormat.printer().print(event(OWNER, elsewhere, 0, now, "{}", null))));
  }
}
