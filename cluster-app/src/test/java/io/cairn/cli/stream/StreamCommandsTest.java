package io.cairn.cli.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.util.JsonFormat;
import io.cairn.cli.CairnCommandLine;
import io.cairn.client.CairnClient;
import io.cairn.client.EventPublisher;
import io.cairn.node.TestNode;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.stream.PartitionChecksum;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cairn key | stream | publish | resend | subscribe against a real node. */
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
    return CairnCommandLine.against(node.api(), args);
  }

  @Test
  void createPublishAndResend() {
    CairnCommandLine.Result created = CairnCommandLine.run("key", "new");
    assertEquals(0, created.exitCode(), created.err());
    JsonObject key = JsonParser.parseString(created.out()).getAsJsonObject();
    String privateKey = key.get("privateKey").getAsString();
    String address = key.get("address").getAsString();
    assertEquals(
        address, CairnCommandLine.run("key", "address", "--key", privateKey).out().strip());

    String stream = address + "/cli";
    CairnCommandLine.Result made =
        cairn("stream", "create", stream, "--partitions", "2", "--public", "--key", privateKey);
    assertEquals(0, made.exitCode(), made.err());
    assertEquals(
        "subscribe",
        JsonParser.parseString(made.out())
            .getAsJsonObject()
            .getAsJsonArray("publicPermissions")
            .get(0)
            .getAsString());

    InputStream stdin = System.in;
    try {
      System.setIn(
          new ByteArrayInputStream(
              "{\"t\": 1}\n{\"t\": 2}\n\n{\"t\": 3}\n".getBytes(StandardCharsets.UTF_8)));
      CairnCommandLine.Result published = cairn("publish", stream, "--key", privateKey);
      assertEquals(0, published.exitCode(), published.err());
      assertEquals(3, published.out().strip().lines().count(), published.out());
    } finally {
      System.setIn(stdin);
    }

    CairnCommandLine.Result resent = cairn("resend", stream, "--last", "2");
    assertEquals(0, resent.exitCode(), resent.err());
    List<String> lines = resent.out().strip().lines().toList();
    assertEquals(2, lines.size(), resent.out());
    // readable: the content as the publisher wrote it, the publisher as its address
    JsonObject lastEvent = JsonParser.parseString(lines.get(1)).getAsJsonObject();
    assertEquals(JsonParser.parseString("{\"t\": 3}"), lastEvent.get("content"));
    assertEquals(address, lastEvent.get("publisherId").getAsString());
    assertTrue(lastEvent.get("timestamp").getAsLong() > 0);
    JsonObject withMetadata =
        JsonParser.parseString(
                cairn("resend", stream, "--last", "1", "--with-metadata").out().strip())
            .getAsJsonObject();
    assertEquals(stream, withMetadata.get("streamId").getAsString());
    assertTrue(
        withMetadata.has("msgChainId") && withMetadata.has("prevTimestamp"),
        withMetadata.toString());
    // protobuf-json is the StreamMessage's own JSON mapping, content in base64
    CairnCommandLine.Result protobuf =
        cairn("resend", stream, "--last", "1", "--format", "protobuf-json");
    assertTrue(
        protobuf.out().contains("eyJ0IjogM30="),
        "the last event's content, base64 of {\"t\": 3}: " + protobuf.out());
    assertEquals(2, cairn("resend", stream, "--format", "xml").exitCode());

    CairnCommandLine.Result again = cairn("stream", "create", stream, "--key", privateKey);
    assertEquals(3, again.exitCode());
    assertTrue(again.err().startsWith("cairn: the node refused: STREAM_EXISTS: "), again.err());

    CairnCommandLine.Result badKey = cairn("stream", "create", stream, "--key", "nope");
    assertEquals(2, badKey.exitCode());
    assertTrue(badKey.err().startsWith("cairn: a private key is 32 bytes"), badKey.err());
  }

  @Test
  void checksumComputesThePartitionsIntervalChecksumFromItsStoredEvents() throws Exception {
    JsonObject key =
        JsonParser.parseString(CairnCommandLine.run("key", "new").out()).getAsJsonObject();
    String privateKey = key.get("privateKey").getAsString();
    String stream = key.get("address").getAsString() + "/summed";
    assertEquals(0, cairn("stream", "create", stream, "--public", "--key", privateKey).exitCode());
    InputStream stdin = System.in;
    try {
      System.setIn(
          new ByteArrayInputStream(
              "{\"a\": 1}\n{\"a\": 2}\n{\"a\": 3}\n".getBytes(StandardCharsets.UTF_8)));
      assertEquals(0, cairn("publish", stream, "--key", privateKey).exitCode());
    } finally {
      System.setIn(stdin);
    }
    // one interval of a century holds every event: interval 0 from 1970
    String century = String.valueOf(100L * 365 * 24 * 3600);
    CairnCommandLine.Result summed =
        cairn("stream", "checksum", stream, "--interval", "0", "--interval-seconds", century);
    assertEquals(0, summed.exitCode(), summed.err());
    JsonObject report = JsonParser.parseString(summed.out()).getAsJsonObject();
    assertEquals(3, report.get("eventCount").getAsLong(), summed.out());

    PartitionChecksum expected = PartitionChecksum.start(stream, 0, 0);
    for (String line :
        cairn("resend", stream, "--last", "3", "--format", "protobuf-json")
            .out()
            .strip()
            .lines()
            .toList()) {
      StreamMessage.Builder event = StreamMessage.newBuilder();
      JsonFormat.parser().merge(line, event);
      expected.add(event.build());
    }
    assertEquals(expected.hex(), report.get("checksum").getAsString());
    assertEquals(
        0,
        JsonParser.parseString(
                cairn(
                        "stream",
                        "checksum",
                        stream,
                        "--interval",
                        "1",
                        "--interval-seconds",
                        century)
                    .out())
            .getAsJsonObject()
            .get("eventCount")
            .getAsLong(),
        "the next century is empty");
    assertEquals(2, cairn("stream", "checksum", stream, "--interval-seconds", "0").exitCode());
  }

  @Test
  void theOwnerAppointsTheCustodianAndRotatesTheKey() {
    PrivateKeySigner owner = PrivateKeySigner.generate();
    String stream = owner.address() + "/custody";
    cairn("stream", "create", stream, "--key", owner.toHex());
    CairnCommandLine.Result appointed =
        cairn("stream", "custodian", stream, "--key", owner.toHex());
    assertEquals(0, appointed.exitCode(), appointed.err());
    JsonObject custodian = JsonParser.parseString(appointed.out()).getAsJsonObject();
    assertEquals(
        CairnClient.connect(node.api()).nodeInfo().getServiceAddress(),
        custodian.get("serviceAddress").getAsString());

    CairnCommandLine.Result rotated = cairn("stream", "rotate-key", stream, "--key", owner.toHex());
    assertEquals(0, rotated.exitCode(), rotated.err());
    String current =
        JsonParser.parseString(rotated.out())
            .getAsJsonObject()
            .get("currentGroupKeyId")
            .getAsString();
    assertNotEquals(custodian.get("currentGroupKeyId").getAsString(), current, rotated.out());

    CairnCommandLine.Result stranger =
        cairn("stream", "rotate-key", stream, "--key", PrivateKeySigner.generate().toHex());
    assertEquals(3, stranger.exitCode());
    assertTrue(
        stranger.err().startsWith("cairn: the node refused: NOT_PERMITTED: "), stranger.err());
  }

  /** The {@code n} of each printed event's JSON content {"n": N}. */
  /** The {@code n} of each event printed in the readable form: the content as published. */
  private static List<Integer> numbers(String printed) {
    return printed
        .strip()
        .lines()
        .map(
            line ->
                JsonParser.parseString(line)
                    .getAsJsonObject()
                    .getAsJsonObject("content")
                    .get("n")
                    .getAsInt())
        .toList();
  }

  @Test
  void subscribePrintsHistoryThenLiveEvents() throws Exception {
    PrivateKeySigner wallet = PrivateKeySigner.generate();
    String key = wallet.toHex();
    String stream = wallet.address() + "/watched";
    assertEquals(0, cairn("stream", "create", stream, "--key", key).exitCode());
    EventPublisher publisher = new EventPublisher(CairnClient.connect(node.api()), wallet);
    for (int n = 0; n < 3; n++) {
      publisher.publishJson(stream, 0, "{\"n\":" + n + "}");
    }

    CairnCommandLine.Result history =
        cairn("subscribe", stream, "--last", "2", "--count", "2", "--key", key);
    assertEquals(0, history.exitCode(), history.err());
    assertEquals(List.of(1, 2), numbers(history.out()));

    // live events follow the last stored one with none missed or twice, whenever the subscription
    // starts
    CompletableFuture<CairnCommandLine.Result> live =
        CompletableFuture.supplyAsync(
            () -> cairn("subscribe", stream, "--last", "1", "--count", "3", "--key", key));
    for (int n = 3; !live.isDone() && n < 1000; n++) {
      publisher.publishJson(stream, 0, "{\"n\":" + n + "}");
    }
    CairnCommandLine.Result printed = live.get(20, TimeUnit.SECONDS);
    assertEquals(0, printed.exitCode(), printed.err());
    List<Integer> numbers = numbers(printed.out());
    assertEquals(
        List.of(numbers.get(0), numbers.get(0) + 1, numbers.get(0) + 2), numbers, printed.out());

    CairnCommandLine.Result anonymous = cairn("subscribe", stream, "--count", "1");
    assertEquals(3, anonymous.exitCode());
    assertTrue(
        anonymous.err().startsWith("cairn: the node refused: UNAUTHENTICATED: "), anonymous.err());
    CairnCommandLine.Result stranger =
        cairn("subscribe", stream, "--key", PrivateKeySigner.generate().toHex());
    assertEquals(3, stranger.exitCode());
    assertTrue(
        stranger.err().startsWith("cairn: the node refused: NOT_PERMITTED: "), stranger.err());
    assertEquals(2, cairn("subscribe", stream, "--count", "0", "--key", key).exitCode());
    assertEquals(2, cairn("subscribe", stream, "--last", "many", "--key", key).exitCode());
  }

  @Test
  void aMalformedLineIsReportedWithItsNumberAndNeverPublished() {
    PrivateKeySigner wallet = PrivateKeySigner.generate();
    String key = wallet.toHex();
    String stream = wallet.address() + "/lines";
    assertEquals(0, cairn("stream", "create", stream, "--key", key).exitCode());
    String input = "{\"n\": 1}\nnot json\n{\"n\": 2}\n";

    CairnCommandLine.Result stopped = publishing(input, "publish", stream, "--key", key);
    assertEquals(1, stopped.exitCode(), stopped.err());
    assertEquals(1, stopped.out().strip().lines().count(), "what came before is published");
    assertTrue(stopped.err().startsWith("cairn: line 2 is not a JSON document"), stopped.err());

    CairnCommandLine.Result skipped =
        publishing(input, "publish", stream, "--key", key, "--on-error", "skip");
    assertEquals(1, skipped.exitCode(), skipped.err());
    assertEquals(2, skipped.out().strip().lines().count(), skipped.out());

    CairnCommandLine.Result stored = cairn("resend", stream, "--last", "10", "--key", key);
    assertEquals(List.of(1, 1, 2), numbers(stored.out()), "the malformed line never was");
  }

  private static CairnCommandLine.Result publishing(String stdin, String... args) {
    InputStream original = System.in;
    try {
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      return cairn(args);
    } finally {
      System.setIn(original);
    }
  }

  @Test
  void publishPicksThePartitionOfAKey() {
    PrivateKeySigner wallet = PrivateKeySigner.generate();
    String key = wallet.toHex();
    String stream = wallet.address() + "/sorted";
    assertEquals(
        0,
        cairn("stream", "create", stream, "--partitions", "3", "--public", "--key", key)
            .exitCode());
    InputStream stdin = System.in;
    try {
      System.setIn(
          new ByteArrayInputStream("{\"t\": 1}\n{\"t\": 2}\n".getBytes(StandardCharsets.UTF_8)));
      CairnCommandLine.Result published =
          cairn("publish", stream, "--partition-key", "bar", "--key", key);
      assertEquals(0, published.exitCode(), published.err());
    } finally {
      System.setIn(stdin);
    }
    // of 3 partitions "bar" maps to 2 (see PartitionKeysTest)
    assertEquals(
        2,
        cairn("resend", stream, "--partition", "2", "--last", "5").out().strip().lines().count());
    assertEquals(
        2,
        cairn("publish", stream, "--partition", "1", "--partition-key", "bar", "--key", key)
            .exitCode());
  }
}
