package io.cairn.cli.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cairn.cli.CairnCommandLine;
import io.cairn.node.TestNode;
import io.cairn.protocol.event.PrivateKeySigner;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a stream's owner does with it from the command line, besides creating and publishing: list,
 * update, revoke, delete, and a session token for curl. Against a real node.
 */
class StreamLifecycleCommandsTest {
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

  private static CairnCommandLine.Result cairn(String... args) {
    return CairnCommandLine.against(node.api(), args);
  }

  private static JsonObject ok(CairnCommandLine.Result result) {
    assertEquals(0, result.exitCode(), result.err());
    assertEquals("", result.err());
    return JsonParser.parseString(result.out()).getAsJsonObject();
  }

  @Test
  void listUpdateRevokeAndDelete() {
    PrivateKeySigner owner = PrivateKeySigner.generate();
    String key = owner.toHex();
    String weather = owner.address() + "/weather";
    String traffic = owner.address() + "/traffic";
    ok(cairn("stream", "create", weather, "--description", "rain and sun", "--key", key));
    ok(cairn("stream", "create", traffic, "--key", key));

    // the list reads the stream directory, a read model that follows creations within moments
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              CairnCommandLine.Result listed =
                  cairn("stream", "list", "--owner", owner.address().value());
              assertEquals(0, listed.exitCode(), listed.err());
              List<String> ids =
                  listed
                      .out()
                      .lines()
                      .map(
                          line ->
                              JsonParser.parseString(line)
                                  .getAsJsonObject()
                                  .get("id")
                                  .getAsString())
                      .sorted()
                      .toList();
              assertEquals(List.of(traffic, weather), ids);
            });
    CairnCommandLine.Result searched = cairn("stream", "list", "--search", "rain and");
    assertTrue(searched.out().contains(weather), searched.out());
    CairnCommandLine.Result unnamed = cairn("stream", "list");
    assertEquals(2, unnamed.exitCode());
    assertTrue(unnamed.err().startsWith("cairn: name --owner"), unnamed.err());

    JsonObject updated = ok(cairn("stream", "update", weather, "--partitions", "3", "--key", key));
    assertEquals(3, updated.get("partitions").getAsInt());
    assertEquals("rain and sun", updated.get("description").getAsString(), "kept as it was");
    CairnCommandLine.Result fewer =
        cairn("stream", "update", weather, "--partitions", "1", "--key", key);
    assertEquals(3, fewer.exitCode(), fewer.err());

    ok(cairn("stream", "grant", weather, "public", "subscribe", "--key", key));
    JsonObject revoked =
        ok(cairn("stream", "revoke", weather, "public", "subscribe", "--key", key));
    // an empty list is left out of the JSON mapping
    assertTrue(!revoked.has("publicPermissions"), revoked.toString());

    ok(cairn("stream", "delete", traffic, "--key", key));
    CairnCommandLine.Result gone = cairn("stream", "get", traffic);
    assertEquals(3, gone.exitCode());
    assertTrue(
        gone.err().contains("STREAM_NOT_FOUND") || gone.err().contains("deleted"), gone.err());
  }

  @Test
  void aSessionTokenForCurl() throws Exception {
    PrivateKeySigner owner = PrivateKeySigner.generate();
    String stream = owner.address() + "/private";
    ok(cairn("stream", "create", stream, "--key", owner.toHex()));
    CairnCommandLine.Result token = cairn("auth", "token", "--key", owner.toHex());
    assertEquals(0, token.exitCode(), token.err());
    // what curl -H "Authorization: Bearer $(cairn auth token)" sends
    HttpResponse<String> read =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        node.api()
                            .resolve(
                                "/api/v1/streams/"
                                    + URLEncoder.encode(stream, StandardCharsets.UTF_8)
                                    + "/data/partitions/0/last"))
                    .header("Authorization", "Bearer " + token.out().strip())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, read.statusCode(), read.body());
  }

  @Test
  void theNodeAsHostAndPortAloneAndOneThatIsNotThere() throws Exception {
    PrivateKeySigner owner = PrivateKeySigner.generate();
    String stream = owner.address() + "/no-scheme";
    String hostPort = node.api().getHost() + ":" + node.api().getPort();
    CairnCommandLine.Result made =
        CairnCommandLine.run(
            "stream", "create", stream, "--key", owner.toHex(), "--node", hostPort);
    ok(made);

    int closed;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    CairnCommandLine.Result away =
        CairnCommandLine.run("stream", "get", stream, "--node", "http://127.0.0.1:" + closed);
    assertEquals(1, away.exitCode());
    assertEquals(
        "cairn: cannot reach the Cairn node at http://127.0.0.1:"
            + closed
            + ": connection refused — is it running? start one with ./cairn node",
        away.err().strip());
    // over the WebSocket too: a subscription and a producer say the same
    for (String[] command :
        List.of(
            new String[] {"subscribe", stream, "--node", "127.0.0.1:" + closed},
            new String[] {
              "publish", stream, "--key", owner.toHex(), "--node", "127.0.0.1:" + closed
            })) {
      CairnCommandLine.Result socketAway = CairnCommandLine.run(command);
      assertEquals(1, socketAway.exitCode(), socketAway.err());
      assertEquals(
          "cairn: cannot reach the Cairn node at ws://127.0.0.1:"
              + closed
              + "/api/v1/ws: connection refused — is it running? start one with ./cairn node",
          socketAway.err().strip());
    }

    CairnCommandLine.Result wrong =
        CairnCommandLine.run("stream", "get", stream, "--node", "ftp://127.0.0.1:7171");
    assertEquals(2, wrong.exitCode());
    assertTrue(wrong.err().contains("write http://HOST:PORT or HOST:PORT"), wrong.err());
  }
}
