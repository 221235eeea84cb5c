package io.cairn.cli.core;

import io.cairn.client.CoreReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description =
        "Fetches block INDEX with its proof, verifies the proof against the core's key and"
            + " writes the block's bytes to standard output (or --out). A block that fails verification is"
            + " never written.")
final class GetCoreCommand implements Callable<Integer> {
  @Mixin NodeOptions options;

  @Parameters(
      index = "0",
      paramLabel = "KEY",
      converter = CoreKeyConverter.class,
      description = "The core's key (hex).")
  CoreKeyConverter.CoreKey key;

  @Parameters(index = "1", paramLabel = "INDEX", description = "The block's index, from 0.")
  long index;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Write the block here instead of standard output.")
  Path out;

  @Override
  public Integer call() throws IOException {
    byte[] block = CoreReader.open(options.client(), key.bytes()).get(index);
    if (out != null) {
      Files.write(out, block);
    } else {
      OutputStream stdout = System.out;
      stdout.write(block);
      stdout.flush();
    }
    return 0;
  }
}
