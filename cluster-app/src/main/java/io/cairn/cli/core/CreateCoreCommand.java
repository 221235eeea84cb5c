package io.cairn.cli.core;

import com.google.gson.JsonObject;
import io.cairn.client.CoreWriter;
import io.cairn.protocol.hypercore.CoreKeyPair;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description =
        "Creates a core with a new Ed25519 key pair, registers it with the node and keeps the"
            + " key pair in a local key file. Prints the core's key and discovery key.")
final class CreateCoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin NodeOptions options;

  @Option(names = "--key-only", description = "Print the core's key alone, for a shell variable.")
  boolean keyOnly;

  @Override
  public Integer call() throws Exception {
    CoreKeyPair keyPair = CoreKeyPair.generate();
    CoreWriter writer = CoreWriter.open(options.client(), keyPair);
    Path file = options.keyFile().save(writer.key(), keyPair);
    if (keyOnly) {
      spec.commandLine().getOut().println(HexFormat.of().formatHex(writer.key()));
      return 0;
    }
    JsonObject out = new JsonObject();
    out.addProperty("key", HexFormat.of().formatHex(writer.key()));
    out.addProperty("discoveryKey", HexFormat.of().formatHex(writer.discoveryKey()));
    out.addProperty("keyFile", file.toString());
    spec.commandLine().getOut().println(out);
    return 0;
  }
}
