package io.cairn.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.protocol.event.PrivateKeySigner;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file four times the CLI's heap is persisted and recovered, by the shaded jar's CLI against a
 * node process: both read, seal, open and write it a chunk at a time, and it comes back under its
 * own name, byte for byte.
 */
class BigFileProcessIT {
  private static final long FILE_BYTES = 256L * 1024 * 1024;
  private static final String HEAP = "-Xmx64m";

  @TempDir Path work;

  private record Ran(int exitCode, String out, String err) {}

  @Test
  void aFileFourTimesTheHeapIsPersistedAndRecoveredWhole() throws Exception {
    Path file = work.resolve("measurements.bin");
    byte[] written = writeRandom(file);
    PrivateKeySigner owner = PrivateKeySigner.generate();
    String stream = owner.address() + "/big";
    try (NodeProcess node = NodeProcess.start(work.resolve("node"))) {
      node.awaitReady(Duration.ofSeconds(60));
      String url = node.api().toString();
      assertEquals(
          0, cairn("stream", "create", stream, "--key", owner.toHex(), "--node", url).exitCode());
      Ran setUp = cairn("stream", "persistor", stream, "--key", owner.toHex(), "--node", url);
      assertEquals(0, setUp.exitCode(), setUp.err());

      Ran persisted =
          cairn("persist", stream, file.toString(), "--key", owner.toHex(), "--node", url);
      assertEquals(0, persisted.exitCode(), persisted.err());

      Path out = work.resolve("recovered");
      Ran recovered =
          await()
              .atMost(Duration.ofSeconds(120))
              .pollInterval(Duration.ofSeconds(1))
              .until(
                  () ->
                      cairn(
                          "recover",
                          stream,
                          "--out",
                          out.toString(),
                          "--key",
                          owner.toHex(),
                          "--node",
                          url),
                  ran -> ran.exitCode() == 0 && ran.out().contains("\"recovered\":1,"));
      assertTrue(recovered.out().contains("measurements.bin"), recovered.out());
      assertEquals(FILE_BYTES, Files.size(out.resolve("measurements.bin")));
      assertArrayEquals(written, sha256(out.resolve("measurements.bin")), "byte for byte");
    }
  }

  private Ran cairn(String... args) throws Exception {
    Path jar = Path.of(System.getProperty("cairn.jar", "target/cairn.jar"));
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP,
                "-jar",
                jar.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(work, "out", ".txt");
    Path err = Files.createTempFile(work, "err", ".txt");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertTrue(process.waitFor(180, TimeUnit.SECONDS), "cairn " + String.join(" ", args));
    return new Ran(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** Writes {@link #FILE_BYTES} random bytes to {@code file}; answers their SHA-256. */
  private static byte[] writeRandom(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    Random random = new Random(17);
    byte[] buffer = new byte[1024 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long written = 0; written < FILE_BYTES; written += buffer.length) {
        random.nextBytes(buffer);
        digest.update(buffer);
        out.write(buffer);
      }
    }
    return digest.digest();
  }

  private static byte[] sha256(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[1024 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        digest.update(buffer, 0, read);
      }
    }
    return digest.digest();
  }
}
