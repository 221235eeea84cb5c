package io.cairn.agent;

import java.time.Duration;

/**
 * How long an agent keeps the data of a replica that its node no longer lists as its work, before
 * {@link ReplicaCleanup} deletes it: left out of at least {@code lists} task lists in a row, over
 * at least {@code after}.
 */
public record CleanupMargin(int lists, Duration after) {
  /** Task lists in a row, by default: one poll's answer is never enough. */
  public static final int DEFAULT_LISTS = 3;

  public CleanupMargin {
    if (lists < 1) {
      throw new IllegalArgumentException("a margin of at least 1 task list, not " + lists);
    }
    if (after.isNegative()) {
      throw new IllegalArgumentException("--keep-unlisted must not be negative, not " + after);
    }
  }
}
