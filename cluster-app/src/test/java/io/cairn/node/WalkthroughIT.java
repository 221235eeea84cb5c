package io.cairn.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documents' shell walkthroughs, run as written: every block fenced as {@code sh walkthrough}
 * in README.md and docs/, the blocks of one document in order in one shell, against a node process
 * started from the shaded jar, with {@code ./cairn} being that jar. What a command prints is
 * compared with the {@code #>} lines under it, {@code …} standing for what differs from run to run;
 * a command that fails fails its document. A document that drifts from the product fails the build.
 */
class WalkthroughIT {
  private static final Path ROOT = Path.of("..");
  private static final Pattern BLOCK =
      Pattern.compile("```sh walkthrough\\n(.*?)```", Pattern.DOTALL);
  private static final String EXPECTED = "#> ";
  private static final String STEP_END = "@@walkthrough step ended@@";

  @TempDir Path work;

  /** Commands, and what they print when the document says. */
  private record Step(List<String> commands, List<String> shown) {}

  @TestFactory
  Stream<DynamicTest> everyDocumentedWalkthroughRunsAsWritten() throws IOException {
    List<Path> documents = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(file -> file.toString().endsWith(".md")).sorted().forEach(documents::add);
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (Path document : documents) {
      List<Step> steps = steps(Files.readString(document, StandardCharsets.UTF_8));
      if (!steps.isEmpty()) {
        tests.add(
            DynamicTest.dynamicTest(document.getFileName().toString(), () -> run(document, steps)));
      }
    }
    assertFalse(tests.isEmpty(), "the documents hold walkthroughs");
    return tests.stream();
  }

  private void run(Path document, List<Step> steps) throws Exception {
    // the walkthroughs show curl beside the CLI; a machine without it cannot run them as written
    boolean curlUsed =
        steps.stream().flatMap(step -> step.commands().stream()).anyMatch(c -> c.contains("curl "));
    Assumptions.assumeTrue(
        !curlUsed || new ProcessBuilder("sh", "-c", "command -v curl").start().waitFor() == 0,
        document + " uses curl, which this machine lacks");

    Path home = Files.createDirectories(work.resolve(document.getFileName() + "-home"));
    Path bin = Files.createDirectories(home.resolve("bin"));
    Path jar = Path.of(System.getProperty("cairn.jar", "target/cairn.jar")).toAbsolutePath();
    Path cairn = bin.resolve("cairn");
    Files.writeString(
        cairn,
        "#!/bin/sh\nexec '"
            + Path.of(System.getProperty("java.home"), "bin", "java")
            // each command is a short JVM: C1 alone and the serial collector start it about a
            // third faster, which over the documents' fifty-odd commands is CI time
            + "' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar '"
            + jar
            + "' \"$@\"\n");
    assertTrue(cairn.toFile().setExecutable(true));

    StringBuilder script = new StringBuilder("set -euo pipefail\n");
    for (Step step : steps) {
      step.commands()
          .forEach(line -> script.append(line.replace("./cairn ", "cairn ")).append('\n'));
      script.append("printf '\\n").append(STEP_END).append("\\n'\n");
    }
    Path scriptFile = Files.writeString(home.resolve("walkthrough.sh"), script);

    // ./data beside the walkthrough, where `./cairn node` run there keeps it: a walkthrough reads
    // the node's service key (the ledger's operator) from data/keys/service.key
    try (NodeProcess node = NodeProcess.start(home.resolve("data"))) {
      node.awaitReady(Duration.ofSeconds(60));
      Path out = home.resolve("out.txt");
      Path err = home.resolve("err.txt");
      ProcessBuilder shell = new ProcessBuilder("bash", scriptFile.toString());
      shell.directory(home.toFile());
      shell.environment().put("HOME", home.toString());
      shell.environment().put("PATH", bin + ":" + System.getenv("PATH"));
      shell.environment().put("CAIRN_NODE", node.api().toString());
      shell.environment().remove("CAIRN_KEY");
      Process ran = shell.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      assertTrue(ran.waitFor(5, TimeUnit.MINUTES), document + " ran within 5 minutes");
      String printed = Files.readString(out, StandardCharsets.UTF_8);
      String problems = Files.readString(err, StandardCharsets.UTF_8);
      List<String> outputs = List.of(printed.split("\\n?" + STEP_END + "\\n", -1));
      int finished = outputs.size() - 1;
      assertEquals(
          0,
          ran.exitValue(),
          document
              + ": the walkthrough stopped in step "
              + (finished + 1)
              + " ("
              + (finished < steps.size() ? steps.get(finished).commands() : "after the last")
              + "):\n"
              + problems);
      for (int i = 0; i < steps.size(); i++) {
        assertShown(document, steps.get(i), outputs.get(i));
      }
    }
  }

  private static void assertShown(Path document, Step step, String output) {
    if (step.shown().isEmpty()) {
      return;
    }
    List<String> lines = output.strip().lines().toList();
    assertEquals(
        step.shown().size(),
        lines.size(),
        document
            + ": "
            + step.commands()
            + " printed:\n"
            + output
            + "\nthe document shows:\n"
            + String.join("\n", step.shown()));
    for (int i = 0; i < lines.size(); i++) {
      Pattern shown =
          Pattern.compile(
              Pattern.quote(step.shown().get(i)).replace("…", "\\E.*\\Q"), Pattern.DOTALL);
      assertTrue(
          shown.matcher(lines.get(i)).matches(),
          document
              + ": "
              + step.commands()
              + " printed\n  "
              + lines.get(i)
              + "\nwhere the document shows\n  "
              + step.shown().get(i));
    }
  }

  /** The steps of every walkthrough block of a document, in order. */
  static List<Step> steps(String document) {
    List<Step> steps = new ArrayList<>();
    Matcher block = BLOCK.matcher(document);
    while (block.find()) {
      List<String> commands = new ArrayList<>();
      List<String> shown = new ArrayList<>();
      for (String line : block.group(1).lines().toList()) {
        if (line.startsWith(EXPECTED)) {
          shown.add(line.substring(EXPECTED.length()));
        } else if (line.equals(EXPECTED.strip())) {
          shown.add("");
        } else {
          if (!shown.isEmpty()) {
            steps.add(new Step(commands, shown));
            commands = new ArrayList<>();
            shown = new ArrayList<>();
          }
          commands.add(line);
        }
      }
      if (!commands.isEmpty() || !shown.isEmpty()) {
        steps.add(new Step(commands, shown));
      }
    }
    return steps;
  }
}
