package io.cairn.api.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cairn.api.auth.SessionTokens;
import io.cairn.node.TestNode;
import io.cairn.protocol.EthereumAddress;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /api/v1/streams on a real node, with sessions signed by the node's secret. */
class StreamRoutesTest {
  private static final EthereumAddress OWNER =
      new EthereumAddress("0x6a0e9a2a5d3f8d1c9b7e4f2a1b3c5d7e9f0a1b2c");
  private static final EthereumAddress ALICE =
      new EthereumAddress("0x1111111111111111111111111111111111111111");
  private static final SessionTokens SESSIONS =
      new SessionTokens(
          HexFormat.of().parseHex(TestNode.SESSION_SECRET), Duration.ofHours(1), Clock.systemUTC());

  @TempDir static Path data;
  private static TestNode node;
  private final HttpClient http = HttpClient.newHttpClient();
  private static final Duration SEARCH_CATCHES_UP = Duration.ofSeconds(30);

  private final String id = OWNER + "/weather/" + UUID.randomUUID();

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNode.start(data);
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  private HttpResponse<String> send(String method, String path, EthereumAddress as, String json)
      throws Exception {
    return send(method, path, as == null ? null : SESSIONS.issue(as), json);
  }

  private HttpResponse<String> send(String method, String path, String token, String json)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(node.api().resolve("/api/v1" + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
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

  private static String path(String streamId) {
    return "/streams/" + URLEncoder.encode(streamId, StandardCharsets.UTF_8);
  }

  private static JsonObject ok(int status, HttpResponse<String> response) {
    assertEquals(status, response.statusCode(), response.body());
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  private static void assertError(int status, String code, HttpResponse<String> response) {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals(
        code,
        JsonParser.parseString(response.body()).getAsJsonObject().get("error").getAsString(),
        response.body());
  }

  /** The streams found; the JSON mapping leaves out an empty list. */
  private JsonArray search(String query) throws Exception {
    JsonArray streams = ok(200, send("GET", query, (String) null, null)).getAsJsonArray("streams");
    return streams == null ? new JsonArray() : streams;
  }

  private static List<String> ids(JsonArray streams) {
    List<String> ids = new ArrayList<>();
    streams.forEach(stream -> ids.add(stream.getAsJsonObject().get("id").getAsString()));
    return ids;
  }

  private void create() throws Exception {
    ok(
        201,
        send(
            "POST",
            "/streams",
            OWNER,
            "{\"id\": \"" + id + "\", \"description\": \"hourly weather\", \"partitions\": 3}"));
  }

  @Test
  void createReadUpdateGrantRevokeDelete() throws Exception {
    HttpResponse<String> created =
        send(
            "POST",
            "/streams",
            OWNER,
            "{\"id\": \"" + id + "\", \"description\": \"hourly weather\", \"partitions\": 3}");
    JsonObject stream = ok(201, created);
    assertEquals(id, stream.get("id").getAsString());
    assertEquals("/api/v1" + path(id), created.headers().firstValue("Location").orElseThrow());

    JsonObject read = ok(200, send("GET", path(id), (String) null, null));
    assertEquals(3, read.get("partitions").getAsInt());
    JsonArray permissions = read.getAsJsonArray("permissions");
    assertEquals(OWNER.value(), permissions.get(0).getAsJsonObject().get("address").getAsString());
    assertEquals(5, permissions.get(0).getAsJsonObject().getAsJsonArray("permissions").size());

    ok(200, send("PUT", path(id), OWNER, "{\"description\": \"every hour\", \"partitions\": 4}"));
    ok(
        200,
        send(
            "POST",
            path(id) + "/permissions",
            OWNER,
            "{\"address\": \"" + ALICE + "\", \"permission\": \"publish\"}"));
    JsonObject granted =
        ok(
            200,
            send(
                "POST",
                path(id) + "/permissions",
                OWNER,
                "{\"public\": true, \"permission\": \"subscribe\"}"));
    assertEquals("subscribe", granted.getAsJsonArray("publicPermissions").get(0).getAsString());
    JsonObject revoked =
        ok(200, send("DELETE", path(id) + "/permissions/" + ALICE + "/publish", OWNER, null));
    assertEquals(1, revoked.getAsJsonArray("permissions").size());
    ok(200, send("DELETE", path(id) + "/permissions/public/subscribe", OWNER, null));

    ok(200, send("DELETE", path(id), OWNER, null));
    assertError(410, "STREAM_DELETED", send("GET", path(id), (String) null, null));
  }

  @Test
  void sessionsAreRequiredForChanges() throws Exception {
    String body = "{\"id\": \"" + id + "\", \"partitions\": 1}";
    assertError(401, "UNAUTHENTICATED", send("POST", "/streams", (String) null, body));
    assertError(401, "UNAUTHENTICATED", send("POST", "/streams", "not-a-token", body));
    String expired =
        new SessionTokens(
                HexFormat.of().parseHex(TestNode.SESSION_SECRET),
                Duration.ofMinutes(1),
                Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC))
            .issue(OWNER);
    assertError(401, "SESSION_EXPIRED", send("POST", "/streams", expired, body));
    assertError(404, "STREAM_NOT_FOUND", send("GET", path(id), (String) null, null));
  }

  @Test
  void refusalsNameTheirReason() throws Exception {
    assertError(
        403,
        "NOT_PERMITTED",
        send("POST", "/streams", ALICE, "{\"id\": \"" + id + "\", \"partitions\": 1}"));
    assertError(
        400,
        "INVALID_STREAM_ID",
        send("POST", "/streams", OWNER, "{\"id\": \"no-owner\", \"partitions\": 1}"));
    assertError(
        400,
        "INVALID_PARTITIONS",
        send("POST", "/streams", OWNER, "{\"id\": \"" + id + "\", \"partitions\": 0}"));
    assertError(400, "MALFORMED_REQUEST", send("POST", "/streams", OWNER, "{\"id\": "));
    create();
    assertError(
        409,
        "STREAM_EXISTS",
        send("POST", "/streams", OWNER, "{\"id\": \"" + id + "\", \"partitions\": 1}"));
    assertError(403, "NOT_PERMITTED", send("PUT", path(id), ALICE, "{\"partitions\": 5}"));
    assertError(
        400,
        "INVALID_PERMISSION",
        send(
            "POST",
            path(id) + "/permissions",
            OWNER,
            "{\"public\": true, \"permission\": \"edit\"}"));
    assertError(
        400,
        "INVALID_PERMISSION",
        send(
            "POST",
            path(id) + "/permissions",
            OWNER,
            "{\"address\": \"" + ALICE + "\", \"permission\": \"rule\"}"));
    assertError(
        400,
        "INVALID_ADDRESS",
        send(
            "POST",
            path(id) + "/permissions",
            OWNER,
            "{\"address\": \"0xABC\", \"permission\": \"publish\"}"));
    assertError(400, "INVALID_PARTITIONS", send("PUT", path(id), OWNER, "{\"partitions\": 2}"));
    assertError(403, "NOT_PERMITTED", send("DELETE", path(id), ALICE, null));
    assertEquals(
        3,
        ok(200, send("GET", path(id), (String) null, null)).get("partitions").getAsInt(),
        "nothing refused changed the stream");
  }

  @Test
  void searchByOwnerAndText() throws Exception {
    create();
    String other = OWNER + "/traffic/" + UUID.randomUUID();
    ok(
        201,
        send(
            "POST",
            "/streams",
            OWNER,
            "{\"id\": \""
                + other
                + "\", \"description\": \"cars per minute\", \"partitions\": 1}"));
    // search reads a table a projection keeps, a moment behind the streams
    JsonArray byOwner =
        await()
            .atMost(SEARCH_CATCHES_UP)
            .until(
                () -> search("/streams?owner=" + OWNER),
                found -> ids(found).containsAll(List.of(id, other)));
    assertEquals(ids(byOwner).stream().sorted().toList(), ids(byOwner), "in id order");
    JsonArray byText = search("/streams?owner=" + OWNER + "&search=CARS%20per");
    assertEquals(List.of(other), ids(byText));
    assertEquals(
        "cars per minute", byText.get(0).getAsJsonObject().get("description").getAsString());
    assertEquals(List.of(), ids(search("/streams?owner=" + ALICE)));
    assertEquals(
        List.of(),
        ids(search("/streams?search=" + URLEncoder.encode("%", StandardCharsets.UTF_8))),
        "a wildcard is searched for as the character it is");

    ok(200, send("DELETE", path(other), OWNER, null));
    await()
        .atMost(SEARCH_CATCHES_UP)
        .until(() -> !ids(search("/streams?owner=" + OWNER)).contains(other));
    ok(
        200,
        send("PUT", path(id), OWNER, "{\"description\": \"cars per hour\", \"partitions\": 3}"));
    await()
        .atMost(SEARCH_CATCHES_UP)
        .until(
            () -> ids(search("/streams?owner=" + OWNER + "&search=cars%20PER")),
            found -> found.equals(List.of(id)));
    assertError(400, "INVALID_ADDRESS", send("GET", "/streams?owner=bob", (String) null, null));
  }
}
