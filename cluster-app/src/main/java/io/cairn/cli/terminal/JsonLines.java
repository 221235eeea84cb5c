package io.cairn.cli.terminal;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import picocli.CommandLine.Model.CommandSpec;

/** How commands print an answer: one JSON object per line, in protobuf's JSON mapping. */
public final class JsonLines {
  private JsonLines() {}

  /** Prints {@code message} on the command's output; answers exit code 0. */
  public static int print(CommandSpec spec, MessageOrBuilder message)
      throws InvalidProtocolBufferException {
    spec.commandLine()
        .getOut()
        .println(JsonFormat.printer().omittingInsignificantWhitespace().print(message));
    return 0;
  }
}
