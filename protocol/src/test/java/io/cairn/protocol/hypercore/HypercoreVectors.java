package io.cairn.protocol.hypercore;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The vectors the JavaScript Hypercore produced ({@code ../shared/vectors/hypercore}), for tests of
 * every module.
 */
public final class HypercoreVectors {
  /** Where the JavaScript reference put the vectors: beside the project, in shared/. */
  static final Path SHARED = Path.of("shared", "vectors", "hypercore", "hypercore-vectors.json");

  private static JsonObject root;

  private HypercoreVectors() {}

  /**
   * A verbatim copy of {@code shared/vectors/hypercore} ships with these tests, so a clone anywhere
   * can run them; {@code VectorsCopyTest} checks the copy against the shared original.
   */
  static final String RESOURCE = "/vectors/hypercore/hypercore-vectors.json";

  private static Path copy;

  /** The parsed vector file. */
  public static synchronized JsonObject json() {
    if (root == null) {
      root = JsonParser.parseString(new String(bytes(), StandardCharsets.UTF_8)).getAsJsonObject();
    }
    return root;
  }

  static byte[] bytes() {
    try (InputStream in = HypercoreVectors.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return fail("test resource " + RESOURCE + " is missing");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      return fail("cannot read " + RESOURCE + ": " + e);
    }
  }

  /** The vector file as a file, for commands that read one. */
  public static synchronized Path file() {
    if (copy == null) {
      try {
        copy = Files.createTempFile("hypercore-vectors", ".json");
        copy.toFile().deleteOnExit();
        Files.write(copy, bytes());
      } catch (IOException e) {
        fail("cannot write the vectors to a temporary file: " + e);
      }
    }
    return copy;
  }

  /** The shared original, found by walking up from the working directory, if it is there. */
  static Optional<Path> shared() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(SHARED);
      if (Files.isRegularFile(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
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
      block =
          new Proof.Block(b.get("index").getAsLong(), hex(b.get("value")), nodes(b.get("nodes")));
    }
    Proof.Upgrade upgrade = null;
    if (!p.get("upgrade").isJsonNull()) {
      JsonObject u = p.getAsJsonObject("upgrade");
      upgrade =
          new Proof.Upgrade(
              u.get("start").getAsLong(),
              u.get("length").getAsLong(),
              nodes(u.get("nodes")),
              nodes(u.get("additionalNodes")),
              hex(u.get("signature")));
    }
    return new Proof(p.get("fork").getAsLong(), block, upgrade);
  }

  /** The head at {@code length} as recorded in {@code lengths[]}. */
  public static TreeHead head(int length) {
    JsonArray lengths = json().getAsJsonArray("lengths");
    JsonObject l = lengths.get(length - 1).getAsJsonObject();
    return new TreeHead(
        l.get("fork").getAsLong(),
        l.get("length").getAsLong(),
        nodes(l.get("roots")),
        hex(l.get("signature")));
  }
}
