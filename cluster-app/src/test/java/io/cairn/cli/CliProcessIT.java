package io.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.protocol.event.PrivateKeySigner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar's CLI as a shell runs it: standard error carries no logging, only problems. */
class CliProcessIT {
  @TempDir Path work;

  private record Ran(int exitCode, String out, String err) {}

  private Ran cairn(String stdin, String... args) throws Exception {
    Path jar = Path.of(System.getProperty("cairn.jar", "target/cairn.jar"));
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString()));
    command.addAll(List.of(args));
    Path out = work.resolve("out.txt");
    Path err = work.resolve("err.txt");
    Path in = Files.writeString(work.resolve("in.txt"), stdin);
    Process process =
        new ProcessBuilder(command)
            .redirectInput(in.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "cairn " + String.join(" ", args));
    return new Ran(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void signingAndVerifyingAnEventPrintsNothingButTheAnswer() throws Exception {
    PrivateKeySigner publisher = PrivateKeySigner.generate();
    String unsigned =
        "{\"streamId\": \""
            + publisher.address()
            + "/cli\", \"partition\": 0, \"timestamp\": "
            + System.currentTimeMillis()
            + ", \"sequenceNumber\": 0, \"msgChainId\": \"c\", \"content\": {\"n\": 1}}\n";
    Ran signed = cairn(unsigned, "event", "sign", "--key", publisher.toHex());
    assertEquals(0, signed.exitCode(), signed.err());
    assertEquals("", signed.err(), "stderr of event sign");
    // verifying recovers the signer's address: the choice of recovery backend is not news
    Ran verified = cairn(signed.out(), "event", "verify");
    assertEquals(0, verified.exitCode(), verified.err() + verified.out());
    assertEquals("", verified.err(), "stderr of event verify");
  }
}
