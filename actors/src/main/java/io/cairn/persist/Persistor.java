package io.cairn.persist;

import io.cairn.cluster.NodeRole;
import io.cairn.cluster.RememberedEntities;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.event.EventSigner;
import io.cairn.protocol.persist.Checkpoint;
import io.cairn.protocol.persist.PairSealing;
import io.cairn.stream.PartitionFeed;
import io.cairn.stream.StreamPartition.Position;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.apache.pekko.stream.Materializer;

/**
 * The persistor of one stream (Resourced's persistor), sharded by stream id on the nodes with the
 * {@code persistor} role and remembered by sharding, so an appointed persistor starts again by
 * itself after a restart or a move. Its {@link PartitionFollowers} follow every partition of its
 * stream from the last event it recorded and hand it each event's pairs, opened off its thread
 * ({@link PairExtraction}); it records each address's first pair once, in order, under a {@link
 * io.cairn.protocol.persist.PairAccumulator}. Each interval in which the count changed it publishes
 * a signed {@link Checkpoint} on partition 0 ({@link PersistorChain}); in rebroadcast mode it also
 * republishes its pairs ({@link Rebroadcaster}), a bounded number of pages per interval.
 *
 * <p>At rest the journal holds no data key in clear: each pair is sealed under the group key of the
 * event it came in ({@link PairSealing}), next to its merkle leaf and address fingerprint, so
 * recovery needs no key and catch-up pages are served without decrypting anything.
 *
 * <p>Whatever runs elsewhere (reading the stream, opening events, reading pairs back) gets the
 * values it needs from the state here, before it starts, and hands its result back as a command.
 */
