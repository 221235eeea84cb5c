package io.cairn.app.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cairn.app.CairnCommandLine;
import io.cairn.app.TestNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cairn key | stream | publish | resend against a real node. */
class StreamCommandsTest {
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
    String[] withNode = new String[args.length + 2];
    System.arraycopy(args, 0, withNode, 0, args.length);
    withNode[args.length] = "--node";
    withNode[args.length + 1] = node.api().toString();
    return CairnCommandLine.run(withNode);
  }

  @Test
  void createPublishAndResend() {
    CairnCommandLine.Result created = CairnCommandLine.run("key", "new");
    assertEquals(0, created.exitCode(), created.err());
    JsonObject key = JsonParser.parseString(created.out()).getAsJsonObject();
    String privateKey = key.get("privateKey").getAsString();
    String address = key.get("address").getAsString();
    assertEquals(address, CairnCommandLine.run("key", "address", "--key", privateKey).out().strip());

    String stream = address + "/cli";
    CairnCommandLine.Result made = cairn("stream", "create", stream, "--partitions", "2", "--public", "--key", privateKey);
    assertEquals(0, made.exitCode(), made.err());
    assertEquals("subscribe", JsonParser.parseString(made.out()).getAsJsonObject()
        .getAsJsonArray("publicPermissions").get(0).getAsString());

    InputStream stdin = System.in;
    try {
      System.setIn(new ByteArrayInputStream("{\"t\": 1}\n{\"t\": 2}\n\n{\"t\": 3}\n".getBytes(StandardCharsets.UTF_8)));
      CairnCommandLine.Result published = cairn("publish", stream, "--key", privateKey);
      assertEquals(0, published.exitCode(), published.err());
      assertEquals(3, published.out().strip().lines().count(), published.out());
    } finally {
      System.setIn(stdin);
    }

    CairnCommandLine.Result resent = cairn("resend", stream, "--last", "2");
    assertEquals(0, resent.exitCode(), resent.err());
    assertEquals(2, resent.out().strip().lines().count(), resent.out());
    assertTrue(resent.out().contains("eyJ0IjogM30="), "the last event's content, base64 of {\"t\": 3}: " + resent.out());

    CairnCommandLine.Result again = cairn("stream", "create", stream, "--key", privateKey);
    assertEquals(3, again.exitCode());
    assertTrue(again.err().startsWith("cairn: the node refused: STREAM_EXISTS: "), again.err());

    CairnCommandLine.Result badKey = cairn("stream", "create", stream, "--key", "nope");
    assertEquals(2, badKey.exitCode());
    assertTrue(badKey.err().startsWith("cairn: a private key is 32 bytes"), badKey.err());
  }
}
