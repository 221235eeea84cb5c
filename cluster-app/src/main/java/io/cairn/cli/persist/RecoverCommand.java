package io.cairn.cli.persist;

import com.google.gson.JsonObject;
import io.cairn.cli.stream.ClientOptions;
import io.cairn.cli.terminal.Progress;
import io.cairn.client.CairnClient;
import io.cairn.client.GroupKeyExchange;
import io.cairn.client.Recoverer;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.persist.DataAddress;
import io.cairn.protocol.persist.ItemStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
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
          + " publisher's core key and decrypts them into DIR, a chunk at a time (bounded memory; progress shows on a"
          + " terminal), under the name the publisher gave each (a file's name), or item-<n> (n: the item's place in the"
          + " persistor's order) for one without. A name that would land outside DIR is refused and the item written as"
          + " item-<n>, said on stderr.",
      "Prints a line per item recovered or failed, then the counts; exits with 1 if any item failed."
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
    PrintWriter printed = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    IntoDirectory files = new IntoDirectory(out, printed, err);
    Recoverer.Report report =
        new Recoverer(client, new GroupKeyExchange(client, options.signer()), signer)
            .recover(streamId, files, files::progress);
    files.finishProgress();
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

  /**
   * Items written into the output directory under their own names: each into a partial file first,
   * moved to its name once it is whole and checked, so a failed item leaves nothing behind.
   */
  private static final class IntoDirectory implements Recoverer.ItemSink {
    private final Path directory;
    private final PrintWriter printed;
    private final PrintWriter err;
    private final Set<String> namesTaken = new HashSet<>();
    private final Map<Long, Path> partial = new HashMap<>();
    private final Map<Long, Path> destination = new HashMap<>();
    private Progress progress;

    IntoDirectory(Path directory, PrintWriter printed, PrintWriter err) {
      this.directory = directory.toAbsolutePath().normalize();
      this.printed = printed;
      this.err = err;
    }

    @Override
    public OutputStream open(long index, DataAddress address, ItemStream.Header header)
        throws IOException {
      finishProgress();
      String fallback = String.format("item-%08d", index);
      String name = header.name().isEmpty() ? fallback : header.name();
      if (!staysInside(name)) {
        err.println(
            "item "
                + index
                + "'s name '"
                + name
                + "' would land outside "
                + directory
                + ": written as "
                + fallback);
        name = fallback;
      } else if (!namesTaken.add(name)) {
        String renamed = fallback + "-" + name;
        err.println(
            "item "
                + index
                + " is named '"
                + name
                + "' as an earlier one is: written as "
                + renamed);
        name = renamed;
      }
      Path writing = directory.resolve("." + fallback + ".partial");
      partial.put(index, writing);
      destination.put(index, directory.resolve(name));
      progress = Progress.of(err, name, header.length());
      return Files.newOutputStream(writing);
    }

    /** A plain file name: no directory part, no parent, nothing a path would read otherwise. */
    private boolean staysInside(String name) {
      if (name.isBlank()
          || name.equals(".")
          || name.equals("..")
          || name.indexOf('\0') >= 0
          || name.contains("/")
          || name.contains("\\")) {
        return false;
      }
      return directory.equals(directory.resolve(name).normalize().getParent());
    }

    @Override
    public void completed(long index) throws IOException {
      Path file = destination.remove(index);
      Files.move(partial.remove(index), file, StandardCopyOption.REPLACE_EXISTING);
      finishProgress();
      JsonObject line = new JsonObject();
      line.addProperty("recovered", index);
      line.addProperty("file", file.toString());
      printed.println(line);
    }

    @Override
    public void abandoned(long index) {
      finishProgress();
      destination.remove(index);
      try {
        Files.deleteIfExists(partial.remove(index));
      } catch (IOException e) {
        err.println("cannot remove the part of item " + index + " written: " + e.getMessage());
      }
    }

    void progress(long read) {
      if (progress != null) {
        progress.accept(read);
      }
    }

    void finishProgress() {
      if (progress != null) {
        progress.finish();
        progress = null;
      }
    }
  }
}
