package io.cairn.pinning;

import io.cairn.cluster.NodeRole;
import io.cairn.cluster.RememberedEntities;
import io.cairn.core.Core;
import io.cairn.projection.EventSlices;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.ledger.Bytes32;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
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
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One pinning job: a supporter asks the cluster to keep a core on {@code replicas} independent
 * hosters for {@code days} days. Sharded by the job id, which is derived from the supporter and a
 * request id the client chooses ({@link PinRequests#jobId}), so a request sent again (a retry after
 * a lost answer) reaches the same job and changes nothing, as Kafka's idempotent producer does; the
 * same request id with other terms is refused.
 *
 * <p>A job ends when its supporter cancels it or when its time is up. The end is a persisted event
 * in both cases: a timer alone would be forgotten when the entity stops, so the job also checks its
 * end when it recovers and on every command, and a job found past its end persists {@link Expired}
 * before anything else. A running job is a remembered entity, restarted (and so its timer set
 * again) after its node leaves; an ended one passivates itself.
 *
 * <p>A running job also keeps its replicas placed ({@link JobPlacement}): {@link Placed}, one
 * {@link PinnedReplica} each, their reports noted, a FAULTY one {@link Replaced} on another hoster;
 * and it places the blocks its core grows by as new sectors ({@link JobTail}).
 */
public final class PinningJob
    extends EventSourcedBehaviorWithEnforcedReplies<
        PinningJob.Command, PinningJob.Event, PinningJob.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "PinningJob");

  /** The tags the job directory's projection reads. */
  public static final EventSlices SLICES = EventSlices.of(ENTITY_KEY);

  public enum Status {
    REQUESTED,
    CANCELLED,
    EXPIRED
  }

  /**
   * A replica's state: SEALING until hoster and witness agree on its root, ACTIVE while it passes
   * its challenges, FAULTY once it failed (final for the replica), REPLACED once another replica
   * took its place, ENDED when the job ended.
   */
  public enum ReplicaState {
    SEALING,
    ACTIVE,
    FAULTY,
    REPLACED,
    ENDED
  }

  /** What the supporter asks for: a core by its key (64 lowercase hex digits), for how long. */
  public record Terms(String coreKey, int replicas, int days) {}

  /** One replica of the job: where it is placed, how far it got, its root once accepted. */
  public record Replica(ReplicaAssignment assignment, ReplicaState state, Optional<Bytes32> root) {
    public EthereumAddress hoster() {
      return assignment.hoster();
    }

    public int slot() {
      return assignment.slot();
    }

    boolean current() {
      return state != ReplicaState.REPLACED && state != ReplicaState.ENDED;
    }
  }

  // ---- commands ----

  public sealed interface Command {}

  /** Starts the job, or answers it unchanged when the same supporter asks the same again. */
  public record Request(
      EthereumAddress supporter,
      String requestId,
      Terms terms,
      ActorRef<StatusReply<RequestAnswer>> replyTo)
      implements Command {}

  /** Ends the job early; only its supporter may. An ended job is answered unchanged. */
  public record Cancel(EthereumAddress by, ActorRef<StatusReply<Job>> replyTo) implements Command {}

  public record Get(ActorRef<StatusReply<Job>> replyTo) implements Command {}

  /** The job's end may have come: sent by its timer and on recovery, never across nodes. */
  record EndDue() implements Command {}

  /** From a {@link PinnedReplica}: where it stands now. Sent again after its recovery. */
  public record ReplicaChanged(int slot, ReplicaState state, Optional<Bytes32> root)
      implements Command {}

  /** Placement is due: the first one, or a replacement for the FAULTY replica in {@code slot}. */
  record PlaceDue(Optional<Integer> replacing) implements Command {}

  record PlacementMade(Optional<Integer> replacing, Placement.Selection selection)
      implements Command {}

  record PlacementFailed(Optional<Integer> replacing, String reason) implements Command {}

  /** A step of following the core's growth, sent by the job to itself ({@link JobTail}). */
  record TailStep(JobTail.Step step) implements Command {}

  // ---- events ----

  public sealed interface Event {}

  public record Requested(
      EthereumAddress supporter, String requestId, Terms terms, Instant at, Instant endsAt)
      implements Event {}

  public record Cancelled(Instant at, EthereumAddress by) implements Event {}

  public record Expired(Instant at) implements Event {}

  /** The replicas were placed: the supervisor's whole selection, inputs and outcome. */
  public record Placed(Placement.Selection selection, Instant at) implements Event {}

  /** A replica reported a new state, and its root once accepted. */
  public record ReplicaNoted(int slot, ReplicaState state, Optional<Bytes32> root, Instant at)
      implements Event {}

  /** The FAULTY replica in {@code slot} is replaced by the one {@code selection} placed. */
  public record Replaced(int slot, Placement.Selection selection, Instant at) implements Event {}

  /** The core grew to {@code end}, a length its writer signed with tree hash {@code treeHash}. */
  public record TailSeen(long end, Bytes32 treeHash, Instant at) implements Event {}

  /** The unsealed tail was placed as a new sector: the selection's, in new slots. */
  public record TailPlaced(Placement.Selection selection, Instant at) implements Event {}

  // ---- replies ----

  /** A job as it stands; {@code endedAt} once it ended, {@code unsealedTail} while it grows. */
  public record Job(
      Bytes32 jobId,
      EthereumAddress supporter,
      String requestId,
      Terms terms,
      Status status,
      List<Replica> replicas,
      Instant requestedAt,
      Instant endsAt,
      Optional<Instant> endedAt,
      Optional<UnsealedTail> unsealedTail) {
    public Job {
      replicas = List.copyOf(replicas);
    }

    public boolean ended() {
      return status != Status.REQUESTED;
    }

    Optional<Replica> replica(int slot) {
      return replicas.stream().filter(replica -> replica.slot() == slot).findFirst();
    }
  }

  /** The job a request reached, and whether this request started it (not an earlier one). */
  public record RequestAnswer(Job job, boolean created) {}

  // ---- state ----

  /** Empty until the job is requested. */
  public record State(Optional<Job> job) {
    static State empty() {
      return new State(Optional.empty());
    }

    State with(Job changed) {
      return new State(Optional.of(changed));
    }
  }

  // ---- wiring ----

  public static void init(
      ActorSystem<?> system,
      PinningSettings settings,
      Clock clock,
      ActorRef<PinningSupervisor.Command> supervisor,
      Function<byte[], CompletionStage<Core.Info>> coreInfo) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ENTITY_KEY,
                    entity ->
                        create(
                            Bytes32.parse(entity.getEntityId(), "job id"),
                            settings,
                            clock,
                            supervisor,
                            coreInfo,
                            Optional.of(entity.getShard())))
                .withRole(NodeRole.CORE.label())
                // a running job is restarted wherever its shard goes, so its end timer runs again
                .withSettings(RememberedEntities.on(system, NodeRole.CORE)));
  }

  /** {@code shard} is empty outside sharding, as tests run a job: nothing to passivate. */
  public static Behavior<Command> create(
      Bytes32 jobId,
      PinningSettings settings,
      Clock clock,
      ActorRef<PinningSupervisor.Command> supervisor,
      Function<byte[], CompletionStage<Core.Info>> coreInfo,
      Optional<ActorRef<ClusterSharding.ShardCommand>> shard) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers ->
                    new PinningJob(
                        jobId, settings, clock, supervisor, coreInfo, context, timers, shard)));
  }

  private final Bytes32 jobId;
  private final PinningSettings settings;
  private final Clock clock;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Optional<ActorRef<ClusterSharding.ShardCommand>> shard;
  private final JobPlacement placement;
  private final JobTail tail;

  private PinningJob(
      Bytes32 jobId,
      PinningSettings settings,
      Clock clock,
      ActorRef<PinningSupervisor.Command> supervisor,
      Function<byte[], CompletionStage<Core.Info>> coreInfo,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Optional<ActorRef<ClusterSharding.ShardCommand>> shard) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), jobId.toString()),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.jobId = jobId;
    this.settings = settings;
    this.clock = clock;
    this.context = context;
    this.timers = timers;
    this.shard = shard;
    this.placement = new JobPlacement(jobId, settings, supervisor, context, timers);
    this.tail = new JobTail(jobId, settings, supervisor, coreInfo, placement, context, timers);
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return SLICES.tagsFor(jobId.toString());
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state ->
                state
                    .job()
                    .ifPresent(
                        job -> {
                          followEnd(job);
                          placement.keep(job);
                          tail.follow(job);
                        }))
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> builder =
        newCommandHandlerWithReplyBuilder();
    builder
        .forState(state -> state.job().isEmpty())
        .onCommand(Request.class, this::onFirstRequest)
        .onCommand(Cancel.class, (state, command) -> notFound(command.replyTo()))
        .onCommand(Get.class, (state, command) -> notFound(command.replyTo()))
        .onCommand(
            EndDue.class,
            (state, command) -> Effect().none().thenRun(empty -> passivate()).thenNoReply())
        // a replica's report or a placement's answer to a job not (or no longer) there
        .onAnyCommand((state, command) -> Effect().noReply());
    builder
        .forState(state -> state.job().isPresent())
        .onCommand(Request.class, this::onRequestAgain)
        .onCommand(Cancel.class, this::onCancel)
        .onCommand(EndDue.class, this::onEndDue)
        .onCommand(Get.class, this::onGet)
        .onCommand(
            ReplicaChanged.class, (state, c) -> placement.onChanged(Effect(), state, c, now()))
        .onCommand(PlaceDue.class, (state, c) -> placement.onDue(Effect(), state, c))
        .onCommand(PlacementMade.class, (state, c) -> placement.onMade(Effect(), state, c, now()))
        .onCommand(PlacementFailed.class, (state, c) -> placement.onFailed(Effect(), c))
        .onCommand(TailStep.class, (state, c) -> tail.on(Effect(), state, c.step(), now()));
    return builder.build();
  }

  private ReplyEffect<Event, State> onFirstRequest(State state, Request command) {
    Optional<Rejection> problem = PinRequests.problemStarting(command, jobId, settings);
    if (problem.isPresent()) {
      return refuseWhileEmpty(command.replyTo(), problem.get());
    }
    Instant now = now();
    Instant endsAt = now.plus(Duration.ofDays(command.terms().days()));
    return Effect()
        .persist(
            new Requested(command.supporter(), command.requestId(), command.terms(), now, endsAt))
        .thenRun(
            updated -> {
              followEnd(updated.job().get());
              placement.keep(updated.job().get());
              tail.follow(updated.job().get());
            })
        .thenReply(
            command.replyTo(),
            updated -> StatusReply.success(new RequestAnswer(updated.job().get(), true)));
  }

  private ReplyEffect<Event, State> onRequestAgain(State state, Request command) {
    Optional<Rejection> problem =
        PinRequests.problemWith(command.requestId(), command.terms(), settings);
    if (problem.isPresent()) {
      return Effect().reply(command.replyTo(), StatusReply.error(problem.get()));
    }
    Job job = state.job().get();
    problem = PinRequests.conflict(job, command);
    if (problem.isPresent()) {
      return Effect().reply(command.replyTo(), StatusReply.error(problem.get()));
    }
    if (pastItsEnd(job)) {
      return expire(Optional.of(command.replyTo()), updated -> new RequestAnswer(updated, false));
    }
    return Effect().reply(command.replyTo(), StatusReply.success(new RequestAnswer(job, false)));
  }

  private ReplyEffect<Event, State> onGet(State state, Get command) {
    Job job = state.job().get();
    if (pastItsEnd(job)) {
      return expire(Optional.of(command.replyTo()), updated -> updated);
    }
    return Effect().reply(command.replyTo(), StatusReply.success(job));
  }

  private ReplyEffect<Event, State> onCancel(State state, Cancel command) {
    Job job = state.job().get();
    if (!job.supporter().equals(command.by())) {
      return refuse(
          command.replyTo(),
          ErrorCode.NOT_PERMITTED,
          "only the supporter " + job.supporter() + " may cancel job " + jobId);
    }
    if (pastItsEnd(job)) {
      return expire(Optional.of(command.replyTo()), updated -> updated);
    }
    if (job.ended()) {
      return Effect().reply(command.replyTo(), StatusReply.success(job));
    }
    return Effect()
        .persist(new Cancelled(now(), command.by()))
        .thenRun(updated -> followEnd(updated.job().get()))
        .thenReply(command.replyTo(), updated -> StatusReply.success(updated.job().get()));
  }

  /**
   * A running job whose end has come, though {@link EndDue} has not arrived yet (the entity was
   * just woken by this command): it answers as expired, so the end is persisted first.
   */
  private boolean pastItsEnd(Job job) {
    return !job.ended() && !clock.instant().isBefore(job.endsAt());
  }

  /** Persists the end, then answers {@code replyTo} (none when the job's timer found it). */
  private <R> ReplyEffect<Event, State> expire(
      Optional<ActorRef<StatusReply<R>>> replyTo, Function<Job, R> answer) {
    EffectBuilder<Event, State> expired =
        Effect().persist(new Expired(now())).thenRun(updated -> followEnd(updated.job().get()));
    return replyTo.isEmpty()
        ? expired.thenNoReply()
        : expired.thenReply(
            replyTo.get(), updated -> StatusReply.success(answer.apply(updated.job().get())));
  }

  /**
   * A running job waits for its end. An ended one retires its replicas and asks its shard to stop
   * it (dropping it from the remembered entities); it recovers when asked again.
   */
  private void followEnd(Job job) {
    if (!job.ended()) {
      JobEndTimer.watch(job, clock, context, timers);
      return;
    }
    timers.cancel(EndDue.class);
    tail.stop();
    placement.retireAll(job);
    passivate();
  }

  private void passivate() {
    shard.ifPresent(shardRef -> shardRef.tell(new ClusterSharding.Passivate<>(context.getSelf())));
  }

  /** Refuses, and stops: an entity with no job would otherwise stay remembered (and in memory). */
  private <R> ReplyEffect<Event, State> refuseWhileEmpty(
      ActorRef<StatusReply<R>> replyTo, Rejection rejection) {
    return Effect()
        .none()
        .thenRun(state -> passivate())
        .thenReply(replyTo, state -> StatusReply.error(rejection));
  }

  private ReplyEffect<Event, State> onEndDue(State state, EndDue command) {
    Job job = state.job().get();
    if (job.ended()) {
      return Effect().noReply();
    }
    if (clock.instant().isBefore(job.endsAt())) {
      JobEndTimer.watch(job, clock, context, timers);
      return Effect().noReply();
    }
    return expire(Optional.empty(), updated -> updated);
  }

  /** Whole milliseconds, as the journal keeps them, so a recovered job equals the live one. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private <R> ReplyEffect<Event, State> notFound(ActorRef<StatusReply<R>> replyTo) {
    return refuseWhileEmpty(
        replyTo, new Rejection(ErrorCode.PIN_JOB_NOT_FOUND, "no pinning job " + jobId));
  }

  private <R> ReplyEffect<Event, State> refuse(
      ActorRef<StatusReply<R>> replyTo, ErrorCode code, String message) {
    return Effect().reply(replyTo, StatusReply.error(new Rejection(code, message)));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent((state, event) -> state.with(JobRules.apply(jobId, state, event)));
  }
}
