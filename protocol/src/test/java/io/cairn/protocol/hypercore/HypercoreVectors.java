package io.cairn.protocol.hypercore;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** The reference vectors produced by JavaScript Hypercore 11.37.1, read from the shared folder. */
/** The vectors the JavaScript Hypercore produced ({@code ../shared/vectors/hypercore}), for tests of every module. */
public final class HypercoreVectors {
  private static final Path RELATIVE = Path.of("shared", "vectors", "hypercore",
      "hypercore-vectors.json");
  private static JsonObject root;

  private HypercoreVectors() {}

  /** The parsed file, found by walking up from the working directory to the worktree's parent. */
  public static synchronized JsonObject json() {
    if (root == null) {
      Path file = locate();
      try {
        root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8))
            .getAsJsonObject();
      } catch (IOException e) {
        fail("cannot read " + file + ": " + e);
      }
    }
    return root;
  }

  /** The vector file itself. */
  public static Path file() {
    return locate();
  }

  private static Path locate() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(RELATIVE);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    return fail("no " + RELATIVE + " found in " + start + " or any parent directory;"
        + " the vectors must sit next to the project root (../shared/vectors/hypercore)");
  }

  public static byte[] hex(JsonElement element) {
    return HexFormat.of().parseHex(element.getAsString());
  }

  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  public static TreeNode node(JsonElement element) {
    JsonObject o = element.getAsJsonObject();
    return new TreeNode(o.get("index").getAsLong(), o.get("size").getAsLong(), hex(o.get("hash")));
  }

  public static List<TreeNode> nodes(JsonElement array) {
    List<TreeNode> out = new ArrayList<>();
    for (JsonElement e : array.getAsJsonArray()) {
      out.add(node(e));
    }
    return out;
  }

  public static List<byte[]> blocks() {
    List<byte[]> out = new ArrayList<>();
    for (JsonElement e : json().getAsJsonArray("blocks")) {
      out.add(hex(e));
    }
    return out;
  }

  public static CoreKeyPair keyPair() {
    return CoreKeyPair.fromSeed(hex(json().get("seed")));
  }

  /** A JSON proof object as the Java record. */
  public static Proof proof(JsonObject p) {
    Proof.Block block = null;
    if (!p.get("block").isJsonNull()) {
      JsonObject b = p.getAsJsonObject("block");
      block = new Proof.Block(b.get("index").getAsLong(), hex(b.get("value")), nodes(b.get("nodes")));
    }
    Proof.Upgrade upgrade = null;
    if (!p.get("upgrade").isJsonNull()) {
      JsonObject u = p.getAsJsonObject("upgrade");
      upgrade = new Proof.Upgrade(u.get("start").getAsLong(), u.get("length").getAsLong(),
          nodes(u.get("nodes")), nodes(u.get("additionalNodes")), hex(u.get("signature")));
    }
    return new Proof(p.get("fork").getAsLong(), block, upgrade);
  }

  /** The head at {@code length} as recorded in {@code lengths[]}. */
  public static TreeHead head(int length) {
    JsonArray lengths = json().getAsJsonArray("lengths");
    JsonObject l = lengths.get(length - 1).getAsJsonObject();
    return new TreeHead(l.get("fork").getAsLong(), l.get("length").getAsLong(),
        nodes(l.get("roots")), hex(l.get("signature")));
  }
}
