package io.cairn.persist;

import io.cairn.persist.Persistor.Command;
import io.cairn.persist.Persistor.Event;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * A persistor's intervals: each one, a signed checkpoint when the count changed since the last, and
 * in rebroadcast mode the next pages of its pairs. Signing is {@link PersistorChain}'s and reading
 * the pairs back {@link Rebroadcaster}'s; this decides what is due from the state, on the entity's
 * thread, before anything starts, and has each signed event written down before it is published.
 * One interval's work at a time: the next is timed once the last one's has ended.
 */
final class PersistorIntervals {
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final String streamId;
  private final PersistorSettings settings;
  private final PersistorChain chain;
  private final Rebroadcaster rebroadcaster;

  PersistorIntervals(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      String streamId,
      PersistorSettings settings,
      PersistorChain chain,
      Rebroadcaster rebroadcaster) {
    this.context = context;
    this.timers = timers;
    this.streamId = streamId;
    this.settings = settings;
    this.chain = chain;
    this.rebroadcaster = rebroadcaster;
  }

  /** Times the next interval, replacing one timed before (when the interval changed). */
  void next(PersistorState state) {
    timers.startSingleTimer(Persistor.Tick.INSTANCE, state.interval().orElse(settings.interval()));
  }

  /**
   * The interval's work: a read of the next pages (in rebroadcast mode, while {@code following}:
   * nobody licensed to read them is there otherwise), whose range and journal position are taken
   * from the state here, and the checkpoint.
   */
  ReplyEffect<Event, PersistorState> due(
      EffectFactories<Event, PersistorState> effect, PersistorState state, boolean following) {
    long count = state.pairs().count();
    boolean rebroadcast = following && state.mode() == Persistor.Mode.REBROADCAST && count > 0;
    if (rebroadcast) {
      long from = state.nextRebroadcast() >= count ? 0 : state.nextRebroadcast();
      long to =
          Math.min(
              count, from + (long) settings.rebroadcastPageSize() * settings.rebroadcastMaxPages());
      context.pipeToSelf(
          rebroadcaster.read(state.pairs().sequenceNrOf(from), from, to),
          (ready, failure) -> failure == null ? ready : new Persistor.RebroadcastFailed(failure));
    }
    long checkpointed = state.checkpoint().map(signed -> signed.checkpoint().count()).orElse(0L);
    if (count == checkpointed) {
      if (!rebroadcast) {
        next(state);
      }
      return effect.noReply();
    }
    SignedCheckpoint signed = chain.checkpoint(state.chainHead(), state.pairs().checkpoint());
    return effect
        .persist(new Persistor.CheckpointSigned(signed))
        .thenRun(
            after -> {
              chain.publish(signed.event());
              if (!rebroadcast) {
                next(after);
              }
            })
        .thenNoReply();
  }

  /** Signs the read pages after the chain's head, writes them down, publishes them. */
  ReplyEffect<Event, PersistorState> rebroadcast(
      EffectFactories<Event, PersistorState> effect,
      PersistorState state,
      Persistor.RebroadcastReady ready) {
    if (ready.contents().isEmpty()) {
      next(state);
      return effect.noReply();
    }
    PersistorChain.Pages pages = chain.pages(state.chainHead(), ready.contents(), ready.key());
    return effect
        .persist(new Persistor.RebroadcastAdvanced(pages.head(), ready.nextIndex()))
        .thenRun(
            after -> {
              pages.events().forEach(chain::publish);
              next(after);
            })
        .thenNoReply();
  }

  ReplyEffect<Event, PersistorState> rebroadcastFailed(
      EffectFactories<Event, PersistorState> effect,
      PersistorState state,
      Persistor.RebroadcastFailed failed) {
    context
        .getLog()
        .warn(
            "Persistor of {} could not read pairs to rebroadcast: {}",
            streamId,
            failed.failure().getMessage());
    next(state);
    return effect.noReply();
  }
}
