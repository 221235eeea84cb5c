package io.cairn.pinning;

import io.cairn.cluster.NodeRole;
import io.cairn.cluster.RememberedEntities;
import io.cairn.pinning.ReplicaRounds.Challenge;
import io.cairn.projection.EventSlices;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.event.AddressRecovery;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.pinning.v1.SignedPinningStatement;
import io.cairn.protocol.pinning.v1.StorageChallengeAnswer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
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

/**
 * One replica of a pinning job, as a process entity: placed by its job ({@link Start}), sealed by
 * its hoster and independently by its encoder (the witness), ACTIVE once both commit to the same
 * CommR, then challenged in rounds until it is FAULTY (a wrong root, not sealed by the seal
 * deadline, a wrong answer, too many missed deadlines, a failed audit or an OFFLINE hoster) or
 * retired by its job. Every step is an event; the rounds' indices and ids are derived from
 * persisted fields and the epoch secret ({@link ChallengeRounds}), and the deadline is this
 * entity's clock, never the hoster's. It tells its job every state it reaches, again after
 * recovery, so a report lost with a node is sent once more; and it tells its hoster's {@link
 * Provider} of every deadline missed and every answer, from which the provider's OFFLINE follows.
 */
public final class PinnedReplica
    extends EventSourcedBehaviorWithEnforcedReplies<
        PinnedReplica.Command, PinnedReplica.Event, PinnedReplica.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "PinnedReplica");

  /** The tags the audit's projection reads. */
  public static final EventSlices SLICES = EventSlices.of(ENTITY_KEY);

  /** What a replica answers challenges with: the agent's role in its statements. */
  public enum Role {
    HOSTER,
    ENCODER
  }

  /** A root one agent committed to. */
  public record Commitment(Bytes32 root, long nodeCount) {}

  /** How far sealing got: each agent's commitment, and the root both agreed on. */
  public record Sealing(
      Optional<Commitment> hoster, Optional<Commitment> encoder, Optional<Commitment> accepted) {
    static Sealing none() {
      return new Sealing(Optional.empty(), Optional.empty(), Optional.empty());
    }

    Optional<Commitment> of(Role role) {
      return role == Role.HOSTER ? hoster : encoder;
    }

    Sealing with(Role role, Commitment commitment) {
      return role == Role.HOSTER
          ? new Sealing(Optional.of(commitment), encoder, accepted)
          : new Sealing(hoster, Optional.of(commitment), accepted);
    }
  }

  /**
   * A replica as it stands, placed at {@code startedAt}; {@code fault} says why it is FAULTY, empty
   * otherwise.
   */
  public record Replica(
      ReplicaAssignment assignment,
      Instant startedAt,
      PinningJob.ReplicaState state,
      Sealing sealing,
      ReplicaRounds rounds,
      String fault) {
    Replica with(PinningJob.ReplicaState newState, ReplicaRounds newRounds, String newFault) {
      return new Replica(assignment, startedAt, newState, sealing, newRounds, newFault);
    }

    boolean active() {
      return state == PinningJob.ReplicaState.ACTIVE;
    }
  }

  // ---- commands ----

  public sealed interface Command {}

  /** From the job: this replica is placed so. Sent again harmlessly. */
  public record Start(ReplicaAssignment assignment) implements Command {}

  /** A hoster's or witness's signed commitment to its root. */
  public record Commit(SignedPinningStatement signed, ActorRef<StatusReply<Replica>> replyTo)
      implements Command {}

  /** A hoster's answer to the open challenge. */
  public record Answer(
      Bytes32 challengeId,
      StorageChallengeAnswer answer,
      SignedPinningStatement statement,
      ActorRef<StatusReply<Verdict>> replyTo)
      implements Command {}

  public record Get(ActorRef<StatusReply<Replica>> replyTo) implements Command {}

  /** From the job: the replica was replaced, or the job ended; no more rounds. */
  public record Retire(PinningJob.ReplicaState as) implements Command {}

  /**
   * The replica is FAULTY for {@code reason}, if it is still SEALING or ACTIVE: from the cluster's
   * audit (its own seal gives another root) or because its hoster is OFFLINE. The reply comes once
   * the fault is persisted (or with the replica as it is), so the sender may move on.
   */
  public record Fault(String reason, ActorRef<StatusReply<Replica>> replyTo) implements Command {}

  record RoundDue() implements Command {}

  record DeadlineDue() implements Command {}

  record SealDue() implements Command {}

  // ---- events ----

  public sealed interface Event {}

  public record Started(ReplicaAssignment assignment, Instant at) implements Event {}

  public record Committed(Role role, Commitment commitment, Instant at) implements Event {}

  /** Hoster and witness agree: the replica is ACTIVE, its first round due at {@code firstRound}. */
  public record Accepted(Commitment commitment, Instant at, Instant firstRound) implements Event {}

  public record ChallengeIssued(Challenge challenge) implements Event {}

  /** The answer as received, kept so a replay verifies it again. */
  public record ChallengeAnswered(
      Bytes32 challengeId, byte[] answer, boolean passed, String reason, Instant at, Instant next)
      implements Event {}

  public record ChallengeMissed(Bytes32 challengeId, Instant at, Instant retryAt)
      implements Event {}

  public record Faulted(String reason, Instant at) implements Event {}

  public record Retired(PinningJob.ReplicaState as, Instant at) implements Event {}

  // ---- replies ----

  public record Verdict(Bytes32 challengeId, ReplicaRounds.Outcome outcome, String reason) {}

  // ---- state ----

  public record State(Optional<Replica> replica) {}

  // ---- wiring ----

  public static void init(
      ActorSystem<?> system,
      PinningSettings settings,
      Supplier<EpochSecrets> epochs,
      AddressRecovery recovery,
      Clock clock) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ENTITY_KEY,
                    entity ->
                        Behaviors.<Command>withTimers(
                            timers ->
                                new PinnedReplica(
                                    entity.getEntityId(),
                                    settings,
                                    epochs.get(),
                                    recovery,
                                    clock,
                                    timers,
                                    ClusterSharding.get(system))))
                .withRole(NodeRole.CORE.label())
                // an active replica is challenged whether or not anyone asks about it
                .withSettings(RememberedEntities.on(system, NodeRole.CORE)));
  }

  public static String entityId(Bytes32 jobId, int slot) {
    return jobId + "-" + slot;
  }

  private final String entityId;
  private final PinningSettings settings;
  private final EpochSecrets epochs;
  private final AddressRecovery recovery;
  private final Clock clock;
  private final ReplicaFollowUp followUp;

  private PinnedReplica(
      String entityId,
      PinningSettings settings,
      EpochSecrets epochs,
      AddressRecovery recovery,
      Clock clock,
      TimerScheduler<Command> timers,
      ClusterSharding sharding) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.entityId = entityId;
    this.settings = settings;
    this.epochs = epochs;
    this.recovery = recovery;
    this.clock = clock;
    this.followUp = new ReplicaFollowUp(settings, clock, timers, sharding);
  }

  /** For tests: one replica outside sharding, reporting to the jobs of {@code sharding}. */
  static Behavior<Command> create(
      String entityId,
      PinningSettings settings,
      EpochSecrets epochs,
      AddressRecovery recovery,
      Clock clock,
      ClusterSharding sharding) {
    return Behaviors.withTimers(
        timers -> new PinnedReplica(entityId, settings, epochs, recovery, clock, timers, sharding));
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return SLICES.tagsFor(entityId);
  }

  @Override
  public State emptyState() {
    return new State(Optional.empty());
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state ->
                state
                    .replica()
                    .ifPresent(
                        replica -> {
                          followUp.followSchedule(replica);
                          followUp.report(replica);
                        }))
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Start.class, this::onStart)
        .onCommand(Commit.class, this::onCommit)
        .onCommand(Answer.class, this::onAnswer)
        .onCommand(Get.class, this::onGet)
        .onCommand(Retire.class, this::onRetire)
        .onCommand(Fault.class, this::onFault)
        .onCommand(RoundDue.class, this::onRoundDue)
        .onCommand(DeadlineDue.class, this::onDeadlineDue)
        .onCommand(SealDue.class, this::onSealDue)
        .build();
  }

  private ReplyEffect<Event, State> onStart(State state, Start command) {
    if (state.replica().isPresent()) {
      return Effect().noReply();
    }
    return Effect()
        .persist(new Started(command.assignment(), now()))
        .thenRun(this::afterChange)
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onGet(State state, Get command) {
    return state.replica().isEmpty()
        ? notFound(command.replyTo())
        : Effect().reply(command.replyTo(), StatusReply.success(state.replica().get()));
  }

  private ReplyEffect<Event, State> onCommit(State state, Commit command) {
    if (state.replica().isEmpty()) {
      return notFound(command.replyTo());
    }
    List<Event> events;
    try {
      events = ReplicaRules.commit(state.replica().get(), command.signed(), recovery, now());
    } catch (Rejection refused) {
      return Effect().reply(command.replyTo(), StatusReply.error(refused));
    }
    return Effect()
        .persist(events)
        .thenRun(this::afterChange)
        .thenReply(command.replyTo(), this::success);
  }

  private ReplyEffect<Event, State> onAnswer(State state, Answer command) {
    if (state.replica().isEmpty()) {
      return notFound(command.replyTo());
    }
    Replica replica = state.replica().get();
    ReplicaRules.Judged judged;
    try {
      judged =
          ReplicaRules.answer(
              replica,
              command,
              recovery,
              clock.instant(),
              now(),
              settled -> nextRoundDelay(replica, settled));
    } catch (Rejection refused) {
      return Effect().reply(command.replyTo(), StatusReply.error(refused));
    }
    Instant answeredAt = now();
    return Effect()
        .persist(judged.events())
        .thenRun(
            updated -> {
              afterChange(updated);
              followUp.noteAnswered(replica, answeredAt, judged.verdict().outcome());
            })
        .thenReply(command.replyTo(), updated -> StatusReply.success(judged.verdict()));
  }

  private ReplyEffect<Event, State> onFault(State state, Fault command) {
    if (state.replica().isEmpty()) {
      return notFound(command.replyTo());
    }
    PinningJob.ReplicaState now = state.replica().get().state();
    if (now != PinningJob.ReplicaState.SEALING && now != PinningJob.ReplicaState.ACTIVE) {
      return Effect().reply(command.replyTo(), StatusReply.success(state.replica().get()));
    }
    return Effect()
        .persist(new Faulted(command.reason(), now()))
        .thenRun(this::afterChange)
        .thenReply(command.replyTo(), this::success);
  }

  /** The seal deadline has come: a replica hoster and witness have not both sealed is FAULTY. */
  private ReplyEffect<Event, State> onSealDue(State state, SealDue command) {
    Optional<Replica> sealing =
        state.replica().filter(r -> r.state() == PinningJob.ReplicaState.SEALING);
    if (sealing.isEmpty()) {
      return Effect().noReply();
    }
    if (!clock.instant().isAfter(followUp.sealBy(sealing.get()))) {
      followUp.followSchedule(sealing.get());
      return Effect().noReply();
    }
    return Effect()
        .persist(
            new Faulted(
                "not sealed within "
                    + settings.sealDeadline()
                    + " of its placement at "
                    + sealing.get().startedAt(),
                now()))
        .thenRun(this::afterChange)
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onRetire(State state, Retire command) {
    if (state.replica().isEmpty() || state.replica().get().state() == command.as()) {
      return Effect().noReply();
    }
    return Effect()
        .persist(new Retired(command.as(), now()))
        .thenRun(updated -> followUp.followSchedule(updated.replica().get()))
        .thenNoReply();
  }

  /** A round (or a retry) is due: it is issued with its deadline, both persisted first. */
  private ReplyEffect<Event, State> onRoundDue(State state, RoundDue command) {
    Optional<Replica> due =
        state
            .replica()
            .filter(Replica::active)
            .filter(replica -> replica.rounds().open().isEmpty())
            .filter(replica -> replica.rounds().nextRoundAt().isPresent());
    if (due.isEmpty()) {
      return Effect().noReply();
    }
    if (due.get().rounds().nextRoundAt().get().isAfter(clock.instant())) {
      followUp.followSchedule(due.get());
      return Effect().noReply();
    }
    return Effect()
        .persist(
            new ChallengeIssued(ReplicaRules.nextChallenge(due.get(), settings, epochs, now())))
        .thenRun(updated -> followUp.followSchedule(updated.replica().get()))
        .thenNoReply();
  }

  /** The deadline has come (by this node's clock): a miss, retried later or, beyond, FAULTY. */
  private ReplyEffect<Event, State> onDeadlineDue(State state, DeadlineDue command) {
    Optional<Replica> waiting =
        state.replica().filter(Replica::active).filter(r -> r.rounds().open().isPresent());
    if (waiting.isEmpty()) {
      return Effect().noReply();
    }
    Challenge missed = waiting.get().rounds().open().get();
    if (!clock.instant().isAfter(missed.deadline())) {
      followUp.followSchedule(waiting.get());
      return Effect().noReply();
    }
    return Effect()
        .persist(ReplicaRules.missed(waiting.get(), settings.challenges(), now()))
        .thenRun(
            updated -> {
              afterChange(updated);
              followUp.noteMissed(waiting.get(), missed, updated.replica().get());
            })
        .thenNoReply();
  }

  /** When the next round comes after one passed: jittered, from the round's epoch secret. */
  private Duration nextRoundDelay(Replica replica, Challenge settled) {
    return ChallengeRounds.nextRoundDelay(
        epochs.secret(settled.epoch()),
        replica.assignment().replicaId(),
        settled.roundNo(),
        settings.challenges().intervalMin(),
        settings.challenges().intervalMax());
  }

  private void afterChange(State state) {
    state
        .replica()
        .ifPresent(
            replica -> {
              followUp.followSchedule(replica);
              followUp.report(replica);
            });
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private StatusReply<Replica> success(State state) {
    return StatusReply.success(state.replica().get());
  }

  private <R> ReplyEffect<Event, State> notFound(ActorRef<StatusReply<R>> replyTo) {
    return refuse(replyTo, ErrorCode.REPLICA_NOT_FOUND, "no such replica");
  }

  private <R> ReplyEffect<Event, State> refuse(
      ActorRef<StatusReply<R>> replyTo, ErrorCode code, String message) {
    return Effect().reply(replyTo, StatusReply.error(new Rejection(code, message)));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent((state, event) -> new State(Optional.of(ReplicaRules.apply(state, event))));
  }
}
