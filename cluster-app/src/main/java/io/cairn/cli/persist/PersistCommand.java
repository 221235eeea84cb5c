package io.cairn.cli.persist;

import com.google.gson.JsonObject;
import io.cairn.cli.stream.ClientOptions;
import io.cairn.cli.terminal.Progress;
import io.cairn.client.CairnClient;
import io.cairn.client.EventPublisher;
import io.cairn.client.GroupKeyExchange;
import io.cairn.client.Persister;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.hypercore.Blake2b;
import io.cairn.protocol.hypercore.CoreKeyPair;
import io.cairn.protocol.persist.DataAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "persist",
    mixinStandardHelpOptions = true,
    description = {
      "Persists each FILE on stream ID: encrypts it (and its name) with a key of its own, a chunk at a time, appends"
          + " the ciphertext to your core for this stream and announces {address, key} on the stream, encrypted with the"
          + " stream's group key from its custodian. Files of any size take bounded memory; progress shows on a terminal."
          + " Prints one line per file, then the count.",
      "Your core for a stream derives from --key and the stream id, so every persist on a stream extends the"
          + " same core."
    })
public final class PersistCommand implements Callable<Integer> {
  /**
   * Items announced together; a crash loses at most one batch's announcements, never acknowledged
   * ones.
   */
  private static final int FILES_PER_BATCH = 100;

  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Parameters(index = "0", paramLabel = "ID", description = "The stream.")
  String streamId;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "FILE",
      description = "Files to persist, one item each.")
  List<Path> files;

  @Override
  public Integer call() {
    // a file that cannot be read is refused before anything is stored, not after the batches before
    // it
    for (Path file : files) {
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        throw new UncheckedIOException(
            "cannot read " + file + ": not a readable file; nothing was persisted",
            new NoSuchFileException(file.toString()));
      }
    }
    PrivateKeySigner signer = options.signer();
    CairnClient client = options.authenticated();
    GroupKeyExchange keys = new GroupKeyExchange(client, signer);
    Persister persister =
        Persister.open(
            client,
            coreKeyPair(signer, streamId),
            new EventPublisher(client, signer),
            streamId,
            () -> keys.current(streamId));
    List<Persister.Item> items = new ArrayList<>(files.size());
    for (Path file : files) {
      items.add(item(file));
    }
    Progress progress =
        Progress.of(
            spec.commandLine().getErr(),
            "persisting",
            items.stream().mapToLong(Persister.Item::length).sum());
    long persisted = 0;
    long before = 0;
    for (int from = 0; from < files.size(); from += FILES_PER_BATCH) {
      List<Path> batch = files.subList(from, Math.min(files.size(), from + FILES_PER_BATCH));
      List<Persister.Item> batchItems =
          items.subList(from, Math.min(items.size(), from + FILES_PER_BATCH));
      long done = before;
      List<DataAddress> addresses =
          persister.persistItems(batchItems, read -> progress.accept(done + read));
      before += batchItems.stream().mapToLong(Persister.Item::length).sum();
      for (int i = 0; i < batch.size(); i++) {
        JsonObject line = new JsonObject();
        line.addProperty("file", batch.get(i).toString());
        line.addProperty("address", addresses.get(i).text());
        spec.commandLine().getOut().println(line);
      }
      persisted += batch.size();
    }
    progress.finish();
    JsonObject total = new JsonObject();
    total.addProperty("persisted", persisted);
    spec.commandLine().getOut().println(total);
    return 0;
  }

  /**
   * A keyed BLAKE2b of the stream id under the Ethereum key: one core per publisher and stream, no
   * key file.
   */
  static CoreKeyPair coreKeyPair(PrivateKeySigner signer, String streamId) {
    return CoreKeyPair.fromSeed(
        Blake2b.keyedHash(
            HexFormat.of().parseHex(signer.toHex().replaceFirst("^0x", "")),
            ("cairn persisted items core\n" + streamId).getBytes(StandardCharsets.UTF_8)));
  }

  /** A file to persist, read as it is sealed; its name goes with it, encrypted. */
  private static Persister.Item item(Path file) {
    try {
      return Persister.Item.of(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
