package io.cairn.cli.core;

import com.google.gson.JsonObject;
import io.cairn.client.CoreWriter;
import io.cairn.protocol.hypercore.TreeHead;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "append",
    mixinStandardHelpOptions = true,
    description =
        "Appends each FILE as one block to a core this user created; blocks are signed here.")
final class AppendCoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin NodeOptions options;

  @Parameters(
      index = "0",
      paramLabel = "KEY",
      converter = CoreKeyConverter.class,
      description = "The core's key (hex).")
  CoreKeyConverter.CoreKey key;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "FILE",
      description = "Files to append, one block each.")
  List<Path> files;

  @Override
  public Integer call() {
    List<byte[]> blocks = new ArrayList<>();
    for (Path file : files) {
      try {
        blocks.add(Files.readAllBytes(file));
      } catch (IOException e) {
        throw new CoreCommandException("cannot read " + file + ": " + e.getMessage());
      }
    }
    CoreWriter writer = CoreWriter.open(options.client(), options.keyFile().load(key.bytes()));
    TreeHead head = writer.append(blocks);
    JsonObject out = new JsonObject();
    out.addProperty("length", head.length());
    out.addProperty("byteLength", head.byteLength());
    spec.commandLine().getOut().println(out);
    return 0;
  }
}
