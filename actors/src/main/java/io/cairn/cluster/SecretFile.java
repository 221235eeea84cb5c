package io.cairn.cluster;

import com.typesafe.config.Config;
import io.cairn.journal.JournalSettings;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Supplier;

/**
 * A secret of the whole cluster kept in a file on each node: the master key and the service
 * identity's private key. Every node of a cluster must read the same secret, because entities move
 * between nodes.
 *
 * <p>Where it is: the path in the {@code setting}; when that is empty and the journal is the
 * embedded H2 database (one node on its own data), {@code <data-dir>/keys/<defaultName>}. On a
 * PostgreSQL journal (a cluster) the setting must name the file, and the file must exist: a node
 * that made a secret of its own would not read what the others wrote, so the operator creates it
 * once and mounts the same file on every node. On H2 a missing file is created with a fresh secret,
 * readable and writable by the owner only.
 */
public record SecretFile(String setting, Path path, boolean createIfMissing) {
  public static SecretFile fromConfig(
      Config config, String setting, String defaultName, JournalSettings.Kind journal) {
    String configured = config.getString(setting).trim();
    boolean embedded = journal == JournalSettings.Kind.H2;
    if (!configured.isEmpty()) {
      return new SecretFile(setting, Path.of(configured).toAbsolutePath().normalize(), embedded);
    }
    if (!embedded) {
      throw new IllegalStateException(
          setting
              + " is not set: on a "
              + journal.label()
              + " journal every node"
              + " of the cluster must use the same secret, so create the file once and mount it on every node");
    }
    Path dataDir = Path.of(config.getString("cairn.data-dir")).toAbsolutePath().normalize();
    return new SecretFile(setting, dataDir.resolve("keys").resolve(defaultName), true);
  }

  /**
   * The file's bytes; a missing file is first created holding {@code fresh}'s bytes, if allowed.
   *
   * @throws IllegalStateException when the file cannot be read or created, naming the setting
   */
  public byte[] readOrCreate(Supplier<byte[]> fresh) {
    try {
      if (Files.notExists(path)) {
        if (!createIfMissing) {
          throw new IllegalStateException(
              setting
                  + " names "
                  + path
                  + ", which does not exist; create it"
                  + " (for example with openssl rand -hex 32) and mount the same file on every node");
        }
        create(fresh.get());
      }
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot read " + setting + " " + path + ": " + e.getMessage(), e);
    }
  }

  private void create(byte[] secret) throws IOException {
    Files.createDirectories(path.getParent());
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    try {
      if (posix) {
        Files.createFile(
            path,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(path);
        path.toFile().setReadable(false, false);
        path.toFile().setReadable(true, true);
        path.toFile().setWritable(false, false);
        path.toFile().setWritable(true, true);
      }
    } catch (FileAlreadyExistsException another) {
      // another process of this node's data directory created it first: read theirs
      return;
    }
    Files.write(
        path,
        secret,
        StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.SYNC);
  }
}
