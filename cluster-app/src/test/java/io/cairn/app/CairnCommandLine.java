package io.cairn.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the {@code cairn} command in this JVM and captures what it prints. */
public final class CairnCommandLine {
  public record Result(int exitCode, String out, String err) {}

  private CairnCommandLine() {}

  public static Result run(String... args) {
    CommandLine commandLine = Cairn.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int exitCode = commandLine.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }
}
