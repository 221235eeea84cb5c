package io.cairn.pinning;

import io.cairn.cluster.NodeRole;
import io.cairn.projection.EventSlices;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.ledger.Bytes32;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
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
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
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
 * <p>A running job is also the process that keeps its replicas placed: it asks the {@link
 * PinningSupervisor} to place them ({@link Placed}, the whole selection kept), starts a {@link
 * PinnedReplica} for each, notes what each reports, and has a FAULTY one replaced ({@link
 * Replaced}) by a replica on another hoster. A placement that finds too few providers is tried again
 * after {@code placement-retry}; on recovery the job starts its replicas again (harmless), so a
 * start lost with a node is not lost for good.
 */
public final class PinningJob
    extends EventSourcedBehaviorWithEnforcedReplies<
        PinningJob.Command, PinningJob.Event, PinningJob.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "PinningJob");

  /** The tags the job directory's projection reads. */
  public static final EventSlices SLICES = EventSlices.of(ENTITY_KEY);

  /**
   * Pekko's scheduler refuses delays of more than about 248 days, and a job may last ten years: the
   * expiry timer is set at most this far ahead and set again when it fires early.
   */
  private static final Duration LONGEST_TIMER = Duration.ofDays(1);

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
  private record EndDue() implements Command {}

  /** From a {@link PinnedReplica}: where it stands now. Sent again after its recovery. */
  public record ReplicaChanged(int slot, ReplicaState state, Optional<Bytes32> root)
      implements Command {}

  /** Placement is due: the first one, or a replacement for the FAULTY replica in {@code slot}. */
  private record PlaceDue(Optional<Integer> replacing) implements Command {}

  private record PlacementMade(Optional<Integer> replacing, Placement.Selection selection)
      implements Command {}

  private record PlacementFailed(Optional<Integer> replacing, String reason) implements Command {}

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

  // ---- replies ----

  /**
   * A job as it stands. {@code replicas} is filled by the supervisor as it selects hosters; {@code
   * endedAt} is set once the job is cancelled or expired.
   */
  public record Job(
      Bytes32 jobId,
      EthereumAddress supporter,
      String requestId,
      Terms terms,
      Status status,
      List<Replica> replicas,
      Instant requestedAt,
      Instant endsAt,
      Optional<Instant> endedAt) {
    public Job {
      replicas = List.copyOf(replicas);
    }

    public boolean ended() {
      return status != Status.REQUESTED;
    }

    Job ending(Status status, Instant at) {
      return new Job(
          jobId,
          supporter,
          requestId,
          terms,
          status,
          replicas,
          requestedAt,
          endsAt,
          Optional.of(at));
    }

    Job withReplicas(List<Replica> newReplicas) {
      return new Job(
          jobId, supporter, requestId, terms, status, newReplicas, requestedAt, endsAt, endedAt);
    }

    /** The slot a new replica takes: one past every slot used so far. */
    int nextSlot() {
      return replicas.stream().mapToInt(Replica::slot).max().orElse(-1) + 1;
    }

    /** Who may not host a new replica: the supporter and every provider of the job so far. */
    List<EthereumAddress> excludedHosters() {
      Set<EthereumAddress> excluded = new java.util.LinkedHashSet<>();
      excluded.add(supporter);
      replicas.forEach(
          replica -> {
            excluded.add(replica.assignment().hoster());
            excluded.add(replica.assignment().encoder());
          });
      return List.copyOf(excluded);
    }

    /** Who may not witness: the supporter and the job's hosters (an encoder may witness again). */
    List<EthereumAddress> excludedEncoders() {
      Set<EthereumAddress> excluded = new java.util.LinkedHashSet<>();
      excluded.add(supporter);
      replicas.forEach(replica -> excluded.add(replica.assignment().hoster()));
      return List.copyOf(excluded);
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
  }

  // ---- wiring ----

  public static void init(
      ActorSystem<?> system,
      PinningSettings settings,
      Clock clock,
      ActorRef<PinningSupervisor.Command> supervisor) {
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
                            Optional.of(entity.getShard())))
                .withRole(NodeRole.CORE.label())
                // a running job is restarted wherever its shard goes, so its end timer runs again
                .withSettings(
                    ClusterShardingSettings.create(system)
                        .withRole(NodeRole.CORE.label())
                        .withRememberEntities(true)
                        .withRememberEntitiesStoreMode(
                            ClusterShardingSettings.RememberEntitiesStoreModeEventSourced$
                                .MODULE$)));
  }

  /** {@code shard} is empty outside sharding, as tests run a job: nothing to passivate. */
  public static Behavior<Command> create(
      Bytes32 jobId,
      PinningSettings settings,
      Clock clock,
      ActorRef<PinningSupervisor.Command> supervisor,
      Optional<ActorRef<ClusterSharding.ShardCommand>> shard) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers ->
                    new PinningJob(jobId, settings, clock, supervisor, context, timers, shard)));
  }

  private final Bytes32 jobId;
  private final PinningSettings settings;
  private final Clock clock;
  private final ActorRef<PinningSupervisor.Command> supervisor;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Optional<ActorRef<ClusterSharding.ShardCommand>> shard;

  private PinningJob(
      Bytes32 jobId,
      PinningSettings settings,
      Clock clock,
      ActorRef<PinningSupervisor.Command> supervisor,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Optional<ActorRef<ClusterSharding.ShardCommand>> shard) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), jobId.toString()),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.jobId = jobId;
    this.settings = settings;
    this.clock = clock;
    this.supervisor = supervisor;
    this.context = context;
    this.timers = timers;
    this.shard = shard;
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
                          keepReplicas(job);
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
        .onCommand(ReplicaChanged.class, (state, command) -> Effect().noReply())
        .onCommand(PlaceDue.class, (state, command) -> Effect().noReply())
        .onCommand(PlacementMade.class, (state, command) -> Effect().noReply())
        .onCommand(PlacementFailed.class, (state, command) -> Effect().noReply());
    builder
        .forState(state -> state.job().isPresent())
        .onCommand(Request.class, this::onRequestAgain)
        .onCommand(Cancel.class, this::onCancel)
        .onCommand(EndDue.class, this::onEndDue)
        .onCommand(Get.class, this::onGet)
        .onCommand(ReplicaChanged.class, this::onReplicaChanged)
        .onCommand(PlaceDue.class, this::onPlaceDue)
        .onCommand(PlacementMade.class, this::onPlacementMade)
        .onCommand(PlacementFailed.class, this::onPlacementFailed);
    return builder.build();
  }

  private ReplyEffect<Event, State> onFirstRequest(State state, Request command) {
    Optional<Rejection> problem =
        PinRequests.problemWith(command.requestId(), command.terms(), settings);
    if (problem.isEmpty()
        && !PinRequests.jobId(command.supporter(), command.requestId()).equals(jobId)) {
      problem =
          PinRequests.invalid(
              "request " + command.requestId() + " of " + command.supporter() + " is not " + jobId);
    }
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
              keepReplicas(updated.job().get());
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
    if (!job.supporter().equals(command.supporter())
        || !job.requestId().equals(command.requestId())
        || !job.terms().equals(command.terms())) {
      return refuse(
          command.replyTo(),
          ErrorCode.PIN_REQUEST_CONFLICT,
          "request "
              + command.requestId()
              + " started "
              + jobId
              + " with other terms: "
              + job.terms());
    }
    if (pastItsEnd(job)) {
      return expire(command.replyTo(), updated -> new RequestAnswer(updated, false));
    }
    return Effect().reply(command.replyTo(), StatusReply.success(new RequestAnswer(job, false)));
  }

  private ReplyEffect<Event, State> onGet(State state, Get command) {
    Job job = state.job().get();
    if (pastItsEnd(job)) {
      return expire(command.replyTo(), updated -> updated);
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
      return expire(command.replyTo(), updated -> updated);
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

  private <R> ReplyEffect<Event, State> expire(
      ActorRef<StatusReply<R>> replyTo, Function<Job, R> answer) {
    return Effect()
        .persist(new Expired(now()))
        .thenRun(updated -> followEnd(updated.job().get()))
        .thenReply(replyTo, updated -> StatusReply.success(answer.apply(updated.job().get())));
  }

  /**
   * A running job waits for its end ({@link #watchEnd}). An ended job needs no timer and no place
   * in memory: it asks its shard to stop it, which also drops it from the remembered entities; it
   * recovers when asked again.
   */
  private void followEnd(Job job) {
    if (!job.ended()) {
      watchEnd(job);
      return;
    }
    timers.cancel(EndDue.class);
    timers.cancel(PlaceDue.class);
    job.replicas().stream()
        .filter(Replica::current)
        .forEach(replica -> replicaRef(replica).tell(new PinnedReplica.Retire(ReplicaState.ENDED)));
    passivate();
  }

  /**
   * What a running job owes its replicas: a placement if it has none, a replacement for each FAULTY
   * one, and a start for every current one (sent again after recovery; the replica ignores it).
   */
  private void keepReplicas(Job job) {
    if (job.ended()) {
      return;
    }
    if (job.replicas().isEmpty()) {
      context.getSelf().tell(new PlaceDue(Optional.empty()));
      return;
    }
    for (Replica replica : job.replicas()) {
      if (replica.state() == ReplicaState.FAULTY) {
        context.getSelf().tell(new PlaceDue(Optional.of(replica.slot())));
      } else if (replica.current()) {
        replicaRef(replica).tell(new PinnedReplica.Start(replica.assignment()));
      }
    }
  }

  private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<PinnedReplica.Command>
      replicaRef(Replica replica) {
    return ClusterSharding.get(context.getSystem())
        .entityRefFor(PinnedReplica.ENTITY_KEY, replica.assignment().entityId());
  }

  private ReplyEffect<Event, State> onReplicaChanged(State state, ReplicaChanged command) {
    Job job = state.job().get();
    Optional<Replica> known = job.replica(command.slot());
    if (known.isEmpty()
        || !known.get().current()
        || (known.get().state() == command.state() && known.get().root().equals(command.root()))) {
      return Effect().noReply();
    }
    return Effect()
        .persist(new ReplicaNoted(command.slot(), command.state(), command.root(), now()))
        .thenRun(
            updated -> {
              if (command.state() == ReplicaState.FAULTY && !job.ended()) {
                context.getSelf().tell(new PlaceDue(Optional.of(command.slot())));
              }
            })
        .thenNoReply();
  }

  /** Asks the supervisor to place replicas; its answer comes back as a command. */
  private ReplyEffect<Event, State> onPlaceDue(State state, PlaceDue command) {
    Job job = state.job().get();
    if (job.ended() || !placementStillNeeded(job, command.replacing())) {
      return Effect().noReply();
    }
    Optional<ReplicaAssignment> replacing =
        command.replacing().flatMap(job::replica).map(Replica::assignment);
    context.askWithStatus(
        Placement.Selection.class,
        supervisor,
        settings.askTimeout(),
        replyTo ->
            new PinningSupervisor.Place(
                jobId,
                job.terms().coreKey(),
                job.terms().replicas(),
                job.nextSlot(),
                replacing,
                job.excludedHosters(),
                job.excludedEncoders(),
                replyTo),
        (selection, failure) ->
            failure == null
                ? new PlacementMade(command.replacing(), selection)
                : new PlacementFailed(command.replacing(), failure.getMessage()));
    return Effect().noReply();
  }

  private static boolean placementStillNeeded(Job job, Optional<Integer> replacing) {
    if (replacing.isEmpty()) {
      return job.replicas().isEmpty();
    }
    return job.replica(replacing.get())
        .filter(replica -> replica.state() == ReplicaState.FAULTY)
        .isPresent();
  }

  private ReplyEffect<Event, State> onPlacementMade(State state, PlacementMade command) {
    Job job = state.job().get();
    Placement.Selection selection = command.selection();
    if (job.ended()
        || !placementStillNeeded(job, command.replacing())
        || selection.firstSlot() != job.nextSlot()) {
      return Effect().noReply();
    }
    if (!selection.complete()) {
      return retryPlacement(
          command.replacing(),
          "only "
              + selection.assignments().size()
              + " of "
              + selection.sectors().size() * selection.replicasPerSector()
              + " replicas found providers apart from each other");
    }
    Event placed =
        command.replacing().isEmpty()
            ? new Placed(selection, now())
            : new Replaced(command.replacing().get(), selection, now());
    return Effect()
        .persist(placed)
        .thenRun(
            updated -> {
              command
                  .replacing()
                  .flatMap(updated.job().get()::replica)
                  .ifPresent(
                      old ->
                          replicaRef(old).tell(new PinnedReplica.Retire(ReplicaState.REPLACED)));
              selection
                  .assignments()
                  .forEach(
                      assignment ->
                          ClusterSharding.get(context.getSystem())
                              .entityRefFor(PinnedReplica.ENTITY_KEY, assignment.entityId())
                              .tell(new PinnedReplica.Start(assignment)));
            })
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onPlacementFailed(State state, PlacementFailed command) {
    return retryPlacement(command.replacing(), command.reason());
  }

  private ReplyEffect<Event, State> retryPlacement(Optional<Integer> replacing, String reason) {
    context
        .getLog()
        .warn(
            "Job {} cannot place {} now, trying again in {}: {}",
            jobId,
            replacing.map(slot -> "a replacement for slot " + slot).orElse("its replicas"),
            settings.placementRetry(),
            reason);
    timers.startSingleTimer(
        replacing.map(slot -> (Object) ("replace-" + slot)).orElse(PlaceDue.class),
        new PlaceDue(replacing),
        settings.placementRetry());
    return Effect().noReply();
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
      watchEnd(job);
      return Effect().noReply();
    }
    return Effect()
        .persist(new Expired(now()))
        .thenRun(updated -> followEnd(updated.job().get()))
        .thenNoReply();
  }

  /**
   * Tells this job {@link EndDue} when its end comes, or now if it has passed (as on recovery after
   * the end): a timer is kept only while the entity lives, the event must be persisted.
   */
  private void watchEnd(Job job) {
    Duration left = Duration.between(clock.instant(), job.endsAt());
    if (left.isNegative() || left.isZero()) {
      context.getSelf().tell(new EndDue());
    } else {
      timers.startSingleTimer(
          EndDue.class, new EndDue(), left.compareTo(LONGEST_TIMER) < 0 ? left : LONGEST_TIMER);
    }
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

  /** The job's replicas with the selection's added, and the replaced one marked so. */
  private static State withReplicas(
      State state,
      List<Replica> before,
      Placement.Selection selection,
      Optional<Integer> replaced) {
    List<Replica> replicas = new ArrayList<>();
    for (Replica replica : before) {
      replicas.add(
          replaced.isPresent() && replica.slot() == replaced.get()
              ? new Replica(replica.assignment(), ReplicaState.REPLACED, replica.root())
              : replica);
    }
    selection
        .assignments()
        .forEach(
            assignment ->
                replicas.add(new Replica(assignment, ReplicaState.SEALING, Optional.empty())));
    return new State(Optional.of(state.job().orElseThrow().withReplicas(replicas)));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            Requested.class,
            (state, event) ->
                new State(
                    Optional.of(
                        new Job(
                            jobId,
                            event.supporter(),
                            event.requestId(),
                            event.terms(),
                            Status.REQUESTED,
                            List.of(),
                            event.at(),
                            event.endsAt(),
                            Optional.empty()))))
        .onEvent(
            Cancelled.class,
            (state, event) ->
                new State(
                    Optional.of(state.job().orElseThrow().ending(Status.CANCELLED, event.at()))))
        .onEvent(
            Expired.class,
            (state, event) ->
                new State(
                    Optional.of(state.job().orElseThrow().ending(Status.EXPIRED, event.at()))))
        .onEvent(
            Placed.class,
            (state, event) -> withReplicas(state, List.of(), event.selection(), Optional.empty()))
        .onEvent(
            Replaced.class,
            (state, event) ->
                withReplicas(
                    state,
                    state.job().orElseThrow().replicas(),
                    event.selection(),
                    Optional.of(event.slot())))
        .onEvent(
            ReplicaNoted.class,
            (state, event) -> {
              Job job = state.job().orElseThrow();
              List<Replica> replicas = new ArrayList<>();
              for (Replica replica : job.replicas()) {
                replicas.add(
                    replica.slot() == event.slot()
                        ? new Replica(replica.assignment(), event.state(), event.root())
                        : replica);
              }
              return new State(Optional.of(job.withReplicas(replicas)));
            })
        .build();
  }
}