public final class Persistor
    extends EventSourcedBehaviorWithEnforcedReplies<
        Persistor.Command, Persistor.Event, PersistorState> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Persistor");

  /** The message chain id of the persistor's own events on its stream. */
  public static final String CHAIN_ID = "persistor";

  public enum Mode {
    CHECKPOINT,
    REBROADCAST
  }

  // ---- commands ----

  public sealed interface Command {}

  /**
   * Appoints the persistor, or changes its settings; an empty interval is the node's default. With
   * {@code whileLicensed} it follows the stream only while at least one licence on it is active.
   */
  public record Configure(
      Mode mode,
      Optional<Duration> interval,
      boolean whileLicensed,
      ActorRef<StatusReply<Status>> replyTo)
      implements Command {}

  public record GetStatus(ActorRef<StatusReply<Status>> replyTo) implements Command {}

  /** Where the catch-up read of pairs [from, to) starts; {@code to} of -1 is the count. */
  public record Locate(long from, long to, ActorRef<StatusReply<Located>> replyTo)
      implements Command {}

  /** From a follower: the last event it read of {@code partition}, which is to be read after. */
  record GetPosition(int partition, ActorRef<Long> replyTo) implements Command {}

  /**
   * From a follower: events of {@code partition} read up to {@code readTo}, and the pairs of those
   * that hold any, in order; answered once they are recorded.
   */
  record Record(
      int partition, long readTo, List<PairExtraction.Pairs> pairs, ActorRef<Done> replyTo)
      implements Command {
    Record {
      pairs = List.copyOf(pairs);
    }
  }

  /** From {@link PersistorLicences}: the stream's licences changed; answered once taken in. */
  public record LicencesChanged(ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /** From its {@link LicenceWatch}: a licence is active until then (none: empty), read at then. */
  record LicencesRead(Optional<Instant> licencedUntil, Instant readAt) implements Command {}

  /** Following may have to stop now: the latest licence's end has come, or is nearer. */
  enum FollowingDue implements Command {
    INSTANCE
  }

  /** The interval's work is due: a checkpoint, and in rebroadcast mode the next pages. */
  enum Tick implements Command {
    INSTANCE
  }

  /**
   * Pair contents to republish under {@code key}; the next interval starts at {@code nextIndex}.
   */
  record RebroadcastReady(List<byte[]> contents, GroupKey key, long nextIndex) implements Command {}

  record RebroadcastFailed(Throwable failure) implements Command {}

  // ---- events ----

  public sealed interface Event {}

  public record Configured(Mode mode, Optional<Duration> interval, boolean whileLicensed)
      implements Event {}

  /** Set to follow only while licensed, it follows until {@code until} (a past one: it stopped). */
  public record FollowUntilSet(Instant until) implements Event {}

  /**
   * New pairs from the event {@code sequenceNr} of {@code partition}: pair {@code firstIndex + i}
   * is {@code sealedPairs[i]} under group key {@code groupKeyId}, with its 32-byte leaf at {@code
   * leaves[32 i]} and its address fingerprint {@code fingerprints[i]}.
   */
  public record PairsRecorded(
      int partition,
      long sequenceNr,
      long firstIndex,
      String groupKeyId,
      List<byte[]> sealedPairs,
      byte[] leaves,
      long[] fingerprints)
      implements Event {
    public PairsRecorded {
      sealedPairs = List.copyOf(sealedPairs);
      if (leaves.length != sealedPairs.size() * 32 || fingerprints.length != sealedPairs.size()) {
        throw new IllegalArgumentException("a leaf and a fingerprint per sealed pair");
      }
    }

    public int size() {
      return sealedPairs.size();
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof PairsRecorded that
          && partition == that.partition
          && sequenceNr == that.sequenceNr
          && firstIndex == that.firstIndex
          && groupKeyId.equals(that.groupKeyId)
          && Arrays.equals(leaves, that.leaves)
          && Arrays.equals(fingerprints, that.fingerprints)
          && Arrays.deepEquals(sealedPairs.toArray(), that.sealedPairs.toArray());
    }

    @Override
    public int hashCode() {
      return Long.hashCode(firstIndex) * 31 + partition;
    }

    @Override
    public String toString() {
      return "PairsRecorded[" + partition + "#" + sequenceNr + ", pairs from " + firstIndex + "]";
    }
  }

  /** Events of the partitions read without new pairs up to these sequence numbers. */
  public record PositionsAdvanced(Map<Integer, Long> positions) implements Event {
    public PositionsAdvanced {
      positions = Map.copyOf(positions);
    }
  }

  /** A checkpoint signed at the chain's next place, written down before it is published. */
  public record CheckpointSigned(SignedCheckpoint checkpoint) implements Event {}

  /** Rebroadcast events about to be published: the chain's new head, the next one's first pair. */
  public record RebroadcastAdvanced(Position head, long nextIndex) implements Event {}

  // ---- replies ----

  public record Status(
      String streamId,
      Mode mode,
      Duration interval,
      long count,
      byte[] root,
      String serviceAddress,
      Optional<SignedCheckpoint> checkpoint,
      boolean whileLicensed,
      Optional<Instant> followUntil,
      Optional<String> pausedBecause) {
    public String rootHex() {
      return HexFormat.of().formatHex(root);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Status that
          && streamId.equals(that.streamId)
          && mode == that.mode
          && interval.equals(that.interval)
          && count == that.count
          && Arrays.equals(root, that.root)
          && serviceAddress.equals(that.serviceAddress)
          && checkpoint.equals(that.checkpoint)
          && whileLicensed == that.whileLicensed
          && followUntil.equals(that.followUntil)
          && pausedBecause.equals(that.pausedBecause);
    }

    @Override
    public int hashCode() {
      return streamId.hashCode() * 31 + Long.hashCode(count);
    }
  }

  /**
   * Pairs [from, to) of a persistor holding {@code count}, read from its journal at {@code
   * fromSequenceNr}.
   */
  public record Located(long from, long to, long count, long fromSequenceNr) {}

  // ---- wiring ----

  /**
   * Starts the sharded persistors, remembered in the journal (the event-sourced store of remembered
   * entities), on the nodes with the persistor role; elsewhere a proxy.
   */
  public static void init(
      ActorSystem<?> system, PersistorSettings settings, PersistorServices services) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ENTITY_KEY,
                    context ->
                        create(context.getEntityId(), settings, services, context.getShard()))
                .withRole(NodeRole.PERSISTOR.label())
                .withSettings(RememberedEntities.on(system, NodeRole.PERSISTOR)));
  }

  /** Reaches the persistors of other nodes from a node without the persistor role. */
  public static void initProxy(ActorSystem<?> system) {
    ClusterSharding.get(system)
        .init(
            Entity.of(ENTITY_KEY, context -> Behaviors.<Command>empty())
                .withRole(NodeRole.PERSISTOR.label()));
  }

  /**
   * @param shard the shard this persistor runs in, asked to stop and forget it when nobody
   *     appointed it: a stream must not stay remembered because someone asked about its persistor
   */
  private static Behavior<Command> create(
      String streamId,
      PersistorSettings settings,
      PersistorServices services,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new Persistor(context, timers, streamId, settings, services, shard)));
  }

  private final ActorContext<Command> context;
  private final String streamId;
  private final PersistorSettings settings;
  private final PersistorServices services;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final KeyCache keys;
  private final PersistorIntervals intervals;
  private final LicensedFollowing following;

  private Persistor(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      String streamId,
      PersistorSettings settings,
      PersistorServices services,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), streamId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.context = context;
    this.streamId = streamId;
    this.settings = settings;
    this.services = services;
    this.shard = shard;
    this.keys = new KeyCache(context.getSystem(), services.keys(), streamId);
    this.intervals =
        new PersistorIntervals(
            context,
            timers,
            streamId,
            settings,
            new PersistorChain(streamId, new EventSigner(services.signer()), services.publisher()),
            new Rebroadcaster(
                streamId,
                keys,
                new PairJournal(context.getSystem(), services.readJournalPluginId()),
                settings.rebroadcastPageSize(),
                Materializer.createMaterializer(context)));
    this.following =
        new LicensedFollowing(
            context,
            timers,
            services.clock(),
            () ->
                PartitionFollowers.create(
                    streamId,
                    context.getSelf(),
                    new PartitionFeed(context.getSystem(), services.resends()),
                    keys,
                    HexFormat.of().parseHex(services.signer().address().value().substring(2)),
                    settings),
            () -> LicenceWatch.create(streamId, context.getSelf(), services.clock(), settings));
  }

  /** The persistence id of the persistor of {@code streamId}, whose events catch-up reads. */
  public static String persistenceId(String streamId) {
    return PersistenceId.of(ENTITY_KEY.name(), streamId).id();
  }

  @Override
  public PersistorState emptyState() {
    return new PersistorState();
  }

  @Override
  public SignalHandler<PersistorState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.class,
            (state, completed) -> {
              if (state.appointed()) {
                start(state);
              }
            })
        .build();
  }

  /** Starts following the stream (if licensed) and the intervals, as appointed or recovered. */
  private void start(PersistorState state) {
    following.begin(state);
    intervals.next(state);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, PersistorState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Configure.class, this::onConfigure)
        .onCommand(
            GetStatus.class,
            (state, command) ->
                Effect()
                    .reply(
                        command.replyTo(),
                        state.appointed() ? StatusReply.success(status(state)) : notAppointed()))
        .onCommand(
            Locate.class,
            (state, command) ->
                state.appointed()
                    ? PairRecording.locate(Effect(), state, command)
                    : Effect().reply(command.replyTo(), notAppointed()))
        .onCommand(
            GetPosition.class,
            (state, command) ->
                Effect().reply(command.replyTo(), state.position(command.partition())))
        .onCommand(Record.class, (state, record) -> PairRecording.record(Effect(), state, record))
        .onCommand(LicencesChanged.class, this::onLicencesChanged)
        .onCommand(
            LicencesRead.class, (state, read) -> following.licencesRead(Effect(), state, read))
        .onCommand(FollowingDue.class, (state, due) -> following.due(Effect(), state))
        .onCommand(
            Tick.class, (state, tick) -> intervals.due(Effect(), state, following.following()))
        .onCommand(
            RebroadcastReady.class, (state, ready) -> intervals.rebroadcast(Effect(), state, ready))
        .onCommand(
            RebroadcastFailed.class,
            (state, failed) -> intervals.rebroadcastFailed(Effect(), state, failed))
        .build();
  }

  private <T> StatusReply<T> notAppointed() {
    forget();
    return StatusReply.error(
        new Rejection(
            ErrorCode.PERSISTOR_NOT_APPOINTED,
            "no persistor is appointed for stream "
                + streamId
                + "; its owner appoints one with PUT /streams/{id}/persistor"));
  }

  /** Stops a persistor nobody appointed, so that sharding does not remember it. */
  private void forget() {
    shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
  }

  private ReplyEffect<Event, PersistorState> onLicencesChanged(
      PersistorState state, LicencesChanged changed) {
    if (!state.appointed()) {
      forget();
    } else if (state.whileLicensed()) {
      following.checkLicences();
    }
    return Effect().reply(changed.replyTo(), StatusReply.ack());
  }

  private Status status(PersistorState state) {
    return new Status(
        streamId,
        state.mode(),
        state.interval().orElse(settings.interval()),
        state.pairs().count(),
        state.pairs().root(),
        services.signer().address().value(),
        state.checkpoint(),
        state.whileLicensed(),
        state.followUntil(),
        following.pausedBecause(state));
  }

  private ReplyEffect<Event, PersistorState> onConfigure(PersistorState state, Configure command) {
    if (command.interval().isPresent()
        && command.interval().get().compareTo(settings.minInterval()) < 0) {
      return Effect()
          .reply(
              command.replyTo(),
              StatusReply.error(
                  new Rejection(
                      ErrorCode.INVALID_PERSISTOR_SETTINGS,
                      "the interval is at least " + settings.minInterval().toMillis() + " ms")));
    }
    boolean first = !state.appointed();
    return Effect()
        .persist(new Configured(command.mode(), command.interval(), command.whileLicensed()))
        .thenRun(
            after -> {
              if (first) {
                start(after);
              } else {
                following.reconfigured(state.whileLicensed(), after);
                intervals.next(after);
              }
            })
        .thenReply(command.replyTo(), after -> StatusReply.success(status(after)));
  }

  // ---- events ----

  @Override
  public EventHandler<PersistorState, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Configured.class, PersistorState::configured)
        .onEvent(FollowUntilSet.class, PersistorState::followUntilSet)
        .onEvent(
            PairsRecorded.class,
            (state, recorded) -> state.recorded(recorded, lastSequenceNumber(context)))
        .onEvent(PositionsAdvanced.class, PersistorState::advanced)
        .onEvent(CheckpointSigned.class, PersistorState::checkpointSigned)
        .onEvent(RebroadcastAdvanced.class, PersistorState::rebroadcastAdvanced)
        .build();
  }
}
