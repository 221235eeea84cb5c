package io.cairn.agent;

import io.cairn.client.CairnApiException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls an agent's tasks every {@code poll} until {@code stop} is counted down. A node that cannot
 * be reached, or that refuses a poll, is logged once when it happens and once when it is over, and
 * the agent keeps polling.
 */
public final class AgentLoop {
  private static final Logger log = LoggerFactory.getLogger(AgentLoop.class);

  private AgentLoop() {}

  public static void run(PolledAgent agent, Duration poll, CountDownLatch stop)
      throws InterruptedException {
    String trouble = null;
    do {
      try {
        agent.pollOnce();
        if (trouble != null) {
          log.info("the node answers again");
          trouble = null;
        }
      } catch (UncheckedIOException | CairnApiException | IllegalStateException failed) {
        // IllegalStateException: the node (or a proxy before it) answered something malformed
        String now = String.valueOf(failed.getMessage());
        if (!now.equals(trouble)) {
          log.warn("{}; polling again every {} ms", now, poll.toMillis());
          trouble = now;
        }
      }
    } while (!stop.await(poll.toMillis(), TimeUnit.MILLISECONDS));
  }
}
