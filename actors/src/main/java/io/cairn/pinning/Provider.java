package io.cairn.pinning;

import io.cairn.cluster.NodeRole;
import io.cairn.cluster.RememberedEntities;
import io.cairn.projection.EventSlices;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
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
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One storage provider (datdot's hoster, encoder or attester): an untrusted agent with its own key,
 * sharded by its address, which is the entity id. The agent registers itself, signed in with that
 * key: the roles it takes, the bytes it offers to hold, and the operator and region it declares,
 * which selection spreads replicas across. Registering again with other terms updates them (an
 * agent grows its disk); registering again with the same terms changes nothing.
 *
 * <p>An exit is final: a provider that left can take no new work under that key, so a reputation
 * earned or lost stays with it (PINNING.md §3.6). What it still holds is migrated by its jobs.
 *
 * <p>Its replicas tell it how its challenges go ({@link DeadlineMissed}, {@link AnswerReceived}).
 * The first deadline missed since its last answer starts a silence ({@link WentSilent}); silent for
 * {@code offline-grace}, it is OFFLINE ({@link WentOffline}): no new work, and {@link
 * OfflineReplacement} replaces every replica it hosts. Its next answer or registration ends the
 * silence ({@link HeardFrom}) and brings it back. The grace is checked on every note, on recovery
 * and by a timer; a timer lives only as long as the entity, so the type is remembered by sharding
 * (a silent provider is started again wherever its shard goes, and recovers into the check), and a
 * provider that is not silent passivates itself when idle, as sharding would otherwise do.
 */
public final class Provider
    extends EventSourcedBehaviorWithEnforcedReplies<
        Provider.Command, Provider.Event, Provider.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Provider");

  /** The tags the provider directory's projection reads. */
  public static final EventSlices SLICES = EventSlices.of(ENTITY_KEY);

  /**
   * A provider that is not silent stops after this long without a message, as sharding's idle
   * passivation (cluster.conf) stops other entities; remembering turns that off for this type.
   */
  private static final Duration IDLE = Duration.ofMinutes(10);

  /** What a provider does for pinning jobs. */
  public enum Role {
    /** Keeps a sealed replica and the plain blocks, answers storage challenges, serves readers. */
    HOSTER,
    /** Seals the same replica independently, so the cluster can compare roots (the witness). */
    ENCODER,
    /** Fetches plain blocks from hosters and reports what readers get. */
    ATTESTER
  }

  /**
   * ACTIVE takes work; OFFLINE is silent past the grace and comes back when heard from; EXITED
   * left, DISQUALIFIED was put out by its storage score (PINNING.md 3.6), both for good.
   */
  public enum Status {
    ACTIVE,
    OFFLINE,
    EXITED,
    DISQUALIFIED;

    /** Whether the provider is gone for good: nothing brings it back under this key. */
    public boolean isFinal() {
      return this == EXITED || this == DISQUALIFIED;
    }
  }

  /**
   * What a provider declares. {@code capacityBytes} is what it offers to hold (above 0 for a
   * hoster, 0 allowed otherwise); {@code operator} and {@code region} are free text, compared as
   * given, which selection keeps apart; {@code serveUrl} is where a hoster serves its blocks to
   * readers, which attesters check ({@link ServiceCheck}).
   */
  public record Terms(
      Set<Role> roles,
      long capacityBytes,
      String operator,
      String region,
      Optional<String> serveUrl) {
    public Terms {
      roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
      Objects.requireNonNull(operator, "operator");
      Objects.requireNonNull(region, "region");
      Objects.requireNonNull(serveUrl, "serveUrl");
    }

    /** Terms of a provider that serves no reader. */
    public Terms(Set<Role> roles, long capacityBytes, String operator, String region) {
      this(roles, capacityBytes, operator, region, Optional.empty());
    }
  }

  // ---- commands ----

  public sealed interface Command {}

  /** A command from the provider's agent or the API, which is answered. */
  public sealed interface Asked extends Command {
    ActorRef<?> replyTo();
  }

  /** Registers or updates the provider; the reply is its info. */
  public record Register(Terms terms, ActorRef<StatusReply<Info>> replyTo) implements Asked {}

  /** The provider leaves for good. Leaving twice answers the same info. */
  public record Exit(ActorRef<StatusReply<Info>> replyTo) implements Asked {}

  public record Get(ActorRef<StatusReply<Info>> replyTo) implements Asked {}

  /** From a replica it hosts: a challenge's {@code deadline} passed unanswered. */
  public record DeadlineMissed(Instant deadline) implements Command {}

  /** From a replica it hosts: it answered a challenge at {@code at}, well or not: contact. */
  public record AnswerReceived(Instant at) implements Command {}

  /** How one of its replicas' rounds went, or how an attester found it: its reputation changes. */
  public record Judge(Reputation.Judgement judgement) implements Command {}

  /** The grace of a silence may be over: sent by the timer, never across nodes. */
  private record GraceDue() implements Command {}

  /** Nothing came for a while: a provider that is not silent stops, never across nodes. */
  private record Idle() implements Command {}

  // ---- events ----

  public sealed interface Event {}

  public record Registered(Terms terms, Instant at) implements Event {}

  public record TermsChanged(Terms terms, Instant at) implements Event {}

  public record Exited(Instant at) implements Event {}

  /** Its reputation after {@code judgement}, computed once and kept, so a replay reads it back. */
  public record Judged(Reputation.Judgement judgement, Reputation after) implements Event {}

  /** Its storage score fell below {@code migrate-below}: no work, its replicas move, for good. */
  public record Disqualified(Instant at) implements Event {}

  /** The first deadline missed since the provider's last answer: {@code at}, that deadline. */
  public record WentSilent(Instant at) implements Event {}

  /** Silent for the whole grace: no new work, its replicas replaced. */
  public record WentOffline(Instant at) implements Event {}

  /** It answered (or registered) at {@code at}: the silence is over, OFFLINE is ACTIVE again. */
  public record HeardFrom(Instant at) implements Event {}

  // ---- replies ----

  /**
   * A provider as it stands: {@code silentSince} is set from its first missed deadline until it is
   * heard from, {@code offlineSince} while it is OFFLINE.
   */
  public record Info(
      EthereumAddress address,
      Terms terms,
      Status status,
      Instant registeredAt,
      Instant changedAt,
      Optional<Instant> silentSince,
      Optional<Instant> offlineSince,
      Reputation reputation) {
    Info with(Terms newTerms, Status newStatus, Instant newChangedAt) {
      return new Info(
          address,
          newTerms,
          newStatus,
          registeredAt,
          newChangedAt,
          silentSince,
          offlineSince,
          reputation);
    }
  }

  // ---- state ----

  /**
   * Empty until the first registration. {@code lastHeard} is the last contact persisted (one that
   * ended a silence): a missed deadline before it is older news and starts no silence.
   */
  public record State(Optional<Info> info, Optional<Instant> lastHeard) {
    static State empty() {
      return new State(Optional.empty(), Optional.empty());
    }

    State with(Info changed) {
      return new State(Optional.of(changed), lastHeard);
    }

    boolean silent() {
      return info.map(i -> i.status() == Status.ACTIVE && i.silentSince().isPresent())
          .orElse(false);
    }
  }

  // ---- wiring ----

  public static void init(ActorSystem<?> system, PinningSettings settings, Clock clock) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ENTITY_KEY,
                    entity ->
                        create(
                            new EthereumAddress(entity.getEntityId()),
                            settings,
                            clock,
                            Optional.of(entity.getShard())))
                .withRole(NodeRole.CORE.label())
                // a silent provider's grace runs out whether or not anyone asks about it
                .withSettings(RememberedEntities.on(system, NodeRole.CORE)));
  }

  /** For tests: one provider outside sharding, nothing to passivate. */
  public static Behavior<Command> create(
      EthereumAddress address, PinningSettings settings, Clock clock) {
    return create(address, settings, clock, Optional.empty());
  }

  private static Behavior<Command> create(
      EthereumAddress address,
      PinningSettings settings,
      Clock clock,
      Optional<ActorRef<ClusterSharding.ShardCommand>> shard) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  context.setReceiveTimeout(IDLE, new Idle());
                  return new Provider(address, settings, clock, context, timers, shard);
                }));
  }

  private final EthereumAddress address;
  private final PinningSettings settings;
  private final Clock clock;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Optional<ActorRef<ClusterSharding.ShardCommand>> shard;

  private Provider(
      EthereumAddress address,
      PinningSettings settings,
      Clock clock,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Optional<ActorRef<ClusterSharding.ShardCommand>> shard) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), address.value()),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.address = address;
    this.settings = settings;
    this.clock = clock;
    this.context = context;
    this.timers = timers;
    this.shard = shard;
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::watchGrace)
        .build();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return SLICES.tagsFor(address.value());
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> builder =
        newCommandHandlerWithReplyBuilder();
    builder
        .forState(state -> state.info().isEmpty())
        .onCommand(Register.class, this::onFirstRegistration)
        .onCommand(Idle.class, (state, idle) -> Effect().none().thenRun(this::stop).thenNoReply())
        .onCommand(
            Asked.class,
            command ->
                Effect()
                    .reply(
                        replyTo(command),
                        StatusReply.error(
                            new Rejection(
                                ErrorCode.PROVIDER_NOT_FOUND,
                                address + " has not registered as a provider"))))
        // a note or a timer for a provider that never registered
        .onAnyCommand(command -> Effect().noReply());
    builder
        .forState(state -> state.info().isPresent())
        .onCommand(Register.class, this::onRegisterAgain)
        .onCommand(Exit.class, this::onExit)
        .onCommand(
            Get.class,
            (state, command) ->
                Effect().reply(command.replyTo(), StatusReply.success(state.info().get())))
        .onCommand(DeadlineMissed.class, this::onDeadlineMissed)
        .onCommand(AnswerReceived.class, this::onAnswerReceived)
        .onCommand(Judge.class, this::onJudge)
        .onCommand(GraceDue.class, (state, due) -> checkGrace(state))
        .onCommand(Idle.class, this::onIdle);
    return builder.build();
  }

  private ReplyEffect<Event, State> onFirstRegistration(State state, Register command) {
    Optional<String> problem = ProviderRules.problemWith(command.terms(), settings);
    if (problem.isPresent()) {
      return refuse(command, ErrorCode.INVALID_PROVIDER, problem.get());
    }
    return Effect()
        .persist(new Registered(command.terms(), clock.instant()))
        .thenReply(command.replyTo(), updated -> StatusReply.success(updated.info().get()));
  }

  private ReplyEffect<Event, State> onRegisterAgain(State state, Register command) {
    Info info = state.info().get();
    if (info.status().isFinal()) {
      String gone = info.status() == Status.EXITED ? " left at " : " was disqualified at ";
      return refuse(
          command,
          ErrorCode.PROVIDER_EXITED,
          address + gone + info.changedAt() + "; it cannot come back under the same key");
    }
    Optional<String> problem = ProviderRules.problemWith(command.terms(), settings);
    if (problem.isPresent()) {
      return refuse(command, ErrorCode.INVALID_PROVIDER, problem.get());
    }
    List<Event> events = new ArrayList<>();
    if (!info.terms().equals(command.terms())) {
      events.add(new TermsChanged(command.terms(), now()));
    }
    if (info.silentSince().isPresent()) {
      // a registration is contact too: an agent back after an outage says so
      events.add(new HeardFrom(now()));
    }
    if (events.isEmpty()) {
      return Effect().reply(command.replyTo(), StatusReply.success(info));
    }
    return Effect()
        .persist(events)
        .thenRun(this::watchGrace)
        .thenReply(command.replyTo(), updated -> StatusReply.success(updated.info().get()));
  }

  private ReplyEffect<Event, State> onExit(State state, Exit command) {
    Info info = state.info().get();
    if (info.status().isFinal()) {
      return Effect().reply(command.replyTo(), StatusReply.success(info));
    }
    return Effect()
        .persist(new Exited(clock.instant()))
        .thenRun(this::watchGrace)
        .thenReply(command.replyTo(), updated -> StatusReply.success(updated.info().get()));
  }

  /** Starts a silence unless one runs, or the provider answered after this deadline. */
  private ReplyEffect<Event, State> onDeadlineMissed(State state, DeadlineMissed note) {
    Info info = state.info().get();
    if (info.status().isFinal()
        || info.silentSince().isPresent()
        || state.lastHeard().filter(heard -> !note.deadline().isAfter(heard)).isPresent()) {
      return checkGrace(state);
    }
    return Effect()
        .persist(new WentSilent(note.deadline()))
        .thenRun(this::watchGrace)
        .thenNoReply();
  }

  /** Ends a silence this answer came after; an answer while not silent changes nothing. */
  private ReplyEffect<Event, State> onAnswerReceived(State state, AnswerReceived note) {
    Optional<Instant> silentSince = state.info().get().silentSince();
    if (state.info().get().status().isFinal()
        || silentSince.isEmpty()
        || note.at().isBefore(silentSince.get())) {
      return Effect().noReply();
    }
    return Effect().persist(new HeardFrom(note.at())).thenRun(this::watchGrace).thenNoReply();
  }

  /** Keeps the new reputation; below {@code migrate-below}, disqualified; once gone, unjudged. */
  private ReplyEffect<Event, State> onJudge(State state, Judge judge) {
    Info info = state.info().get();
    if (info.status().isFinal()) {
      return Effect().noReply();
    }
    Reputation.Rules rules = settings.reputation();
    Reputation after = info.reputation().after(judge.judgement(), rules);
    List<Event> events = new ArrayList<>(List.of(new Judged(judge.judgement(), after)));
    if (after.standing(rules) == Reputation.Standing.DISQUALIFIED) {
      events.add(new Disqualified(now()));
    }
    return Effect().persist(events).thenRun(this::watchGrace).thenNoReply();
  }

  /** A silence as long as the grace makes the provider OFFLINE; a shorter one waits on. */
  private ReplyEffect<Event, State> checkGrace(State state) {
    if (!state.silent()) {
      return Effect().noReply();
    }
    if (clock.instant().isBefore(graceEnd(state))) {
      watchGrace(state);
      return Effect().noReply();
    }
    return Effect().persist(new WentOffline(now())).thenRun(this::watchGrace).thenNoReply();
  }

  private Instant graceEnd(State state) {
    return state.info().get().silentSince().get().plus(settings.offlineGrace());
  }

  /** While silent, a timer for the grace's end (now if past, as on recovery); else none. */
  private void watchGrace(State state) {
    if (!state.silent()) {
      timers.cancel(GraceDue.class);
      return;
    }
    Duration left = Duration.between(clock.instant(), graceEnd(state));
    if (left.isNegative() || left.isZero()) {
      context.getSelf().tell(new GraceDue());
    } else {
      timers.startSingleTimer(GraceDue.class, new GraceDue(), left);
    }
  }

  /** A silent provider stays, for its grace's timer; any other stops, and wakes when told. */
  private ReplyEffect<Event, State> onIdle(State state, Idle idle) {
    return state.silent() ? Effect().noReply() : Effect().none().thenRun(this::stop).thenNoReply();
  }

  private void stop(State state) {
    shard.ifPresent(shardRef -> shardRef.tell(new ClusterSharding.Passivate<>(context.getSelf())));
  }

  /** Whole milliseconds, as the journal keeps them, so a recovered provider equals the live one. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private ReplyEffect<Event, State> refuse(Asked command, ErrorCode code, String message) {
    return Effect().reply(replyTo(command), StatusReply.error(new Rejection(code, message)));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent(
            (state, event) -> ProviderRules.apply(address, state, event, settings.reputation()));
  }

  /** Every asked command's reply type is a StatusReply, so a rejection fits any of them. */
  @SuppressWarnings("unchecked")
  private static ActorRef<StatusReply<Object>> replyTo(Asked command) {
    return (ActorRef<StatusReply<Object>>) command.replyTo();
  }
}
