package io.cairn.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.node.TestNode;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/sdk.md's whole program, compiled from the document as it stands and run against a real node:
 * the example a new user copies compiles, runs, and prints what the document says it prints.
 */
class SdkExampleTest {
  private static final Path DOCUMENT = Path.of("../docs/sdk.md");

  @TempDir Path work;

  @Test
  void theDocumentedProgramCompilesRunsAndPrintsWhatTheDocumentShows() throws Exception {
    String document = Files.readString(DOCUMENT, StandardCharsets.UTF_8);
    Path source = Files.createDirectories(work.resolve("src")).resolve("Quickstart.java");
    Files.writeString(source, block(document, "java"));
    Path classes = Files.createDirectories(work.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int compiled =
        javac.run(
            null,
            diagnostics,
            diagnostics,
            "-classpath",
            System.getProperty("java.class.path"),
            "-d",
            classes.toString(),
            source.toString());
    assertEquals(0, compiled, diagnostics.toString(StandardCharsets.UTF_8));

    // a JVM of its own, as the user's program runs: what it prints is all that is printed
    String printed;
    try (TestNode node = TestNode.start(work.resolve("node"))) {
      Path output = work.resolve("printed.txt");
      Path errors = work.resolve("errors.txt");
      Process program =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  // the test classpath's logging set-up is the tests', not the program's
                  "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
                  "-classpath",
                  classes + File.pathSeparator + System.getProperty("java.class.path"),
                  "Quickstart",
                  node.api().toString())
              .redirectOutput(output.toFile())
              .redirectError(errors.toFile())
              .start();
      assertTrue(program.waitFor(120, TimeUnit.SECONDS), "the program ends");
      printed = Files.readString(output, StandardCharsets.UTF_8);
      assertEquals(
          0, program.exitValue(), printed + Files.readString(errors, StandardCharsets.UTF_8));
    }

    List<String> shown = block(document, "text").lines().toList();
    List<String> lines = printed.lines().toList();
    assertEquals(shown.size(), lines.size(), "the program printed:\n" + printed);
    for (int i = 0; i < shown.size(); i++) {
      // the document writes an address it cannot know as 0x…
      Pattern expected =
          Pattern.compile(Pattern.quote(shown.get(i)).replace("0x…", "\\E0x[0-9a-f]{40}\\Q"));
      assertTrue(
          expected.matcher(lines.get(i)).matches(),
          "line " + (i + 1) + ": " + lines.get(i) + "\n  the document shows: " + shown.get(i));
    }
  }

  /** The first fenced block of {@code language} in the document. */
  private static String block(String document, String language) {
    Matcher block =
        Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL).matcher(document);
    assertTrue(block.find(), "docs/sdk.md has a " + language + " block");
    return block.group(1);
  }
}
