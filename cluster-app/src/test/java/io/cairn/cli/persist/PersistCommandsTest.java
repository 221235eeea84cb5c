package io.cairn.cli.persist;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cairn.cli.CairnCommandLine;
import io.cairn.client.CairnClient;
import io.cairn.client.EventPublisher;
import io.cairn.client.GroupKeyExchange;
import io.cairn.client.Persister;
import io.cairn.node.TestNode;
import io.cairn.protocol.event.PrivateKeySigner;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn persist} and {@code cairn recover} against a real node, with the stream set up from
 * the CLI too.
 */
class PersistCommandsTest {
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

  private static CairnCommandLine.Result succeed(String... args) {
    CairnCommandLine.Result result = cairn(args);
    assertEquals(0, result.exitCode(), String.join(" ", args) + ": " + result.err());
    return result;
  }

  @Test
  void filesPersistedOnAStreamAreRecoveredByASubscriber(@TempDir Path files) throws Exception {
    PrivateKeySigner owner = PrivateKeySigner.generate();
    PrivateKeySigner reader = PrivateKeySigner.generate();
    String stream = owner.address() + "/files";
    String service = CairnClient.connect(node.api()).nodeInfo().getServiceAddress();
    succeed("stream", "create", stream, "--key", owner.toHex());
    succeed(
        "stream", "grant", stream, reader.address().value(), "subscribe", "--key", owner.toHex());
    // one command sets persistence up: what it needs is done too, and said
    CairnCommandLine.Result setUp =
        succeed("stream", "persistor", stream, "--interval", "200ms", "--key", owner.toHex());
    JsonObject persistor = JsonParser.parseString(setUp.out()).getAsJsonObject();
    assertEquals(200, persistor.get("intervalMillis").getAsLong());
    assertEquals(
        List.of(
            "granted publish to the cluster's service address "
                + service
                + ", which signs the checkpoints",
            "appointed the key custodian, which holds the stream's group keys",
            "appointed the persistor (checkpoint)"),
        setUp.err().strip().lines().toList());
    CairnCommandLine.Result again =
        succeed("stream", "persistor", stream, "--interval", "200ms", "--key", owner.toHex());
    assertEquals(
        List.of("appointed the persistor (checkpoint)"),
        again.err().strip().lines().toList(),
        "what is in place is left as it is");
    // for buyers only, then for good again: the files below are persisted without a licence
    CairnCommandLine.Result forBuyers =
        succeed("stream", "persistor", stream, "--while-licensed", "--key", owner.toHex());
    assertTrue(
        JsonParser.parseString(forBuyers.out())
            .getAsJsonObject()
            .get("whileLicensed")
            .getAsBoolean());
    assertEquals(
        List.of("appointed the persistor (checkpoint, while a licence is active)"),
        forBuyers.err().strip().lines().toList());
    succeed("stream", "persistor", stream, "--interval", "200ms", "--key", owner.toHex());
    assertEquals(
        2,
        cairn("stream", "persistor", stream, "--mode", "sometimes", "--key", owner.toHex())
            .exitCode());

    Random random = new Random(11);
    byte[][] contents = {new byte[0], new byte[70_000], new byte[1_500_000]};
    for (byte[] content : contents) {
      random.nextBytes(content);
    }
    for (int i = 0; i < contents.length; i++) {
      Files.write(files.resolve("f" + i), contents[i]);
    }
    CairnCommandLine.Result missing =
        cairn(
            "persist",
            stream,
            files.resolve("f0").toString(),
            files.resolve("absent").toString(),
            "--key",
            owner.toHex());
    assertEquals(1, missing.exitCode(), missing.err());
    assertTrue(missing.err().contains("nothing was persisted"), missing.err());
    CairnCommandLine.Result persisted =
        succeed(
            "persist",
            stream,
            files.resolve("f0").toString(),
            files.resolve("f1").toString(),
            files.resolve("f2").toString(),
            "--key",
            owner.toHex());
    List<String> lines = persisted.out().strip().lines().toList();
    assertEquals(4, lines.size(), persisted.out());
    assertEquals(
        3, JsonParser.parseString(lines.get(3)).getAsJsonObject().get("persisted").getAsInt());
    assertTrue(
        JsonParser.parseString(lines.get(2))
            .getAsJsonObject()
            .get("address")
            .getAsString()
            .matches("[0-9a-f]{64}/\\d+-\\d+"),
        "the 1.5 MB file spans blocks: " + lines.get(2));

    Path out = files.resolve("recovered");
    CairnCommandLine.Result recovered = waitForRecovery(stream, reader, out, contents.length);
    JsonObject total = lastLine(recovered);
    assertEquals(0, total.get("failed").getAsInt());
    for (int i = 0; i < contents.length; i++) {
      // under the name it was persisted with, which only readers of the stream learn
      assertArrayEquals(contents[i], Files.readAllBytes(out.resolve("f" + i)), "file " + i);
    }

    CairnCommandLine.Result notADirectory =
        cairn("recover", stream, "--out", files.resolve("f1").toString(), "--key", reader.toHex());
    assertEquals(1, notADirectory.exitCode(), notADirectory.err());
    assertTrue(
        notADirectory.err().startsWith("cairn: cannot write items into "), notADirectory.err());

    CairnCommandLine.Result stranger =
        cairn(
            "recover",
            stream,
            "--out",
            files.resolve("nothing").toString(),
            "--key",
            PrivateKeySigner.generate().toHex());
    assertEquals(3, stranger.exitCode(), stranger.err());
    assertTrue(stranger.err().contains("NOT_PERMITTED"), stranger.err());
  }

