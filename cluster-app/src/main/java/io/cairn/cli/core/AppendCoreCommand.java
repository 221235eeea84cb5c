package io.cairn.cli.core;

import com.google.gson.JsonObject;
import io.cairn.cli.terminal.Progress;
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
        "Appends each FILE as one block to a core this user created; blocks are signed here and sent"
            + " in signed batches of about 4 MiB, read as they go (progress shows on a terminal).")
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

  /** Files read and sent together: what waits in memory is about one batch. */
  private static final long BATCH_BYTES = 4 * 1024 * 1024;

  @Override
  public Integer call() {
    long total = 0;
    for (Path file : files) {
      try {
        total += Files.size(file);
      } catch (IOException e) {
        throw new CoreCommandException("cannot read " + file + ": " + e.getMessage());
      }
    }
    CoreWriter writer = CoreWriter.open(options.client(), options.keyFile().load(key.bytes()));
    Progress progress = Progress.of(spec.commandLine().getErr(), "appending", total);
    TreeHead head = writer.head();
    long sent = 0;
    int appended = 0;
    while (appended < files.size()) {
      List<byte[]> batch = new ArrayList<>();
      long batchBytes = 0;
      while (appended + batch.size() < files.size()
          && (batch.isEmpty() || batchBytes < BATCH_BYTES)) {
        Path file = files.get(appended + batch.size());
        try {
          batch.add(Files.readAllBytes(file));
        } catch (IOException e) {
          throw new CoreCommandException(
              "cannot read " + file + ": " + e.getMessage() + appendedSoFar(appended));
        }
        batchBytes += batch.get(batch.size() - 1).length;
      }
      try {
        head = writer.append(batch);
      } catch (RuntimeException refused) {
        progress.finish();
        if (appended > 0) {
          // the refusal itself is reported as any other; what was appended before it stays
          spec.commandLine().getErr().println("cairn: " + appendedSoFar(appended).substring(2));
        }
        throw refused;
      }
      appended += batch.size();
      sent += batchBytes;
      progress.accept(sent);
    }
    progress.finish();
    JsonObject out = new JsonObject();
    out.addProperty("length", head.length());
    out.addProperty("byteLength", head.byteLength());
    spec.commandLine().getOut().println(out);
    return 0;
  }

  private String appendedSoFar(int appended) {
    return appended == 0
        ? "; nothing was appended"
        : "; the first " + appended + " of " + files.size() + " files were appended";
  }
}
