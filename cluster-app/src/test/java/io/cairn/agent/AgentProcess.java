package io.cairn.agent;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cairn.protocol.event.PrivateKeySigner;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code cairn agent hoster|encoder} from the shaded jar in its own JVM, with its own key file and
 * data directory. Its output goes to a log under {@code cairn.node-logs} (target/node-logs), kept
 * after the test.
 */
final class AgentProcess implements AutoCloseable {
  final String name;
  final AgentRole role;
  final PrivateKeySigner key;
  final Path data;
  private final Process process;
  private final Path log;
  private volatile JsonObject started;

  private AgentProcess(
      String name, AgentRole role, PrivateKeySigner key, Path data, Process process, Path log) {
    this.name = name;
    this.role = role;
    this.key = key;
    this.data = data;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts an agent of {@code role} talking to {@code node}; {@code options} follow the role (for a
   * hoster: {@code --capacity}, {@code --serve}, …).
   */
  static AgentProcess start(
      String name,
      AgentRole role,
      URI node,
      PrivateKeySigner key,
      Path keyDir,
      Path data,
      String operator,
      String region,
      String... options)
      throws IOException {
    Path jar = Path.of(System.getProperty("cairn.jar", "target/cairn.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run the tests with 'mvn verify'");
    }
    Path keyFile = Files.writeString(keyDir.resolve(name + ".key"), key.toHex());
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "agent",
                role == AgentRole.HOSTER ? "hoster" : "encoder",
                "--node",
                node.toString(),
                "--key",
                keyFile.toString(),
                "--data",
                data.toString(),
                "--operator",
                operator,
                "--region",
                region));
    command.addAll(List.of(options));
    Path logs =
        Files.createDirectories(Path.of(System.getProperty("cairn.node-logs", "target/node-logs")));
    Path log = Files.createTempFile(logs, name + "-", ".log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new AgentProcess(name, role, key, data, process, log);
  }

  /** The provider's address, as the cluster names it. */
  String address() {
    return key.address().value();
  }

  /**
   * Waits for the one JSON line the agent prints once it is registered and running; fails with its
   * log if it exits or does not get there in time.
   */
  void awaitRunning(Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (started == null) {
      Optional<String> line =
          Files.readAllLines(log).stream().filter(l -> l.startsWith("{\"address\"")).findFirst();
      if (line.isPresent()) {
        started = JsonParser.parseString(line.get()).getAsJsonObject();
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + log());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + " not running within " + within + ":\n" + log());
      }
      Thread.sleep(100);
    }
  }

  /** Where a hoster started with {@code --serve} serves its blocks. */
  URI serving() {
    if (started == null || !started.has("serving")) {
      throw new IllegalStateException(name + " does not serve blocks (yet)");
    }
    return URI.create(started.get("serving").getAsString());
  }

  boolean alive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL: no shutdown hook, nothing flushed. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  Path logFile() {
    return log;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
