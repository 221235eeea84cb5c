package io.cairn.pinning;

import io.cairn.pinning.ServiceCheck.Checking;
import io.cairn.pinning.ServiceCheck.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The one timer a {@link ServiceCheck} needs after each durable change: the open check's deadline,
 * or the next check; none once it stopped. The entity persists; this class only sets timers.
 */
final class ServiceCheckTimers {
  private final TimerScheduler<ServiceCheck.Command> timers;
  private final Clock clock;

  ServiceCheckTimers(TimerScheduler<ServiceCheck.Command> timers, Clock clock) {
    this.timers = timers;
    this.clock = clock;
  }

  /** The checks of a replica still watched (not stopped). */
  static Optional<Checking> watching(State state) {
    return state.checking().filter(checking -> checking.stopped().isEmpty());
  }

  /** Watched, not stopped, no check open, and the next one's time come. */
  Optional<Checking> dueNow(State state) {
    return watching(state)
        .filter(checking -> checking.open().isEmpty())
        .filter(checking -> !checking.nextCheckAt().isAfter(clock.instant()));
  }

  void follow(State state) {
    Optional<Checking> checking = watching(state);
    if (checking.isEmpty()) {
      timers.cancelAll();
      return;
    }
    if (checking.get().open().isPresent()) {
      timers.cancel(ServiceCheck.CheckDue.class);
      timers.startSingleTimer(
          ServiceCheck.DeadlineDue.class,
          new ServiceCheck.DeadlineDue(),
          justAfter(checking.get().open().get().deadline()));
    } else {
      timers.cancel(ServiceCheck.DeadlineDue.class);
      timers.startSingleTimer(
          ServiceCheck.CheckDue.class,
          new ServiceCheck.CheckDue(),
          justAfter(checking.get().nextCheckAt()));
    }
  }

  /** A draw that could not read the providers is tried again after {@code delay}. */
  void retryDrawAfter(Duration delay) {
    timers.startSingleTimer(ServiceCheck.CheckDue.class, new ServiceCheck.CheckDue(), delay);
  }

  /** A deadline is past once the clock is after it: the timer fires a millisecond later. */
  private Duration justAfter(Instant at) {
    Duration left = Duration.between(clock.instant(), at).plusMillis(1);
    return left.isNegative() ? Duration.ZERO : left;
  }
}
