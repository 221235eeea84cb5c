package io.cairn.cli.core;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.cairn.protocol.hypercore.CoreKeyPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The key pairs of the cores this user writes, one JSON file per core ({@code <key hex>.json},
 * readable by the owner only) holding the 32-byte seed the key pair derives from.
 */
final class CoreKeyFile {
  private final Path directory;

  CoreKeyFile(Path directory) {
    this.directory = directory;
  }

  Path save(byte[] coreKey, CoreKeyPair keyPair) throws IOException {
    Files.createDirectories(directory);
    Path file = file(coreKey);
    JsonObject json = new JsonObject();
    json.addProperty("key", HexFormat.of().formatHex(coreKey));
    json.addProperty("publicKey", HexFormat.of().formatHex(keyPair.publicKey()));
    json.addProperty("seed", HexFormat.of().formatHex(keyPair.seed()));
    Files.writeString(file, json + "\n", StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // the file system has no POSIX permissions; the directory's own protection applies
    }
    return file;
  }

  /** The key pair of {@code coreKey}; a missing or damaged file is a clear error. */
  CoreKeyPair load(byte[] coreKey) {
    Path file = file(coreKey);
    if (!Files.isRegularFile(file)) {
      throw new CoreCommandException(
          "no key file for core "
              + HexFormat.of().formatHex(coreKey)
              + " in "
              + directory
              + ": only the core's creator can append to it");
    }
    try {
      JsonObject json =
          JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
      CoreKeyPair keyPair =
          CoreKeyPair.fromSeed(HexFormat.of().parseHex(json.get("seed").getAsString()));
      if (!Arrays.equals(
          keyPair.publicKey(), HexFormat.of().parseHex(json.get("publicKey").getAsString()))) {
        throw new CoreCommandException(file + " is damaged: its seed does not give its public key");
      }
      return keyPair;
    } catch (IOException
        | JsonParseException
        | IllegalStateException
        | IllegalArgumentException
        | NullPointerException e) {
      throw new CoreCommandException("cannot read key file " + file + ": " + e.getMessage());
    }
  }

  private Path file(byte[] coreKey) {
    return directory.resolve(HexFormat.of().formatHex(coreKey) + ".json");
  }
}
