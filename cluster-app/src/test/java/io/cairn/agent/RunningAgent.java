package io.cairn.agent;

import io.cairn.protocol.event.PrivateKeySigner;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * An agent runtime running in this JVM, talking to a node only through its public API, as {@code
 * cairn agent hoster|encoder|attester} runs one: its own key, its own data directory, its own block
 * server.
 */
final class RunningAgent implements AutoCloseable {
  final PrivateKeySigner key;
  final Path data;
  final AgentRuntime runtime;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;

  private RunningAgent(PrivateKeySigner key, Path data, AgentSettings settings) {
    this.key = key;
    this.data = data;
    this.runtime = AgentRuntime.start(settings);
    this.thread =
        new Thread(
            () -> {
              try {
                runtime.run(stop);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "agent-" + key.address().value().substring(2, 10));
    thread.start();
  }

  /** Long enough that no test's replica is deleted unless the test asks for it. */
  static final CleanupMargin KEEP_UNLISTED =
      new CleanupMargin(CleanupMargin.DEFAULT_LISTS, Duration.ofMinutes(1));

  /**
   * A hoster of operator {@code operator} (its region named after it) cheating as {@code cheat}.
   */
  static RunningAgent hoster(
      URI node, PrivateKeySigner key, Path data, String operator, CheatMode cheat, Duration poll) {
    return hoster(node, key, data, operator, 1L << 30, KEEP_UNLISTED, cheat, poll);
  }

  /** An honest or cheating hoster offering {@code capacityBytes}, keeping unlisted data so long. */
  static RunningAgent hoster(
      URI node,
      PrivateKeySigner key,
      Path data,
      String operator,
      long capacityBytes,
      CleanupMargin keepUnlisted,
      CheatMode cheat,
      Duration poll) {
    return new RunningAgent(
        key,
        data,
        new AgentSettings(
            node,
            key,
            data,
            AgentRole.HOSTER,
            capacityBytes,
            operator,
            "region-" + operator,
            Optional.of(new InetSocketAddress("127.0.0.1", 0)),
            poll,
            keepUnlisted,
            cheat));
  }

  /** An (honest) encoder of operator {@code operator}. */
  static RunningAgent encoder(
      URI node, PrivateKeySigner key, Path data, String operator, Duration poll) {
    return encoder(node, key, data, operator, KEEP_UNLISTED, poll);
  }

  /** An (honest) encoder keeping the commitments of replicas no longer its work so long. */
  static RunningAgent encoder(
      URI node,
      PrivateKeySigner key,
      Path data,
      String operator,
      CleanupMargin keepUnlisted,
      Duration poll) {
    return new RunningAgent(
        key,
        data,
        new AgentSettings(
            node,
            key,
            data,
            AgentRole.ENCODER,
            0,
            operator,
            "region-" + operator,
            Optional.empty(),
            poll,
            keepUnlisted,
            new CheatMode.Honest()));
  }

  /** An attester of operator {@code operator}, honest or lazy as {@code cheat} says. */
  static RunningAgent attester(
      URI node, PrivateKeySigner key, Path data, String operator, CheatMode cheat, Duration poll) {
    return new RunningAgent(
        key,
        data,
        new AgentSettings(
            node,
            key,
            data,
            AgentRole.ATTESTER,
            0,
            operator,
            "region-" + operator,
            Optional.empty(),
            poll,
            KEEP_UNLISTED,
            cheat));
  }

  /** {@code value} once {@code done}, read every 200 ms for at most {@code within}. */
  static <T> T await(String what, Duration within, Supplier<T> value, Predicate<T> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    T last = value.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + ": " + last);
      }
      Thread.sleep(200);
      last = value.get();
    }
    return last;
  }

  String address() {
    return key.address().value();
  }

  @Override
  public void close() throws InterruptedException {
    stop.countDown();
    thread.join(5_000);
    runtime.close();
  }
}
