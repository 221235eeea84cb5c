package io.cairn.cli.persist;

import com.google.gson.JsonObject;
import io.cairn.cli.stream.ClientOptions;
import io.cairn.client.CairnClient;
import io.cairn.client.GroupKeyExchange;
import io.cairn.client.Recoverer;
import io.cairn.protocol.EthereumAddress;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "recover",
    mixinStandardHelpOptions = true,
    description = {
      "Recovers every item persisted on stream ID: gathers the pairs from the stream's persistor, checks"
          + " them against its signed checkpoint, fetches each item's blocks with their proof, verifies them against the"
          + " publisher's core key and decrypts them into DIR as item-<n> (n: the item's place in the persistor's order).",
      "Prints a line per item that failed, then the counts; exits with 1 if any item failed."
    })
public final class RecoverCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Parameters(paramLabel = "ID", description = "The stream.")
  String streamId;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Where the items are written.")
  Path out;

  @Option(
      names = "--service",
      paramLabel = "ADDRESS",
      description =
          "The address the cluster's persistors sign with (default: as the node reports it; give it to"
              + " trust no node for it).")
  String service;

  @Override
  public Integer call() {
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write items into " + out + ": " + e.getMessage(), e);
    }
    CairnClient client = options.authenticated();
    EthereumAddress signer =
        service != null
            ? EthereumAddress.parse(service)
            : EthereumAddress.parse(client.nodeInfo().getServiceAddress());
    Recoverer.Report report =
        new Recoverer(client, new GroupKeyExchange(client, options.signer()), signer)
            .recover(
                streamId,
                item -> write(out.resolve(String.format("item-%08d", item.index())), item.data()));
    PrintWriter printed = spec.commandLine().getOut();
    for (Recoverer.Failure failure : report.failures()) {
      JsonObject line = new JsonObject();
      line.addProperty("failed", failure.index());
      line.addProperty("address", failure.address());
      line.addProperty("reason", failure.reason());
      printed.println(line);
    }
    JsonObject total = new JsonObject();
    total.addProperty("recovered", report.recovered());
    total.addProperty("failed", report.failures().size());
    total.addProperty("checkpointCount", report.checkpoint().count());
    total.addProperty("checkpointRoot", report.checkpoint().rootHex());
    printed.println(total);
    return report.failures().isEmpty() ? 0 : 1;
  }

  private static void write(Path file, byte[] data) {
    try {
      Files.write(file, data);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
