package io.cairn.cli.core;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.cairn.client.CoreReader;
import io.cairn.protocol.hypercore.MerkleHasher;
import io.cairn.protocol.hypercore.TreeHead;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description =
        "Prints a core's length, byte length, fork, tree hash and signature, after verifying"
            + " the node's signed tree against the core's key.")
final class CoreInfoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin NodeOptions options;

  @Parameters(
      index = "0",
      paramLabel = "KEY",
      converter = CoreKeyConverter.class,
      description = "The core's key (hex).")
  CoreKeyConverter.CoreKey key;

  @Override
  public Integer call() {
    CoreReader reader = CoreReader.open(options.client(), key.bytes());
    TreeHead head = reader.latest();
    HexFormat hex = HexFormat.of();
    JsonObject out = new JsonObject();
    out.addProperty("key", hex.formatHex(key.bytes()));
    out.addProperty("discoveryKey", hex.formatHex(reader.discoveryKey()));
    out.addProperty("length", head.length());
    out.addProperty("byteLength", head.byteLength());
    out.addProperty("fork", head.fork());
    out.addProperty("treeHash", hex.formatHex(new MerkleHasher().treeHash(head.roots())));
    out.addProperty("signature", head.signature() == null ? null : hex.formatHex(head.signature()));
    spec.commandLine()
        .getOut()
        .println(new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(out));
    return 0;
  }
}
