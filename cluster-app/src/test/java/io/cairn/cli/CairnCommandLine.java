package io.cairn.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.util.Arrays;
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

  /** {@link #run} with {@code --node} naming {@code node}'s public API. */
  public static Result against(URI node, String... args) {
    String[] withNode = Arrays.copyOf(args, args.length + 2);
    withNode[args.length] = "--node";
    withNode[args.length + 1] = node.toString();
    return run(withNode);
  }
}
