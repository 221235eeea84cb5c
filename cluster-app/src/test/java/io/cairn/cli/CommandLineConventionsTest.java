package io.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/** What holds for every command: help for every argument, completion, the documented exit codes. */
class CommandLineConventionsTest {
  @TempDir Path work;

  @Test
  void everyParameterAndOptionIsDescribed() {
    List<String> undescribed = new ArrayList<>();
    collect(Cairn.commandLine(), undescribed);
    assertEquals(List.of(), undescribed, "arguments without a description in --help");
  }

  private static void collect(CommandLine command, List<String> undescribed) {
    for (ArgSpec arg : command.getCommandSpec().args()) {
      boolean described =
          arg.description().length > 0 && !String.join("", arg.description()).isBlank();
      if (!described) {
        String name = arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel();
        undescribed.add(command.getCommandSpec().qualifiedName() + " " + name);
      }
    }
    command.getSubcommands().values().forEach(sub -> collect(sub, undescribed));
  }

  @Test
  void shellCompletionKnowsTheCommands() {
    CairnCommandLine.Result script = CairnCommandLine.run("generate-completion");
    assertEquals(0, script.exitCode(), script.err());
    assertTrue(script.out().contains("complete -F"), "a bash completion script");
    assertTrue(script.out().contains("revoke") && script.out().contains("persist"), "subcommands");
  }

  @Test
  void aMissingFileIsALocalProblemAndAMalformedOptionAUsageMistake() throws Exception {
    Path missing = work.resolve("missing.bin");
    // 1: a local problem, whichever command meets it
    CairnCommandLine.Result persist =
        CairnCommandLine.run(
            "persist",
            "0x1111111111111111111111111111111111111111/x",
            missing.toString(),
            "--key",
            "11".repeat(32));
    assertEquals(1, persist.exitCode(), persist.err());
    assertTrue(persist.err().startsWith("cairn: cannot read " + missing), persist.err());
    CairnCommandLine.Result append =
        CairnCommandLine.run("core", "append", "ab".repeat(32), missing.toString());
    assertEquals(1, append.exitCode(), append.err());
    assertTrue(append.err().startsWith("cairn: cannot read " + missing), append.err());
    CairnCommandLine.Result vectors =
        CairnCommandLine.run(
            "core", "vectors", "--seed", "00".repeat(32), "--blocks", missing.toString());
    assertEquals(1, vectors.exitCode(), vectors.err());
    // 2: a usage mistake
    Path blocks = Files.writeString(work.resolve("blocks.json"), "[]");
    CairnCommandLine.Result seed =
        CairnCommandLine.run("core", "vectors", "--seed", "zz", "--blocks", blocks.toString());
    assertEquals(2, seed.exitCode(), seed.err());
    assertTrue(seed.err().startsWith("cairn: --seed must be"), seed.err());
  }
}
