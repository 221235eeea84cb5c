package io.cairn.persist;

import io.cairn.stream.Stream;
import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A persistor's reading of its stream's licences, a child of the entity: on each {@link Check} it
 * reads the {@link Stream}'s state and tells the persistor until when a licence is active ({@link
 * io.cairn.stream.StreamPermissions#licencedUntil}). One read at a time, and a check that comes
 * during one starts another after it, so the last answer the persistor gets was read after the last
 * change it was told of. A read that fails is tried again after a pause.
 */
final class LicenceWatch {
  private static final Logger LOG = LoggerFactory.getLogger(LicenceWatch.class);
  private static final Duration RETRY_AFTER = Duration.ofSeconds(2);

  sealed interface Command {}

  enum Check implements Command {
    INSTANCE
  }

  private record Read(Stream.State stream) implements Command {}

  private record Unread(Throwable failure) implements Command {}

  static Behavior<Command> create(
      String streamId,
      ActorRef<Persistor.Command> persistor,
      Clock clock,
      PersistorSettings settings) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers ->
                    new LicenceWatch(context, timers, streamId, persistor, clock, settings)
                        .idle()));
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final String streamId;
  private final ActorRef<Persistor.Command> persistor;
  private final Clock clock;
  private final PersistorSettings settings;

  private LicenceWatch(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      String streamId,
      ActorRef<Persistor.Command> persistor,
      Clock clock,
      PersistorSettings settings) {
    this.context = context;
    this.timers = timers;
    this.streamId = streamId;
    this.persistor = persistor;
    this.clock = clock;
    this.settings = settings;
  }

  private Behavior<Command> idle() {
    return Behaviors.receive(Command.class).onMessageEquals(Check.INSTANCE, () -> read()).build();
  }

  /** A read under way; {@code again}: a check came since it started. */
  private Behavior<Command> reading(boolean again) {
    return Behaviors.receive(Command.class)
        .onMessageEquals(Check.INSTANCE, () -> reading(true))
        .onMessage(
            Read.class,
            read -> {
              var now = clock.instant();
              persistor.tell(
                  new Persistor.LicencesRead(read.stream().access().licencedUntil(now), now));
              return again ? read() : idle();
            })
        .onMessage(
            Unread.class,
            unread -> {
              LOG.warn(
                  "Persistor of {} cannot read its stream's licences, trying again: {}",
                  streamId,
                  unread.failure().getMessage());
              timers.startSingleTimer(Check.INSTANCE, RETRY_AFTER);
              return idle();
            })
        .build();
  }

  private Behavior<Command> read() {
    context.pipeToSelf(
        ClusterSharding.get(context.getSystem())
            .entityRefFor(Stream.ENTITY_KEY, streamId)
            .<Stream.State>askWithStatus(Stream.Get::new, settings.askTimeout()),
        (stream, failure) -> failure != null ? new Unread(failure) : new Read(stream));
    return reading(false);
  }
}
