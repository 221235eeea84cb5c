package io.cairn.cli.ledger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cairn.cli.CairnCommandLine;
import io.cairn.node.TestNode;
import io.cairn.protocol.stream.PartitionChecksum;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cairn checksum show against a node reporting every 2 s: the node's final report of a paid
 * partition's interval matches what the reader computes from the stored events.
 */
class ChecksumReportCommandTest {
  @TempDir static Path data;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node =
        TestNode.start(
            data,
            Map.of(
                "cairn.ledger.checksums.interval", "2s",
                "cairn.ledger.checksums.settle", "500ms"));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static CairnCommandLine.Result cairn(String... args) {
    return CairnCommandLine.against(node.api(), args);
  }

  @Test
  void theNodesFinalReportMatchesWhatTheReaderComputes() {
    JsonObject key =
        JsonParser.parseString(CairnCommandLine.run("key", "new").out()).getAsJsonObject();
    String privateKey = key.get("privateKey").getAsString();
    String stream = key.get("address").getAsString() + "/reported";
    assertEquals(0, cairn("stream", "create", stream, "--public", "--key", privateKey).exitCode());
    CairnCommandLine.Result listed =
        cairn(
            "market",
            "create",
            "--stream",
            stream,
            "--price-per-second",
            "1",
            "--min-seconds",
            "1",
            "--key",
            privateKey);
    assertEquals(0, listed.exitCode(), listed.err());

    InputStream stdin = System.in;
    try {
      System.setIn(
          new ByteArrayInputStream("{\"n\": 1}\n{\"n\": 2}\n".getBytes(StandardCharsets.UTF_8)));
      assertEquals(0, cairn("publish", stream, "--key", privateKey).exitCode());
    } finally {
      System.setIn(stdin);
    }
    List<Long> intervals =
        ok(cairn("resend", stream, "--last", "2"))
            .lines()
            .map(
                line ->
                    PartitionChecksum.intervalOf(
                        JsonParser.parseString(line).getAsJsonObject().get("timestamp").getAsLong(),
                        2))
            .toList();
    long interval = intervals.get(0);
    long inInterval = intervals.stream().filter(k -> k == interval).count();

    JsonObject shown =
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () ->
                    JsonParser.parseString(
                            ok(
                                cairn(
                                    "checksum",
                                    "show",
                                    stream,
                                    "--interval",
                                    String.valueOf(interval),
                                    "--interval-seconds",
                                    "2")))
                        .getAsJsonObject(),
                json -> json.getAsJsonObject("round").has("closed"));
    assertEquals(
        2, shown.getAsJsonObject("computed").get("eventCount").getAsLong(), shown.toString());
    assertTrue(shown.get("matches").getAsBoolean(), shown.toString());

    CairnCommandLine.Result none =
        cairn("checksum", "show", stream, "--interval", "1", "--interval-seconds", "2");
    assertEquals(3, none.exitCode());
    assertTrue(none.err().contains("ROUND_NOT_FOUND"), none.err());
  }

  private static String ok(CairnCommandLine.Result result) {
    assertEquals(0, result.exitCode(), result.err());
    return result.out().strip();
  }
}
