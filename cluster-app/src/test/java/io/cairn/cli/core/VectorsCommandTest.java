package io.cairn.cli.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cairn.cli.CairnCommandLine;
import io.cairn.protocol.hypercore.HypercoreVectors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VectorsCommandTest {
  private static final List<String> REQUIRED_FIELDS =
      List.of(
          "seed",
          "publicKey",
          "key",
          "discoveryKey",
          "manifest",
          "blocks",
          "leaves",
          "parents",
          "nodes",
          "lengths");

  @TempDir Path directory;

  private record Run(int exitCode, String out, String err) {
    JsonObject json() {
      assertEquals(0, exitCode, "exit code; stderr: " + err);
      assertEquals("", err, "stderr");
      return JsonParser.parseString(out).getAsJsonObject();
    }
  }

  @Test
  void reproducesEveryFieldOfTheReferenceVectors() {
    JsonObject reference = reference();
    JsonObject output =
        run("--seed", reference.get("seed").getAsString(), "--blocks", referenceFile().toString())
            .json();

    for (String field : REQUIRED_FIELDS) {
      assertTrue(output.has(field), "the output has no field '" + field + "'");
    }
    for (String field : output.keySet()) {
      // generator names the implementation that wrote the document, so it differs by design.
      if (reference.has(field) && !field.equals("generator") && !field.equals("lengths")) {
        assertSameJson(field, reference.get(field), output.get(field));
      }
    }
    assertLengthsMatch(reference.getAsJsonArray("lengths"), output.getAsJsonArray("lengths"));
  }

  @Test
  void aBlocksFileGivesTheSameTreeAsTheReferenceUpToItsLength() throws IOException {
    JsonObject reference = reference();
    JsonArray referenceBlocks = reference.getAsJsonArray("blocks");
    JsonArray firstThree = new JsonArray();
    for (int i = 0; i < 3; i++) {
      firstThree.add(referenceBlocks.get(i).getAsString().toUpperCase(Locale.ROOT));
    }
    JsonObject input = new JsonObject();
    input.add("blocks", firstThree);
    Path file = write(input.toString());

    JsonObject output =
        run("--seed", reference.get("seed").getAsString(), "--blocks", file.toString()).json();

    for (String field : List.of("seed", "publicKey", "manifest", "key", "discoveryKey")) {
      assertSameJson(field, reference.get(field), output.get(field));
    }
    assertSameJson("blocks", prefix(referenceBlocks, 3), output.get("blocks"));
    assertSameJson("leaves", prefix(reference.getAsJsonArray("leaves"), 3), output.get("leaves"));
    // A tree of 3 blocks holds leaves 0, 2, 4 and their one complete parent, 1.
    assertSameJson(
        "nodes", nodesWithIndexes(reference, Set.of(0L, 1L, 2L, 4L)), output.get("nodes"));
    assertSameJson("parents", nodesWithIndexes(reference, Set.of(1L)), output.get("parents"));
    assertLengthsMatch(
        prefix(reference.getAsJsonArray("lengths"), 3), output.getAsJsonArray("lengths"));
  }

  @Test
  void anEmptyBlocksArrayGivesAnEmptyCore() throws IOException {
    JsonObject output =
        run("--seed", "02".repeat(32), "--blocks", write("{\"blocks\": []}").toString()).json();

    for (String field : List.of("blocks", "leaves", "parents", "nodes", "lengths")) {
      assertEquals(new JsonArray(), output.get(field), field);
    }
  }

  @Test
  void compatModeReproducesTheReferenceCompatSection() {
    JsonObject reference = reference();
    JsonObject compat = reference.getAsJsonObject("compat");
    JsonObject output =
        run(
                "--seed",
                reference.get("seed").getAsString(),
                "--blocks",
                referenceFile().toString(),
                "--compat")
            .json();

    assertFalse(output.has("manifest"), "a compat core has no manifest");
    assertSameJson("key", compat.get("key"), output.get("key"));
    assertSameJson("discoveryKey", compat.get("discoveryKey"), output.get("discoveryKey"));
    for (String field : List.of("seed", "publicKey", "blocks", "leaves", "parents", "nodes")) {
      assertSameJson(field, reference.get(field), output.get(field));
    }
    JsonArray expected = compat.getAsJsonArray("lengths");
    JsonArray actual = output.getAsJsonArray("lengths");
    assertEquals(expected.size(), actual.size(), "number of lengths");
    for (int i = 0; i < expected.size(); i++) {
      JsonObject want = expected.get(i).getAsJsonObject();
      JsonObject got = actual.get(i).getAsJsonObject();
      String label = "compat lengths[" + i + "] (length " + (i + 1) + ")";
      for (String field : List.of("length", "fork", "signable", "signature")) {
        assertSameJson(label + "." + field, want.get(field), got.get(field));
      }
      assertSameJson(label + ".signatureRaw", want.get("signature"), got.get("signatureRaw"));
      JsonObject tree = reference.getAsJsonArray("lengths").get(i).getAsJsonObject();
      for (String field : List.of("byteLength", "roots", "treeHash")) {
        assertSameJson(label + "." + field, tree.get(field), got.get(field));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "this is not json",
        "",
        "[\"00\"]",
        "{\"block\": [\"00\"]}",
        "{\"blocks\": \"00\"}",
        "{\"blocks\": [\"abc\"]}",
        "{\"blocks\": [\"zz\"]}",
        "{\"blocks\": [12]}",
        "{\"blocks\": [\"00\", null]}"
      })
  void aBadBlocksFileIsOneErrorLine(String content) throws IOException {
    Path file = write(content);

    Run run = run("--seed", "01".repeat(32), "--blocks", file.toString());

    assertOneErrorLine(run);
    assertTrue(run.err().contains(file.toString()), "the message names the file: " + run.err());
  }

  @Test
  void aMissingFileIsOneErrorLine() {
    assertOneErrorLine(
        run("--seed", "01".repeat(32), "--blocks", directory.resolve("absent.json").toString()));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0101",
        "010101010101010101010101010101010101010101010101010101010101010101",
        "zz01010101010101010101010101010101010101010101010101010101010101",
        ""
      })
  void aSeedThatIsNot32HexBytesIsOneErrorLine(String seed) throws IOException {
    Run run = run("--seed", seed, "--blocks", write("{\"blocks\": [\"00\"]}").toString());

    // a usage mistake
    assertEquals(2, run.exitCode(), run.err());
    assertEquals("", run.out(), "stdout");
    assertEquals(1, run.err().lines().count(), "stderr lines: " + run.err());
    assertTrue(run.err().startsWith("cairn: --seed"), run.err());
  }

  @Test
  void aMissingOptionIsAUsageError() {
    assertEquals(2, run("--seed", "01".repeat(32)).exitCode());
  }

  private static void assertOneErrorLine(Run run) {
    assertEquals(1, run.exitCode(), "exit code; stderr: " + run.err());
    assertEquals("", run.out(), "stdout");
    assertTrue(run.err().startsWith("cairn: "), "stderr: " + run.err());
    assertEquals(1, run.err().lines().count(), "stderr lines: " + run.err());
  }

  private static void assertLengthsMatch(JsonArray expected, JsonArray actual) {
    assertEquals(expected.size(), actual.size(), "number of lengths");
    for (int i = 0; i < expected.size(); i++) {
      assertSameJson("lengths[" + i + "] (length " + (i + 1) + ")", expected.get(i), actual.get(i));
    }
  }

  /** Compares two JSON trees, naming the first differing field by its path. */
  private static void assertSameJson(String path, JsonElement expected, JsonElement actual) {
    if (actual == null) {
      fail(path + ": missing");
    }
    if (expected.isJsonObject()) {
      assertTrue(actual.isJsonObject(), path + ": expected an object, got " + actual);
      JsonObject want = expected.getAsJsonObject();
      JsonObject got = actual.getAsJsonObject();
      assertEquals(new TreeSet<>(want.keySet()), new TreeSet<>(got.keySet()), path + ": fields");
      for (String field : want.keySet()) {
        assertSameJson(path + "." + field, want.get(field), got.get(field));
      }
    } else if (expected.isJsonArray()) {
      assertTrue(actual.isJsonArray(), path + ": expected an array, got " + actual);
      JsonArray want = expected.getAsJsonArray();
      JsonArray got = actual.getAsJsonArray();
      assertEquals(want.size(), got.size(), path + ": number of elements");
      for (int i = 0; i < want.size(); i++) {
        assertSameJson(path + "[" + i + "]", want.get(i), got.get(i));
      }
    } else {
      // As JSON text, so that 7 and 7.0, or a number and a numeric string, differ.
      assertEquals(expected.toString(), actual.toString(), path);
    }
  }

  private static JsonArray prefix(JsonArray array, int count) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < count; i++) {
      out.add(array.get(i));
    }
    return out;
  }

  private static JsonArray nodesWithIndexes(JsonObject reference, Set<Long> indexes) {
    JsonArray out = new JsonArray();
    for (JsonElement node : reference.getAsJsonArray("nodes")) {
      if (indexes.contains(node.getAsJsonObject().get("index").getAsLong())) {
        out.add(node);
      }
    }
    return out;
  }

  private Run run(String... args) {
    // through the cairn command, with its exit codes and error lines
    String[] command = new String[args.length + 2];
    command[0] = "core";
    command[1] = "vectors";
    System.arraycopy(args, 0, command, 2, args.length);
    CairnCommandLine.Result result = CairnCommandLine.run(command);
    return new Run(result.exitCode(), result.out(), result.err());
  }

  private Path write(String content) throws IOException {
    Path file = Files.createTempFile(directory, "blocks", ".json");
    return Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  private static JsonObject reference() {
    return HypercoreVectors.json();
  }

  private static Path referenceFile() {
    return HypercoreVectors.file();
  }
}
