package io.cairn.pinning;

import io.cairn.cluster.NodeRole;
import io.cairn.pinning.ReplicaRounds.Challenge;
import io.cairn.projection.EventSlices;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.event.AddressRecovery;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.pinning.PinningStatements;
import io.cairn.protocol.pinning.ReplicaId;
import io.cairn.protocol.pinning.StorageAnswerCodec;
import io.cairn.protocol.pinning.StorageProofs;
import io.cairn.protocol.pinning.StorageVerdict;
import io.cairn.protocol.pinning.v1.SignedPinningStatement;
import io.cairn.protocol.pinning.v1.StorageChallengeAnswer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
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
 * CommR, then challenged in rounds until it is FAULTY (a wrong root, a wrong answer, or too many
 * missed deadlines) or retired by its job. Every step is an event; the rounds' indices and ids are
 * derived from persisted fields and the epoch secret ({@link ChallengeRounds}), and the deadline is
 * this entity's clock, never the hoster's. It tells its job every state it reaches, again after
 * recovery, so a report lost with a node is sent once more.
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

  /** A replica as it stands; {@code fault} says why it is FAULTY, empty otherwise. */
  public record Replica(
      ReplicaAssignment assignment,
      PinningJob.ReplicaState state,
      Sealing sealing,
      ReplicaRounds rounds,
      String fault) {
    Replica with(PinningJob.ReplicaState newState, ReplicaRounds newRounds, String newFault) {
      return new Replica(assignment, newState, sealing, newRounds, newFault);
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

  /** From the cluster's audit: its own seal of the replica gives another root. */
  public record AuditFailed(String reason) implements Command {}

  private record RoundDue() implements Command {}

  private record DeadlineDue() implements Command {}

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
                .withSettings(
                    ClusterShardingSettings.create(system)
                        .withRole(NodeRole.CORE.label())
                        .withRememberEntities(true)
                        .withRememberEntitiesStoreMode(
                            ClusterShardingSettings.RememberEntitiesStoreModeEventSourced$
                                .MODULE$)));
  }

  public static String entityId(Bytes32 jobId, int slot) {
    return jobId + "-" + slot;
  }

  private final String entityId;
  private final PinningSettings settings;
  private final EpochSecrets epochs;
  private final AddressRecovery recovery;
  private final Clock clock;
  private final TimerScheduler<Command> timers;
  private final ClusterSharding sharding;

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
    this.timers = timers;
    this.sharding = sharding;
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
                          followSchedule(replica);
                          report(replica);
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
        .onCommand(AuditFailed.class, this::onAuditFailed)
        .onCommand(RoundDue.class, this::onRoundDue)
        .onCommand(DeadlineDue.class, this::onDeadlineDue)
        .build();
  }

  private ReplyEffect<Event, State> onStart(State state, Start command) {
    if (state.replica().isPresent()) {
      return Effect().noReply();
    }
    return Effect()
        .persist(new Started(command.assignment(), now()))
        .thenRun(updated -> report(updated.replica().get()))
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
    Replica replica = state.replica().get();
    ReplicaAssignment assignment = replica.assignment();
    PinningStatements.SignedCommitment signed;
    try {
      signed = PinningStatements.openCommitment(command.signed(), recovery);
    } catch (Rejection invalid) {
      return refuse(command.replyTo(), ErrorCode.INVALID_COMMITMENT, invalid.getMessage());
    }
    Role role;
    if (signed.signer().equals(assignment.hoster())) {
      role = Role.HOSTER;
    } else if (signed.signer().equals(assignment.encoder())) {
      role = Role.ENCODER;
    } else {
      return refuse(
          command.replyTo(),
          ErrorCode.INVALID_COMMITMENT,
          "signed by " + signed.signer() + ", neither the hoster nor the encoder of this replica");
    }
    Bytes32 replicaId = Bytes32.of(assignment.replicaId().bytes());
    if (!Bytes32.of(signed.commitment().replicaId()).equals(replicaId)) {
      return refuse(
          command.replyTo(),
          ErrorCode.INVALID_COMMITMENT,
          "the commitment is for replica "
              + Bytes32.of(signed.commitment().replicaId())
              + ", not "
              + replicaId);
    }
    if (replica.sealing().of(role).isPresent()
        || replica.state() != PinningJob.ReplicaState.SEALING) {
      // sent again, e.g. by an agent that restarted: the first commitment stands
      return Effect().reply(command.replyTo(), StatusReply.success(replica));
    }
    Commitment commitment =
        new Commitment(Bytes32.of(signed.commitment().commR()), signed.commitment().nodeCount());
    Instant now = now();
    Event committed = new Committed(role, commitment, now);
    Optional<Commitment> other =
        replica.sealing().of(role == Role.HOSTER ? Role.ENCODER : Role.HOSTER);
    if (other.isEmpty()) {
      return Effect().persist(committed).thenReply(command.replyTo(), this::success);
    }
    Event settled =
        other.get().equals(commitment)
            ? new Accepted(commitment, now, now)
            : new Faulted(
                "the hoster's and the encoder's commitments differ: "
                    + (role == Role.HOSTER ? commitment : other.get())
                    + " and "
                    + (role == Role.HOSTER ? other.get() : commitment),
                now);
    return Effect()
        .persist(List.of(committed, settled))
        .thenRun(this::afterChange)
        .thenReply(command.replyTo(), this::success);
  }

  private ReplyEffect<Event, State> onAnswer(State state, Answer command) {
    if (state.replica().isEmpty()) {
      return notFound(command.replyTo());
    }
    Replica replica = state.replica().get();
    Optional<Challenge> open = replica.rounds().open();
    if (open.isEmpty() || !open.get().id().equals(command.challengeId())) {
      return refuse(
          command.replyTo(),
          ErrorCode.CHALLENGE_CLOSED,
          "challenge " + command.challengeId() + " is not open on this replica");
    }
    Challenge challenge = open.get();
    if (clock.instant().isAfter(challenge.deadline())) {
      return refuse(
          command.replyTo(),
          ErrorCode.CHALLENGE_CLOSED,
          "challenge " + challenge.id() + " closed at " + challenge.deadline());
    }
    StorageChallengeAnswer answer = command.answer();
    if (!Arrays.equals(
            answer.getReplicaId().toByteArray(), replica.assignment().replicaId().bytes())
        || answer.getRoundNo() != challenge.roundNo()) {
      return refuse(
          command.replyTo(),
          ErrorCode.INVALID_CHALLENGE_ANSWER,
          "the answer is for round "
              + answer.getRoundNo()
              + " of replica "
              + Bytes32.of(answer.getReplicaId().toByteArray())
              + ", not round "
              + challenge.roundNo()
              + " of this one");
    }
    EthereumAddress signer;
    try {
      signer =
          PinningStatements.answerSigner(
              command.statement(),
              challenge.id().toByteArray(),
              replica.sealing().accepted().get().root().toByteArray(),
              answer,
              recovery);
    } catch (Rejection invalid) {
      return refuse(command.replyTo(), ErrorCode.INVALID_CHALLENGE_ANSWER, invalid.getMessage());
    }
    if (!signer.equals(replica.assignment().hoster())) {
      return refuse(
          command.replyTo(),
          ErrorCode.INVALID_CHALLENGE_ANSWER,
          "signed by " + signer + ", not by the hoster " + replica.assignment().hoster());
    }
    StorageVerdict verdict = verdictOf(replica, challenge, answer);
    Instant now = now();
    Bytes32 id = challenge.id();
    if (verdict.valid()) {
      Instant next = now.plus(nextRoundDelay(replica, challenge));
      return Effect()
          .persist(new ChallengeAnswered(id, answer.toByteArray(), true, "", now, next))
          .thenRun(this::afterChange)
          .thenReply(
              command.replyTo(),
              updated ->
                  StatusReply.success(new Verdict(id, ReplicaRounds.Outcome.PASSED, "passed")));
    }
    StorageVerdict.Invalid invalid = (StorageVerdict.Invalid) verdict;
    String reason = invalid.reason() + " at index " + invalid.index() + ": " + invalid.detail();
    return Effect()
        .persist(
            List.of(
                new ChallengeAnswered(id, answer.toByteArray(), false, reason, now, now),
                new Faulted("challenge " + id + " failed: " + reason, now)))
        .thenRun(this::afterChange)
        .thenReply(
            command.replyTo(),
            updated -> StatusReply.success(new Verdict(id, ReplicaRounds.Outcome.FAILED, reason)));
  }

  /** What the cluster makes of an answer; a replay of the journal calls it on kept answers. */
  static StorageVerdict verdictOf(
      Replica replica, Challenge challenge, StorageChallengeAnswer answer) {
    Commitment accepted = replica.sealing().accepted().orElseThrow();
    try {
      return StorageProofs.verify(
          accepted.root().toByteArray(),
          Math.toIntExact(accepted.nodeCount()),
          challenge.indexArray(),
          StorageAnswerCodec.fromProto(answer));
    } catch (IllegalArgumentException malformed) {
      return new StorageVerdict.Invalid(
          0, -1, StorageVerdict.Reason.WRONG_LEAF_LENGTH, malformed.getMessage());
    }
  }

  private ReplyEffect<Event, State> onAuditFailed(State state, AuditFailed command) {
    if (state.replica().filter(Replica::active).isEmpty()) {
      return Effect().noReply();
    }
    return Effect()
        .persist(new Faulted(command.reason(), now()))
        .thenRun(this::afterChange)
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onRetire(State state, Retire command) {
    if (state.replica().isEmpty() || state.replica().get().state() == command.as()) {
      return Effect().noReply();
    }
    return Effect()
        .persist(new Retired(command.as(), now()))
        .thenRun(updated -> timers.cancelAll())
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
      followSchedule(due.get());
      return Effect().noReply();
    }
    return Effect()
        .persist(new ChallengeIssued(nextChallenge(due.get())))
        .thenRun(updated -> followSchedule(updated.replica().get()))
        .thenNoReply();
  }

  /**
   * After a miss, the same indices under a new id (a hoster cannot dodge a hard index by timing
   * out); otherwise the next round, with its indices drawn from the current epoch's secret.
   */
  private Challenge nextChallenge(Replica replica) {
    Instant now = now();
    Instant deadline = now.plus(settings.challenges().deadline());
    ReplicaId replicaId = replica.assignment().replicaId();
    ReplicaRounds rounds = replica.rounds();
    if (rounds.misses() > 0) {
      Challenge missed = rounds.lastIssued().get();
      int attempt = missed.attempt() + 1;
      return new Challenge(
          ChallengeRounds.challengeId(replicaId, missed.roundNo(), attempt),
          missed.roundNo(),
          attempt,
          missed.epoch(),
          missed.indices(),
          now,
          deadline);
    }
    long roundNo = rounds.nextRoundNo();
    long epoch = ChallengeRounds.epochOf(now, settings.epochLength());
    int count =
        rounds.suspicious()
            ? settings.challenges().suspiciousIndices()
            : settings.challenges().indices();
    int[] indices =
        ChallengeRounds.indices(
            epochs.secret(epoch),
            replicaId,
            roundNo,
            count,
            replica.sealing().accepted().get().nodeCount());
    return new Challenge(
        ChallengeRounds.challengeId(replicaId, roundNo, 0),
        roundNo,
        0,
        epoch,
        Arrays.stream(indices).boxed().toList(),
        now,
        deadline);
  }

  /** The deadline has come (by this node's clock): a miss, retried later or, beyond, FAULTY. */
  private ReplyEffect<Event, State> onDeadlineDue(State state, DeadlineDue command) {
    Optional<Replica> waiting =
        state.replica().filter(Replica::active).filter(r -> r.rounds().open().isPresent());
    if (waiting.isEmpty()) {
      return Effect().noReply();
    }
    Replica replica = waiting.get();
    Challenge challenge = replica.rounds().open().get();
    if (!clock.instant().isAfter(challenge.deadline())) {
      followSchedule(replica);
      return Effect().noReply();
    }
    Instant now = now();
    List<Duration> retries = settings.challenges().retryDelays();
    int misses = replica.rounds().misses() + 1;
    if (misses > retries.size()) {
      return Effect()
          .persist(
              List.of(
                  new ChallengeMissed(challenge.id(), now, now),
                  new Faulted(
                      misses + " missed deadlines in a row, the last " + challenge.id(), now)))
          .thenRun(this::afterChange)
          .thenNoReply();
    }
    return Effect()
        .persist(new ChallengeMissed(challenge.id(), now, now.plus(retries.get(misses - 1))))
        .thenRun(updated -> followSchedule(updated.replica().get()))
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
              followSchedule(replica);
              report(replica);
            });
  }

  /**
   * Sets the one timer an active replica needs: its open challenge's deadline, or its next round.
   */
  private void followSchedule(Replica replica) {
    if (!replica.active()) {
      timers.cancelAll();
      return;
    }
    ReplicaRounds rounds = replica.rounds();
    if (rounds.open().isPresent()) {
      timers.cancel(RoundDue.class);
      timers.startSingleTimer(
          DeadlineDue.class, new DeadlineDue(), untilJustAfter(rounds.open().get().deadline()));
    } else if (rounds.nextRoundAt().isPresent()) {
      timers.cancel(DeadlineDue.class);
      timers.startSingleTimer(
          RoundDue.class, new RoundDue(), untilJustAfter(rounds.nextRoundAt().get()));
    }
  }

  /** A deadline is past once the clock is after it: the timer fires a millisecond later. */
  private Duration untilJustAfter(Instant at) {
    Duration left = Duration.between(clock.instant(), at).plusMillis(1);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** Tells the job where this replica stands; the job ignores what it already knows. */
  private void report(Replica replica) {
    ReplicaAssignment assignment = replica.assignment();
    sharding
        .entityRefFor(PinningJob.ENTITY_KEY, assignment.jobId().toString())
        .tell(
            new PinningJob.ReplicaChanged(
                assignment.slot(),
                replica.state(),
                replica.sealing().accepted().map(Commitment::root)));
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
        .onEvent(
            Started.class,
            (state, event) ->
                new State(
                    Optional.of(
                        new Replica(
                            event.assignment(),
                            PinningJob.ReplicaState.SEALING,
                            Sealing.none(),
                            ReplicaRounds.none(),
                            ""))))
        .onEvent(
            Committed.class,
            (state, event) ->
                update(
                    state,
                    replica ->
                        new Replica(
                            replica.assignment(),
                            replica.state(),
                            replica.sealing().with(event.role(), event.commitment()),
                            replica.rounds(),
                            replica.fault())))
        .onEvent(
            Accepted.class,
            (state, event) ->
                update(
                    state,
                    replica ->
                        new Replica(
                            replica.assignment(),
                            PinningJob.ReplicaState.ACTIVE,
                            new Sealing(
                                replica.sealing().hoster(),
                                replica.sealing().encoder(),
                                Optional.of(event.commitment())),
                            replica.rounds().activated(event.firstRound()),
                            "")))
        .onEvent(
            ChallengeIssued.class,
            (state, event) ->
                update(
                    state,
                    replica ->
                        replica.with(
                            replica.state(),
                            replica.rounds().issued(event.challenge()),
                            replica.fault())))
        .onEvent(
            ChallengeAnswered.class,
            (state, event) ->
                update(
                    state,
                    replica ->
                        replica.with(
                            replica.state(),
                            event.passed()
                                ? replica.rounds().passed(event.at(), event.next())
                                : replica.rounds().failed(event.at()),
                            replica.fault())))
        .onEvent(
            ChallengeMissed.class,
            (state, event) ->
                update(
                    state,
                    replica ->
                        replica.with(
                            replica.state(),
                            replica.rounds().missed(event.at(), event.retryAt()),
                            replica.fault())))
        .onEvent(
            Faulted.class,
            (state, event) ->
                update(
                    state,
                    replica ->
                        replica.with(
                            PinningJob.ReplicaState.FAULTY,
                            replica.rounds().stopped(),
                            event.reason())))
        .onEvent(
            Retired.class,
            (state, event) ->
                update(
                    state,
                    replica ->
                        replica.with(event.as(), replica.rounds().stopped(), replica.fault())))
        .build();
  }

  private static State update(State state, UnaryOperator<Replica> change) {
    return new State(Optional.of(change.apply(state.replica().orElseThrow())));
  }
}
