package io.cairn.pinning;

import io.cairn.pinning.PinningJob.EndDue;
import io.cairn.pinning.PinningJob.Job;
import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/** The timer that tells a running {@link PinningJob} its end has come. */
final class JobEndTimer {
  /**
   * Pekko's scheduler refuses delays of more than about 248 days, and a job may last ten years: the
   * expiry timer is set at most this far ahead and set again when it fires early.
   */
  private static final Duration LONGEST_TIMER = Duration.ofDays(1);

  private JobEndTimer() {}

  /**
   * Tells the job {@link EndDue} when its end comes, or now if it has passed (as on recovery after
   * the end): a timer is kept only while the entity lives, the event must be persisted.
   */
  static void watch(
      Job job,
      Clock clock,
      ActorContext<PinningJob.Command> context,
      TimerScheduler<PinningJob.Command> timers) {
    Duration left = Duration.between(clock.instant(), job.endsAt());
    if (left.isNegative() || left.isZero()) {
      context.getSelf().tell(new EndDue());
    } else {
      timers.startSingleTimer(
          EndDue.class, new EndDue(), left.compareTo(LONGEST_TIMER) < 0 ? left : LONGEST_TIMER);
    }
  }
}