  /**
   * Recovers until the persistor's checkpoint holds {@code count} items; it checkpoints every 200
   * ms.
   */
  private static CairnCommandLine.Result waitForRecovery(
      String stream, PrivateKeySigner reader, Path out, int count) {
    return await()
        .alias("cairn recover finds " + count + " items")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> cairn("recover", stream, "--out", out.toString(), "--key", reader.toHex()),
            result ->
                result.exitCode() == 0 && lastLine(result).get("recovered").getAsInt() == count);
  }

  private static JsonObject lastLine(CairnCommandLine.Result result) {
    List<String> lines = result.out().strip().lines().toList();
    return JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
  }

  /**
   * Names come from the publisher, so a reader trusts none: one that would land outside the output
   * directory, or repeats an earlier one, is written under the item's place instead, and said.
   */
  @Test
  void namesThatWouldLeaveTheOutputDirectoryOrRepeatAreNotUsed(@TempDir Path files)
      throws Exception {
    PrivateKeySigner owner = PrivateKeySigner.generate();
    String stream = owner.address() + "/named";
    succeed("stream", "create", stream, "--key", owner.toHex());
    succeed("stream", "persistor", stream, "--interval", "200ms", "--key", owner.toHex());
    CairnClient client = CairnClient.connect(node.api()).authenticate(owner);
    GroupKeyExchange keys = new GroupKeyExchange(client, owner);
    Persister persister =
        Persister.open(
            client,
            PersistCommand.coreKeyPair(owner, stream),
            new EventPublisher(client, owner),
            stream,
            () -> keys.current(stream));
    List<Persister.Item> items =
        List.of(
            named("../escaped", "up"),
            named("/etc/absolute", "root"),
            named("notes.txt", "first"),
            named("notes.txt", "second"),
            named("", "unnamed"));
    persister.persistItems(items, read -> {});

    Path out = files.resolve("out");
    CairnCommandLine.Result recovered = waitForRecovery(stream, owner, out, items.size());
    assertEquals("up", Files.readString(out.resolve("item-00000000")));
    assertEquals("root", Files.readString(out.resolve("item-00000001")));
    assertEquals("first", Files.readString(out.resolve("notes.txt")));
    assertEquals("second", Files.readString(out.resolve("item-00000003-notes.txt")));
    assertEquals("unnamed", Files.readString(out.resolve("item-00000004")));
    assertFalse(Files.exists(files.resolve("escaped")), "nothing outside --out");
    try (var written = Files.list(out)) {
      assertEquals(5, written.count(), "no partial file left");
    }
    assertTrue(
        recovered.err().contains("item 0's name '../escaped' would land outside"), recovered.err());
    assertTrue(
        recovered.err().contains("item 3 is named 'notes.txt' as an earlier one is"),
        recovered.err());
  }

  private static Persister.Item named(String name, String content) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    return new Persister.Item(name, bytes.length, () -> new ByteArrayInputStream(bytes));
  }
}
