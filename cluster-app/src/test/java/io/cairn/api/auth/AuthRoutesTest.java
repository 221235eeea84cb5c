package io.cairn.api.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cairn.node.TestNode;
import io.cairn.protocol.event.AddressRecoveries;
import io.cairn.protocol.event.PersonalMessage;
import io.cairn.protocol.event.PrivateKeySigner;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening a session with a wallet signature, then using it, on a real node. */
class AuthRoutesTest {
  @TempDir static Path data;
  private static TestNode node;
  private final HttpClient http = HttpClient.newHttpClient();
  private final PrivateKeySigner wallet = PrivateKeySigner.generate();

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNode.start(data);
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  private HttpResponse<String> post(String path, String token, JsonObject body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(node.api().resolve("/api/v1" + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject json(HttpResponse<String> response, int status) {
    assertEquals(status, response.statusCode(), response.body());
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  private String challenge(String address) throws Exception {
    JsonObject request = new JsonObject();
    request.addProperty("address", address);
    return json(post("/auth/challenge", null, request), 200).get("challenge").getAsString();
  }

  private static String sign(PrivateKeySigner signer, String text) {
    return "0x"
        + HexFormat.of()
            .formatHex(
                signer
                    .sign(PersonalMessage.digest(text.getBytes(StandardCharsets.UTF_8)))
                    .encode());
  }

  private HttpResponse<String> session(String challenge, String signature) throws Exception {
    JsonObject request = new JsonObject();
    request.addProperty("challenge", challenge);
    request.addProperty("signature", signature);
    return post("/auth/session", null, request);
  }

  @Test
  void aSignedChallengeOpensASessionThatManagesStreams() throws Exception {
    String challenge = challenge(wallet.address().value());
    JsonObject session = json(session(challenge, sign(wallet, challenge)), 200);
    assertEquals(wallet.address().value(), session.get("address").getAsString());

    JsonObject stream = new JsonObject();
    stream.addProperty("id", wallet.address() + "/mine");
    stream.addProperty("partitions", 1);
    JsonObject created = json(post("/streams", session.get("token").getAsString(), stream), 201);
    assertEquals(wallet.address().value(), created.get("owner").getAsString());
  }

  private static void assertUnauthenticated(HttpResponse<String> response) {
    assertEquals(
        "UNAUTHENTICATED", json(response, 401).get("error").getAsString(), response.body());
  }

  @Test
  void everyFlawInTheExchangeIsRefused() throws Exception {
    String challenge = challenge(wallet.address().value());
    assertUnauthenticated(session(challenge, sign(PrivateKeySigner.generate(), challenge)));
    // a challenge whose nonce the client changed no longer carries this cluster's tag
    String altered = challenge.replaceFirst("nonce: [0-9a-f]{32}", "nonce: " + "0".repeat(32));
    assertUnauthenticated(session(altered, sign(wallet, altered)));
    assertUnauthenticated(session(challenge, "0x1234"));
    assertUnauthenticated(session(challenge, "not hex"));
    assertUnauthenticated(session("Please let me in", sign(wallet, "Please let me in")));

    SessionChallenges yesterday =
        new SessionChallenges(
            new SessionTokens(
                HexFormat.of().parseHex(TestNode.SESSION_SECRET),
                Duration.ofHours(1),
                Clock.systemUTC()),
            AddressRecoveries.preferred(),
            Clock.fixed(Instant.now().minus(Duration.ofDays(1)), ZoneOffset.UTC));
    String stale = yesterday.challenge(wallet.address()).text();
    assertUnauthenticated(session(stale, sign(wallet, stale)));

    JsonObject badAddress = new JsonObject();
    badAddress.addProperty("address", "0x12");
    assertEquals(
        "INVALID_ADDRESS",
        json(post("/auth/challenge", null, badAddress), 400).get("error").getAsString());
  }
}
