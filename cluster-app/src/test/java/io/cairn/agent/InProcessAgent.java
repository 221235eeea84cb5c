package io.cairn.agent;

import io.cairn.node.TestNode;
import io.cairn.protocol.event.PrivateKeySigner;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * An agent run in the test's JVM on its own thread, against a real node: a hoster serves its blocks
 * on a free loopback port, and every agent polls its tasks every 100 ms.
 */
record InProcessAgent(AgentRuntime runtime, CountDownLatch stop, Thread thread)
    implements AutoCloseable {

  static InProcessAgent start(
      TestNode node,
      AgentRole role,
      PrivateKeySigner key,
      Path data,
      String operator,
      CheatMode cheat) {
    AgentRuntime runtime =
        AgentRuntime.start(
            new AgentSettings(
                node.api(),
                key,
                data,
                role,
                role == AgentRole.HOSTER ? 1L << 30 : 0,
                operator,
                "region-" + operator,
                role == AgentRole.HOSTER
                    ? Optional.of(new InetSocketAddress("127.0.0.1", 0))
                    : Optional.empty(),
                Duration.ofMillis(100),
                new CleanupMargin(CleanupMargin.DEFAULT_LISTS, Duration.ofMinutes(1)),
                cheat));
    CountDownLatch stop = new CountDownLatch(1);
    Thread thread =
        new Thread(
            () -> {
              try {
                runtime.run(stop);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    thread.start();
    return new InProcessAgent(runtime, stop, thread);
  }

  /** Stops the agent's loop, waits for it, and closes what it holds. */
  @Override
  public void close() throws InterruptedException {
    stop.countDown();
    thread.join(5_000);
    runtime.close();
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
}
