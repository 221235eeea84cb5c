package io.cairn.agent;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread doing an agent's work of one kind (sealing, answering) in the order it is given, each
 * piece at most once at a time: a task the node lists again on every poll while it is still being
 * done is not queued twice.
 */
final class TaskWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TaskWorker.class);

  private final String name;
  private final ExecutorService executor;
  private final Set<String> pending = ConcurrentHashMap.newKeySet();

  TaskWorker(String name) {
    this.name = name;
    this.executor =
        Executors.newSingleThreadExecutor(
            work -> {
              Thread thread = new Thread(work, name);
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Queues {@code work} under {@code key} unless work under that key is queued or running. */
  boolean offer(String key, Runnable work) {
    if (!pending.add(key)) {
      return false;
    }
    executor.execute(
        () -> {
          try {
            work.run();
          } catch (RuntimeException failed) {
            // the node lists the task again on the next poll, which tries it again
            log.warn("{}: {} failed, to be tried again: {}", name, key, failed.getMessage());
          } finally {
            pending.remove(key);
          }
        });
    return true;
  }

  boolean busyWith(String key) {
    return pending.contains(key);
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
