package io.cairn.persist;

import io.cairn.persist.Persistor.Command;
import io.cairn.persist.Persistor.Event;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * Whether a persistor follows its stream now, and its {@link PartitionFollowers} while it does. A
 * persistor set to follow only while licensed follows until its state's {@code followUntil}, the
 * end of the latest licence its {@link LicenceWatch} read: a timer stops the followers then, and a
 * later licence starts them again from the last event recorded, so they catch up on everything
 * published meanwhile. The decision is taken from the state and the clock each time, so a restart
 * or a move decides the same without any timer of before.
 *
 * <p>The followers' reference is the one thing kept here besides the state: it is not the
 * persistor's state but the handle of a child, gone with the entity's incarnation.
 */
final class LicensedFollowing {
  /** The longest a timer is set for: a far end is checked again, not trusted to one timer. */
  private static final Duration LONGEST_WAIT = Duration.ofHours(1);

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Clock clock;
  private final Supplier<Behavior<PartitionFollowers.Command>> followers;
  private final Supplier<Behavior<LicenceWatch.Command>> watch;
  private Optional<ActorRef<PartitionFollowers.Command>> following = Optional.empty();
  private Optional<ActorRef<LicenceWatch.Command>> watching = Optional.empty();

  LicensedFollowing(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Clock clock,
      Supplier<Behavior<PartitionFollowers.Command>> followers,
      Supplier<Behavior<LicenceWatch.Command>> watch) {
    this.context = context;
    this.timers = timers;
    this.clock = clock;
    this.followers = followers;
    this.watch = watch;
  }

  /**
   * As appointed or recovered: follows if it should, and reads the licences when they matter.
   * Children of an earlier incarnation were stopped with it, so none is kept. They have no names,
   * which one stopped by a restart after a journal failure might still hold.
   */
  void begin(PersistorState state) {
    following = Optional.empty();
    watching = Optional.of(context.spawnAnonymous(watch.get()));
    update(state);
    if (state.whileLicensed()) {
      checkLicences();
    }
  }

  /** Reads the stream's licences again: they changed, or the setting was just turned on. */
  void checkLicences() {
    watching.ifPresent(watcher -> watcher.tell(LicenceWatch.Check.INSTANCE));
  }

  boolean following() {
    return following.isPresent();
  }

  /** After new settings: the licences are read when they have just started to matter. */
  void reconfigured(boolean wasWhileLicensed, PersistorState state) {
    update(state);
    if (state.whileLicensed() && !wasWhileLicensed) {
      checkLicences();
    }
  }

  /** The timer: following may have to stop now. */
  ReplyEffect<Event, PersistorState> due(
      EffectFactories<Event, PersistorState> effect, PersistorState state) {
    update(state);
    return effect.noReply();
  }

  /** Starts or stops the followers as the state says at this moment, and times the next change. */
  void update(PersistorState state) {
    Instant now = clock.instant();
    boolean follow =
        state.appointed()
            && (!state.whileLicensed()
                || state.followUntil().map(now::isBefore).orElse(following.isPresent()));
    if (follow && following.isEmpty()) {
      following = Optional.of(context.spawnAnonymous(followers.get()));
    } else if (!follow && following.isPresent()) {
      context.stop(following.get());
      following = Optional.empty();
    }
    if (follow && state.whileLicensed() && state.followUntil().isPresent()) {
      Duration wait = Duration.between(now, state.followUntil().get());
      timers.startSingleTimer(
          Persistor.FollowingDue.INSTANCE, wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait);
    } else {
      timers.cancel(Persistor.FollowingDue.INSTANCE);
    }
  }

  /**
   * Writes down until when to follow, as the licences were read: the end of the latest active one;
   * with none, when they were found lacking, unless following had ended already.
   */
  ReplyEffect<Event, PersistorState> licencesRead(
      EffectFactories<Event, PersistorState> effect,
      PersistorState state,
      Persistor.LicencesRead read) {
    if (!state.whileLicensed()) {
      return effect.noReply();
    }
    Instant until =
        read.licencedUntil()
            .orElseGet(
                () ->
                    state
                        .followUntil()
                        .filter(end -> !end.isAfter(read.readAt()))
                        .orElse(read.readAt()));
    if (state.followUntil().equals(Optional.of(until))) {
      return effect.noReply();
    }
    return effect.persist(new Persistor.FollowUntilSet(until)).thenRun(this::update).thenNoReply();
  }

  /** Why the persistor does not follow its stream now; empty while it does. */
  Optional<String> pausedBecause(PersistorState state) {
    if (following()) {
      return Optional.empty();
    }
    return Optional.of(
        state
            .followUntil()
            .map(end -> "no active licence on the stream since " + end)
            .orElse("the stream's licences are being read"));
  }
}
