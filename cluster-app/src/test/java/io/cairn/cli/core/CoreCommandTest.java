package io.cairn.cli.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cairn.cli.CairnCommandLine;
import io.cairn.node.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cairn core create | append | get | info against a real node. */
class CoreCommandTest {
  @TempDir static Path data;
  @TempDir Path work;
  private static TestNode node;

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNode.start(data);
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  private CairnCommandLine.Result cairn(String... args) {
    String[] withNode = new String[args.length + 4];
    System.arraycopy(args, 0, withNode, 0, args.length);
    withNode[args.length] = "--node";
    withNode[args.length + 1] = node.api().toString();
    withNode[args.length + 2] = "--keys";
    withNode[args.length + 3] = work.resolve("keys").toString();
    return CairnCommandLine.run(withNode);
  }

  @Test
  void createAppendGetInfo() throws Exception {
    CairnCommandLine.Result created = cairn("core", "create");
    assertEquals(0, created.exitCode(), created.err());
    JsonObject core = JsonParser.parseString(created.out()).getAsJsonObject();
    String key = core.get("key").getAsString();
    assertEquals(64, core.get("discoveryKey").getAsString().length());
    Path keyFile = Path.of(core.get("keyFile").getAsString());
    assertEquals(
        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));

    Path first = Files.write(work.resolve("first.txt"), "hello".getBytes());
    Path second = Files.write(work.resolve("second.bin"), new byte[] {0, 1, 2, (byte) 255});
    CairnCommandLine.Result appended =
        cairn("core", "append", key, first.toString(), second.toString());
    assertEquals(0, appended.exitCode(), appended.err());
    assertEquals(
        2, JsonParser.parseString(appended.out()).getAsJsonObject().get("length").getAsLong());

    Path out = work.resolve("block-1");
    CairnCommandLine.Result got = cairn("core", "get", key, "1", "--out", out.toString());
    assertEquals(0, got.exitCode(), got.err());
    assertArrayEquals(Files.readAllBytes(second), Files.readAllBytes(out));

    CairnCommandLine.Result info = cairn("core", "info", key);
    assertEquals(0, info.exitCode(), info.err());
    JsonObject head = JsonParser.parseString(info.out()).getAsJsonObject();
    assertEquals(2, head.get("length").getAsLong());
    assertEquals(9, head.get("byteLength").getAsLong());
    assertEquals(68 * 2, head.get("signature").getAsString().length());

    CairnCommandLine.Result missing = cairn("core", "get", key, "7");
    assertEquals(3, missing.exitCode());
    assertTrue(
        missing.err().startsWith("cairn: the node refused: BLOCK_NOT_FOUND: "), missing.err());
  }

  @Test
  void mistakesAreOneLineEach() throws Exception {
    CairnCommandLine.Result badKey = cairn("core", "info", "xyz");
    assertEquals(2, badKey.exitCode());
    assertTrue(badKey.err().contains("'xyz' is not a core key"), badKey.err());

    String stranger = "ab".repeat(32);
    Path file = Files.write(work.resolve("block"), "x".getBytes());
    CairnCommandLine.Result noKeyFile = cairn("core", "append", stranger, file.toString());
    assertEquals(1, noKeyFile.exitCode());
    assertTrue(
        noKeyFile.err().startsWith("cairn: no key file for core " + stranger), noKeyFile.err());

    CairnCommandLine.Result unknown = cairn("core", "info", stranger);
    assertEquals(3, unknown.exitCode());
    assertTrue(
        unknown.err().startsWith("cairn: the node refused: CORE_NOT_FOUND: "), unknown.err());

    CairnCommandLine.Result unreachable =
        CairnCommandLine.run("core", "info", stranger, "--node", "http://127.0.0.1:1");
    assertEquals(1, unreachable.exitCode());
    assertTrue(
        unreachable.err().startsWith("cairn: cannot reach the Cairn node at http://127.0.0.1:1"),
        unreachable.err());
    for (CairnCommandLine.Result result :
        new CairnCommandLine.Result[] {badKey, noKeyFile, unknown, unreachable}) {
      assertEquals(1, result.err().strip().lines().count(), result.err());
    }
  }
}
