package io.cairn.node;

import io.cairn.cluster.ClusterNodes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Cairn node started from the shaded jar in its own JVM, on free ports of 127.0.0.1. Its output
 * goes to a log under {@code cairn.node-logs} (target/node-logs), kept after the test.
 */
public final class NodeProcess implements AutoCloseable {
  public final int clusterPort;
  public final int managementPort;
  public final int apiPort;
  private final Process process;
  private final Path log;

  private NodeProcess(Process process, Path log, int clusterPort, int managementPort, int apiPort) {
    this.process = process;
    this.log = log;
    this.clusterPort = clusterPort;
    this.managementPort = managementPort;
    this.apiPort = apiPort;
  }

  public static NodeProcess start(Path dataDir, String... extraArgs) throws IOException {
    return start(dataDir, Map.of(), extraArgs);
  }

  public static NodeProcess start(
      Path dataDir, Map<String, String> environment, String... extraArgs) throws IOException {
    return start("node", dataDir, environment, extraArgs);
  }

  /** As {@link #start(Path, Map, String...)}, its log named after {@code name}. */
  public static NodeProcess start(
      String name, Path dataDir, Map<String, String> environment, String... extraArgs)
      throws IOException {
    Path jar = Path.of(System.getProperty("cairn.jar", "target/cairn.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run the tests with 'mvn verify'");
    }
    int[] ports = ClusterNodes.distinctFreePorts(3);
    int clusterPort = ports[0];
    int managementPort = ports[1];
    int apiPort = ports[2];
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "node",
                "--data",
                dataDir.toString(),
                "--cluster-port",
                Integer.toString(clusterPort),
                "--management-port",
                Integer.toString(managementPort),
                "--api-port",
                Integer.toString(apiPort)));
    command.addAll(List.of(extraArgs));
    Files.createDirectories(dataDir);
    // kept after the test, so a failure in CI can be read
    Path logs =
        Files.createDirectories(Path.of(System.getProperty("cairn.node-logs", "target/node-logs")));
    Path log = Files.createTempFile(logs, name + "-", ".log");
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new NodeProcess(process, log, clusterPort, managementPort, apiPort);
  }

  public URI management(String path) {
    return URI.create("http://127.0.0.1:" + managementPort + path);
  }

  public URI api() {
    return URI.create("http://127.0.0.1:" + apiPort);
  }

  public String clusterAddress() {
    return "pekko://cairn@127.0.0.1:" + clusterPort;
  }

  /** Polls /ready until it answers 200; fails with the node's log if it never does. */
  public void awaitReady(Duration within) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("node exited with " + process.exitValue() + ":\n" + log());
      }
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(management("/ready")).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notListeningYet) {
        // the management port opens a moment after the JVM starts
      }
      Thread.sleep(250);
    }
    throw new AssertionError("node not ready within " + within + ":\n" + log());
  }

  public String get(URI uri) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** SIGTERM, then the exit code. */
  public int terminate() throws Exception {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError("node did not stop within 60 s of SIGTERM:\n" + log());
    }
    return process.exitValue();
  }

  /** The exit code of a node that stops by itself, as one refusing to start does. */
  public int awaitExit(Duration within) throws Exception {
    if (!process.waitFor(within.toSeconds(), TimeUnit.SECONDS)) {
      throw new AssertionError("node still running after " + within + ":\n" + log());
    }
    return process.exitValue();
  }

  /** SIGKILL: no shutdown hook, no flush. */
  public void kill() throws Exception {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  public String log() throws IOException {
    return Files.readString(log);
  }

  /** Where the node's output goes. */
  public Path logFile() {
    return log;
  }

  /** The process id, to name the process in a test's output. */
  public long pid() {
    return process.pid();
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      kill();
    }
  }
}
