package io.cairn.pinning;

import io.cairn.cluster.NodeRole;
import io.cairn.cluster.RememberedEntities;
import io.cairn.projection.EventSlices;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.event.AddressRecovery;
import io.cairn.protocol.ledger.Bytes32;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.Done;
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
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The service checks of one replica (PINNING.md 3.4 step 5), as a process entity with the replica's
 * entity id: watched from the time the replica is ACTIVE ({@link Watch}, from {@link
 * ServiceCheckSchedule}) until it is FAULTY or retired ({@link Unwatch}). About every {@code
 * interval}, jittered from the epoch's secret, it draws an attester and the blocks to fetch ({@link
 * ServiceCheckDraw}, from the attesters as the provider directory lists them, kept with the check
 * so a replay draws the same) and persists the check with its deadline; the attester's agent finds
 * it in its tasks. The report is judged by {@link ServiceReports}: the hoster's {@link Provider} is
 * told the grade, the attester's whether its grade agrees with the other attesters' recent ones. A
 * check whose deadline passes unreported counts against the attester, never the hoster; a hoster
 * that declares no serve URL grades 0 without one. Remembered by sharding: its timer runs whether
 * or not anyone asks.
 */
public final class ServiceCheck
    extends EventSourcedBehaviorWithEnforcedReplies<
        ServiceCheck.Command, ServiceCheck.Event, ServiceCheck.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "ServiceCheck");

  /** The tags the check directory's projection reads. */
  public static final EventSlices SLICES = EventSlices.of(ENTITY_KEY);

  /** What a draw reads: the active providers, and where the hoster serves readers (if it does). */
  public record DrawInputs(List<Placement.Candidate> candidates, Optional<String> serveUrl) {
    public DrawInputs {
      candidates = List.copyOf(candidates);
    }
  }

  /** One check: drawn in {@code epoch}, to be reported by {@code attester} before its deadline. */
  public record Check(
      long checkNo,
      long epoch,
      Bytes32 checkId,
      EthereumAddress attester,
      String serveUrl,
      List<Long> indices,
      Instant assignedAt,
      Instant deadline) {
    public Check {
      indices = List.copyOf(indices);
    }
  }

  /** An accepted grade, kept to compare the next attesters' with. */
  public record RecentGrade(EthereumAddress attester, double grade) {}

  /** Why a check was drawn with nobody to make it. */
  public enum Skip {
    /** No attester was eligible: the next check comes as usual. */
    NO_ATTESTER,
    /** The hoster declares no serve URL: a reader cannot use it, so it grades 0. */
    NO_SERVE_URL
  }

  /**
   * A replica's checks as they stand: {@code excluded} never attest it (its job's supporter); the
   * check {@code nextCheckNo} comes at {@code nextCheckAt}; {@code stopped} once it is no longer
   * ACTIVE.
   */
  public record Checking(
      ReplicaAssignment assignment,
      List<EthereumAddress> excluded,
      Instant since,
      long nextCheckNo,
      Instant nextCheckAt,
      Optional<Check> open,
      List<RecentGrade> recent,
      Optional<String> stopped) {
    public Checking {
      excluded = List.copyOf(excluded);
      recent = List.copyOf(recent);
    }
  }

  // ---- commands ----

  public sealed interface Command {}

  /** The replica is ACTIVE: check it. Sent again harmlessly. */
  public record Watch(
      ReplicaAssignment assignment,
      List<EthereumAddress> excluded,
      ActorRef<StatusReply<Done>> replyTo)
      implements Command {
    public Watch {
      excluded = List.copyOf(excluded);
    }
  }

  /** The replica is FAULTY or retired: no more checks. Sent again harmlessly. */
  public record Unwatch(String reason, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record Get(ActorRef<StatusReply<Checking>> replyTo) implements Command {}

  /**
   * An attester's report, signed in as {@code attester}; {@code blockHashes} are the core's own
   * hashes at the open check's indices, read by the cluster.
   */
  public record Report(
      EthereumAddress attester,
      Bytes32 checkId,
      List<ServiceReports.BlockReport> blocks,
      Map<Long, Bytes32> blockHashes,
      ActorRef<StatusReply<Grade>> replyTo)
      implements Command {
    public Report {
      blocks = List.copyOf(blocks);
      blockHashes = Map.copyOf(blockHashes);
    }
  }

  record CheckDue() implements Command {}

  record DeadlineDue() implements Command {}

  private record Drawn(DrawInputs inputs) implements Command {}

  private record DrawFailed(String reason) implements Command {}

  // ---- events ----

  public sealed interface Event {}

  public record Watched(
      ReplicaAssignment assignment,
      List<EthereumAddress> excluded,
      Instant at,
      Instant firstCheckAt)
      implements Event {}

  /** A check drawn from {@code candidates} (as they stood) less {@code excluded}. */
  public record CheckAssigned(
      Check check,
      List<Placement.Candidate> candidates,
      List<EthereumAddress> excluded,
      Instant nextCheckAt)
      implements Event {}

  public record CheckSkipped(long checkNo, long epoch, Skip reason, Instant at, Instant nextCheckAt)
      implements Event {}

  public record ReportGraded(
      long checkNo,
      EthereumAddress attester,
      List<PerformanceGrade.Measurement> measurements,
      double grade,
      int verifiedBlocks,
      Optional<Boolean> agreed,
      Instant at)
      implements Event {}

  public record ReportRefused(long checkNo, EthereumAddress attester, String reason, Instant at)
      implements Event {}

  public record CheckExpired(long checkNo, EthereumAddress attester, Instant at) implements Event {}

  public record Unwatched(String reason, Instant at) implements Event {}

  // ---- replies ----

  public record Grade(Bytes32 checkId, double grade, int verifiedBlocks) {}

  // ---- state ----

  public record State(Optional<Checking> checking) {}

  // ---- wiring ----

  /**
   * What every replica's checks need: the settings, the epochs' secrets, signature recovery, the
   * clock, a way to read the providers a draw chooses from ({@code inputs}, by hoster), and one to
   * tell a provider how it was judged ({@code judge}: its sharded {@link Provider}).
   */
  public record Needs(
      PinningSettings settings,
      AttestationSettings attestation,
      Supplier<EpochSecrets> epochs,
      AddressRecovery recovery,
      Function<EthereumAddress, CompletionStage<DrawInputs>> inputs,
      BiConsumer<EthereumAddress, Reputation.Judgement> judge,
      Clock clock) {}

  public static void init(ActorSystem<?> system, Needs needs) {
    ClusterSharding.get(system)
        .init(
            Entity.of(ENTITY_KEY, entity -> create(entity.getEntityId(), needs))
                .withRole(NodeRole.CORE.label())
                // an ACTIVE replica is checked whether or not anyone asks about it
                .withSettings(RememberedEntities.on(system, NodeRole.CORE)));
  }

  /** One replica's checks, outside sharding too (for tests). */
  static Behavior<Command> create(String entityId, Needs needs) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(timers -> new ServiceCheck(entityId, needs, context, timers)));
  }

  private final String entityId;
  private final PinningSettings settings;
  private final AttestationSettings attestation;
  private final EpochSecrets epochs;
  private final AddressRecovery recovery;
  private final Function<EthereumAddress, CompletionStage<DrawInputs>> inputs;
  private final BiConsumer<EthereumAddress, Reputation.Judgement> judge;
  private final Clock clock;
  private final ActorContext<Command> context;
  private final ServiceCheckTimers schedule;

  private ServiceCheck(
      String entityId, Needs needs, ActorContext<Command> context, TimerScheduler<Command> timers) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.entityId = entityId;
    this.settings = needs.settings();
    this.attestation = needs.attestation();
    this.epochs = needs.epochs().get();
    this.recovery = needs.recovery();
    this.inputs = needs.inputs();
    this.judge = needs.judge();
    this.clock = needs.clock();
    this.context = context;
    this.schedule = new ServiceCheckTimers(timers, clock);
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
        .onSignal(RecoveryCompleted.instance(), schedule::follow)
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Watch.class, this::onWatch)
        .onCommand(Unwatch.class, this::onUnwatch)
        .onCommand(Get.class, this::onGet)
        .onCommand(Report.class, this::onReport)
        .onCommand(CheckDue.class, this::onCheckDue)
        .onCommand(Drawn.class, this::onDrawn)
        .onCommand(DrawFailed.class, this::onDrawFailed)
        .onCommand(DeadlineDue.class, this::onDeadlineDue)
        .build();
  }

  private ReplyEffect<Event, State> onWatch(State state, Watch command) {
    if (state.checking().isPresent()) {
      return Effect().reply(command.replyTo(), StatusReply.ack());
    }
    Instant at = now();
    Duration first =
        ServiceCheckDraw.nextCheckDelay(
            secretAt(at), command.assignment(), 0, attestation.interval());
    return Effect()
        .persist(new Watched(command.assignment(), command.excluded(), at, at.plus(first)))
        .thenRun(schedule::follow)
        .thenReply(command.replyTo(), updated -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> onUnwatch(State state, Unwatch command) {
    if (ServiceCheckTimers.watching(state).isEmpty()) {
      return Effect().reply(command.replyTo(), StatusReply.ack());
    }
    return Effect()
        .persist(new Unwatched(command.reason(), now()))
        .thenRun(schedule::follow)
        .thenReply(command.replyTo(), updated -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> onGet(State state, Get command) {
    return state.checking().isEmpty()
        ? refuse(command.replyTo(), ErrorCode.REPLICA_NOT_FOUND, "no service checks of " + entityId)
        : Effect().reply(command.replyTo(), StatusReply.success(state.checking().get()));
  }

  private ReplyEffect<Event, State> onReport(State state, Report report) {
    Optional<Rejection> refusal = ServiceCheckRules.refusal(state, report, clock.instant());
    if (refusal.isPresent()) {
      return Effect().reply(report.replyTo(), StatusReply.error(refusal.get()));
    }
    Check check = state.checking().get().open().get();
    Checking checking = state.checking().get();
    ReplicaAssignment assignment = checking.assignment();
    ServiceReports.Judged judged =
        ServiceReports.judge(
            check,
            HexFormat.of().parseHex(assignment.coreKey()),
            assignment.hoster(),
            report.blocks(),
            report.blockHashes(),
            recovery,
            attestation.fullThroughput());
    Instant at = now();
    if (judged instanceof ServiceReports.Fabricated fabricated) {
      String reason = fabricated.reason();
      return Effect()
          .persist(new ReportRefused(check.checkNo(), check.attester(), reason, at))
          .thenRun(
              updated -> {
                schedule.follow(updated);
                judge(check.attester(), new Reputation.ReportCompared(false, at));
              })
          .thenReply(
              report.replyTo(),
              updated ->
                  StatusReply.error(new Rejection(ErrorCode.INVALID_SERVICE_REPORT, reason)));
    }
    ServiceReports.Graded graded = (ServiceReports.Graded) judged;
    Optional<Boolean> agreed =
        ServiceReports.agreement(
            checking.recent(),
            check.attester(),
            graded.grade(),
            settings.reputation().attesterTolerance());
    return Effect()
        .persist(
            new ReportGraded(
                check.checkNo(),
                check.attester(),
                graded.measurements(),
                graded.grade(),
                graded.verifiedBlocks(),
                agreed,
                at))
        .thenRun(
            updated -> {
              schedule.follow(updated);
              judge(assignment.hoster(), new Reputation.ServiceGraded(graded.grade(), at));
              agreed.ifPresent(
                  agrees -> judge(check.attester(), new Reputation.ReportCompared(agrees, at)));
            })
        .thenReply(
            report.replyTo(),
            updated ->
                StatusReply.success(
                    new Grade(check.checkId(), graded.grade(), graded.verifiedBlocks())));
  }

  /** A check is due: the providers are read first, and the draw persisted once they are. */
  private ReplyEffect<Event, State> onCheckDue(State state, CheckDue due) {
    Optional<Checking> checking = schedule.dueNow(state);
    if (checking.isPresent()) {
      context.pipeToSelf(
          inputs.apply(checking.get().assignment().hoster()),
          (read, failure) ->
              failure == null ? new Drawn(read) : new DrawFailed(String.valueOf(failure)));
    } else {
      schedule.follow(state);
    }
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onDrawn(State state, Drawn drawn) {
    Optional<Checking> due = schedule.dueNow(state);
    if (due.isEmpty()) {
      return Effect().noReply();
    }
    Checking checking = due.get();
    Instant at = now();
    long epoch = ChallengeRounds.epochOf(at, settings.epochLength());
    byte[] secret = epochs.secret(epoch);
    long checkNo = checking.nextCheckNo();
    Instant next =
        at.plus(
            ServiceCheckDraw.nextCheckDelay(
                secret, checking.assignment(), checkNo + 1, attestation.interval()));
    Event event =
        ServiceCheckRules.draw(
            checking, drawn.inputs(), secret, epoch, at, next, settings, attestation);
    return Effect()
        .persist(event)
        .thenRun(
            updated -> {
              schedule.follow(updated);
              if (event instanceof CheckSkipped skipped && skipped.reason() == Skip.NO_SERVE_URL) {
                judge(checking.assignment().hoster(), new Reputation.ServiceGraded(0, at));
              }
            })
        .thenNoReply();
  }

  /** The providers could not be read: the check is tried again a tenth of an interval later. */
  private ReplyEffect<Event, State> onDrawFailed(State state, DrawFailed failed) {
    context.getLog().warn("cannot draw a service check of {}: {}", entityId, failed.reason());
    schedule.retryDrawAfter(attestation.interval().dividedBy(10));
    return Effect().noReply();
  }

  /** The deadline passed unreported: the attester's fault, never the hoster's. */
  private ReplyEffect<Event, State> onDeadlineDue(State state, DeadlineDue due) {
    Optional<Check> open = ServiceCheckTimers.watching(state).flatMap(Checking::open);
    if (open.isEmpty() || !clock.instant().isAfter(open.get().deadline())) {
      schedule.follow(state);
      return Effect().noReply();
    }
    Instant at = now();
    EthereumAddress attester = open.get().attester();
    return Effect()
        .persist(new CheckExpired(open.get().checkNo(), attester, at))
        .thenRun(
            updated -> {
              schedule.follow(updated);
              judge(attester, new Reputation.ReportCompared(false, at));
            })
        .thenNoReply();
  }

  private void judge(EthereumAddress provider, Reputation.Judgement judgement) {
    judge.accept(provider, judgement);
  }

  private byte[] secretAt(Instant at) {
    return epochs.secret(ChallengeRounds.epochOf(at, settings.epochLength()));
  }

  /** Whole milliseconds, as the journal keeps them, so a recovered entity equals the live one. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private <R> ReplyEffect<Event, State> refuse(
      ActorRef<StatusReply<R>> replyTo, ErrorCode code, String message) {
    return Effect().reply(replyTo, StatusReply.error(new Rejection(code, message)));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent(
            (state, event) ->
                new State(Optional.of(ServiceCheckRules.apply(state, event, attestation))));
  }
}
