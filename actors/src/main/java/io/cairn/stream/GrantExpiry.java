package io.cairn.stream;

import io.cairn.cluster.NodeRole;
import io.cairn.cluster.RememberedEntities;
import io.cairn.projection.Projections;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.stream.Permission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;

/**
 * The durable timer of a stream's grants that end (a licence's subscribe): it knows when each ends
 * and, then, tells the {@link Stream} to {@link Stream.Expire} it, which persists {@link
 * Stream.Expired}, from which the key rotation follows as after a revocation. One per stream id,
 * sharded and remembered (event-sourced store), so it is running again after a crash or a rebalance
 * and misses no end. {@link Watcher}, a projection over the stream's events, tells it of every
 * grant with an end; an extension replaces the end, and the stream ignores an end it no longer has.
 */
public final class GrantExpiry
    extends EventSourcedBehaviorWithEnforcedReplies<
        GrantExpiry.Command, GrantExpiry.Event, GrantExpiry.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "GrantExpiry");
  static final String PROJECTION = "grant-expiry";

  /** The longest a timer is set for: a far end is checked again, not trusted to one timer. */
  private static final Duration LONGEST_WAIT = Duration.ofHours(1);

  /** How soon an end the stream could not be told of is tried again. */
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  // ---- commands ----

  public sealed interface Command {}

  /** A grant that ends at {@code at}; idempotent, and a later watch replaces the end. */
  public record Watch(
      EthereumAddress address,
      Permission permission,
      Instant at,
      ActorRef<StatusReply<Done>> replyTo)
      implements Command {}

  /** The timer: tell the stream of every end that has come. */
  private enum Wake implements Command {
    INSTANCE
  }

  /** The stream took the end (or no longer had it). */
  private record Told(StreamPermissions.Expiring grant, Instant at) implements Command {}

  // ---- events ----

  public sealed interface Event {}

  public record Watching(EthereumAddress address, Permission permission, Instant at)
      implements Event {}

  public record Ended(EthereumAddress address, Permission permission, Instant at)
      implements Event {}

  // ---- state ----

  /** The ends still to come, by grant. */
  public record State(Map<StreamPermissions.Expiring, Instant> pending) {
    public State {
      pending = Map.copyOf(pending);
    }

    State with(StreamPermissions.Expiring grant, Instant at) {
      Map<StreamPermissions.Expiring, Instant> more = new HashMap<>(pending);
      more.put(grant, at);
      return new State(more);
    }

    State without(StreamPermissions.Expiring grant, Instant at) {
      if (!at.equals(pending.get(grant))) {
        return this;
      }
      Map<StreamPermissions.Expiring, Instant> fewer = new HashMap<>(pending);
      fewer.remove(grant);
      return new State(fewer);
    }
  }

  // ---- wiring ----

  /** On the nodes with the stream role: the entities and the projection that feeds them. */
  public static void start(
      ActorSystem<?> system, Streams streams, Clock clock, Duration askTimeout) {
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(
        Entity.of(
                ENTITY_KEY,
                context ->
                    Behaviors.<Command>setup(
                        setup ->
                            Behaviors.withTimers(
                                timers ->
                                    new GrantExpiry(
                                        setup, timers, context.getEntityId(), streams, clock))))
            .withRole(NodeRole.STREAM.label())
            .withSettings(RememberedEntities.on(system, NodeRole.STREAM)));
    Projections.<Stream.Event>atLeastOnce(
        system,
        PROJECTION,
        Stream.SLICES,
        NodeRole.STREAM,
        () -> new Watcher(sharding, askTimeout));
  }

  /** Tells each stream's timer of every grant with an end in the stream's journal. */
  static final class Watcher extends Handler<EventEnvelope<Stream.Event>> {
    private final ClusterSharding sharding;
    private final Duration askTimeout;

    Watcher(ClusterSharding sharding, Duration askTimeout) {
      this.sharding = sharding;
      this.askTimeout = askTimeout;
    }

    @Override
    public CompletionStage<Done> process(EventEnvelope<Stream.Event> envelope) {
      if (!(envelope.event() instanceof Stream.Granted granted)
          || granted.until().isEmpty()
          || granted.grantee().address().isEmpty()) {
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      return sharding
          .entityRefFor(ENTITY_KEY, PersistenceId.extractEntityId(envelope.persistenceId()))
          .askWithStatus(
              replyTo ->
                  new Watch(
                      granted.grantee().address().orElseThrow(),
                      granted.permission(),
                      granted.until().orElseThrow(),
                      replyTo),
              askTimeout);
    }
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final String streamId;
  private final Streams streams;
  private final Clock clock;

  private GrantExpiry(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      String streamId,
      Streams streams,
      Clock clock) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), streamId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.context = context;
    this.timers = timers;
    this.streamId = streamId;
    this.streams = streams;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new State(Map.of());
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::schedule).build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Watch.class, this::onWatch)
        .onCommand(Wake.class, this::onWake)
        .onCommand(Told.class, this::onTold)
        .build();
  }

  private ReplyEffect<Event, State> onWatch(State state, Watch watch) {
    StreamPermissions.Expiring grant =
        new StreamPermissions.Expiring(watch.address(), watch.permission());
    if (watch.at().equals(state.pending().get(grant))) {
      return Effect().reply(watch.replyTo(), StatusReply.ack());
    }
    return Effect()
        .persist(new Watching(watch.address(), watch.permission(), watch.at()))
        .thenRun(this::schedule)
        .thenReply(watch.replyTo(), after -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> onWake(State state, Wake wake) {
    Instant now = clock.instant();
    state
        .pending()
        .forEach(
            (grant, at) -> {
              if (!now.isBefore(at)) {
                context.pipeToSelf(
                    streams.expire(streamId, grant.address(), grant.permission(), at),
                    (done, failure) -> failure == null ? new Told(grant, at) : Wake.INSTANCE);
              }
            });
    timers.startSingleTimer(Wake.INSTANCE, RETRY_AFTER);
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onTold(State state, Told told) {
    if (!told.at().equals(state.pending().get(told.grant()))) {
      return Effect().noReply();
    }
    return Effect()
        .persist(new Ended(told.grant().address(), told.grant().permission(), told.at()))
        .thenRun(this::schedule)
        .thenNoReply();
  }

  /** Sets the timer for the earliest end still to come, or none. */
  private void schedule(State state) {
    state.pending().values().stream()
        .min(Instant::compareTo)
        .ifPresentOrElse(
            earliest -> {
              Duration wait = Duration.between(clock.instant(), earliest);
              if (wait.isNegative()) {
                wait = Duration.ZERO;
              }
              timers.startSingleTimer(
                  Wake.INSTANCE, wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait);
            },
            () -> timers.cancel(Wake.INSTANCE));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            Watching.class,
            (state, event) ->
                state.with(
                    new StreamPermissions.Expiring(event.address(), event.permission()),
                    event.at()))
        .onEvent(
            Ended.class,
            (state, event) ->
                state.without(
                    new StreamPermissions.Expiring(event.address(), event.permission()),
                    event.at()))
        .build();
  }
}
