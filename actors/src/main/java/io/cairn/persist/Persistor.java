package io.cairn.persist;

import io.cairn.cluster.NodeRole;
import io.cairn.keys.StreamKeys;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.event.EventSigner;
import io.cairn.protocol.event.EvmSigner;
import io.cairn.protocol.persist.Checkpoint;
import io.cairn.protocol.persist.PairSealing;
import io.cairn.stream.PartitionFeed;
import io.cairn.stream.Publisher;
import io.cairn.stream.Resends;
import io.cairn.stream.StreamPartition.Position;
import java.time.Duration;
import java.util.ArrayList;
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
   * Appoints the persistor, or changes its mode and interval; an empty interval is the node's
   * default.
   */
  public record Configure(
      Mode mode, Optional<Duration> interval, ActorRef<StatusReply<Status>> replyTo)
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

  public record Configured(Mode mode, Optional<Duration> interval) implements Event {}

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
      Optional<SignedCheckpoint> checkpoint) {
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
          && checkpoint.equals(that.checkpoint);
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

  /** What a persistor uses besides its journal. */
  public record Services(
      StreamKeys keys,
      EvmSigner signer,
      Publisher publisher,
      Resends resends,
      String readJournalPluginId) {}

  /**
   * Starts the sharded persistors, remembered in the journal (the event-sourced store of remembered
   * entities), on the nodes with the persistor role; elsewhere a proxy.
   */
  public static void init(ActorSystem<?> system, PersistorSettings settings, Services services) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ENTITY_KEY,
                    context ->
                        create(context.getEntityId(), settings, services, context.getShard()))
                .withRole(NodeRole.PERSISTOR.label())
                .withSettings(
                    ClusterShardingSettings.create(system)
                        .withRole(NodeRole.PERSISTOR.label())
                        .withRememberEntities(true)
                        .withRememberEntitiesStoreMode(
                            ClusterShardingSettings.RememberEntitiesStoreModeEventSourced$
                                .MODULE$)));
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
      Services services,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new Persistor(context, timers, streamId, settings, services, shard)));
  }

  private final ActorContext<Command> context;
  private final String streamId;
  private final PersistorSettings settings;
  private final Services services;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final KeyCache keys;
  private final PersistorIntervals intervals;

  private Persistor(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      String streamId,
      PersistorSettings settings,
      Services services,
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

  /**
   * Starts following the stream and the intervals, as appointed or after recovery. The followers
   * have no name, which a follower stopped by a restart after a journal failure might still hold.
   */
  private void start(PersistorState state) {
    context.spawnAnonymous(
        PartitionFollowers.create(
            streamId,
            context.getSelf(),
            new PartitionFeed(context.getSystem(), services.resends()),
            keys,
            HexFormat.of().parseHex(services.signer().address().value().substring(2)),
            settings));
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
        .onCommand(Locate.class, this::onLocate)
        .onCommand(
            GetPosition.class,
            (state, command) ->
                Effect().reply(command.replyTo(), state.position(command.partition())))
        .onCommand(Record.class, this::onRecord)
        .onCommand(Tick.class, (state, tick) -> intervals.due(Effect(), state))
        .onCommand(
            RebroadcastReady.class, (state, ready) -> intervals.rebroadcast(Effect(), state, ready))
        .onCommand(
            RebroadcastFailed.class,
            (state, failed) -> intervals.rebroadcastFailed(Effect(), state, failed))
        .build();
  }

  private <T> StatusReply<T> notAppointed() {
    shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    return StatusReply.error(
        new Rejection(
            ErrorCode.PERSISTOR_NOT_APPOINTED,
            "no persistor is appointed for stream "
                + streamId
                + "; its owner appoints one with PUT /streams/{id}/persistor"));
  }

  private Status status(PersistorState state) {
    return new Status(
        streamId,
        state.mode(),
        state.interval().orElse(settings.interval()),
        state.pairs().count(),
        state.pairs().root(),
        services.signer().address().value(),
        state.checkpoint());
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
        .persist(new Configured(command.mode(), command.interval()))
        .thenRun(
            after -> {
              if (first) {
                start(after);
              } else {
                intervals.next(after);
              }
            })
        .thenReply(command.replyTo(), after -> StatusReply.success(status(after)));
  }

  private ReplyEffect<Event, PersistorState> onLocate(PersistorState state, Locate command) {
    if (!state.appointed()) {
      return Effect().reply(command.replyTo(), notAppointed());
    }
    long count = state.pairs().count();
    long to = command.to() < 0 ? count : command.to();
    if (command.from() < 0 || command.from() > count || to < command.from() || to > count) {
      return Effect()
          .reply(
              command.replyTo(),
              StatusReply.error(
                  new Rejection(
                      ErrorCode.INVALID_RANGE,
                      String.format(
                          "pairs [%d, %s) are not within the %d pairs the persistor holds; ask for"
                              + " 0 <= from <= to <= %d",
                          command.from(),
                          command.to() < 0 ? "count" : command.to(),
                          count,
                          count))));
    }
    return Effect()
        .reply(
            command.replyTo(),
            StatusReply.success(
                new Located(
                    command.from(), to, count, state.pairs().sequenceNrOf(command.from()))));
  }

  // ---- recording ----

  /** Records the new pairs of a follower's events, and how far it read. */
  private ReplyEffect<Event, PersistorState> onRecord(PersistorState state, Record record) {
    long position = state.position(record.partition());
    List<Event> events =
        new ArrayList<>(
            PairExtraction.newPairs(
                record.pairs(),
                record.partition(),
                position,
                state.pairs().count(),
                state.pairs()::holds));
    long recordedTo =
        events.isEmpty() ? position : ((PairsRecorded) events.get(events.size() - 1)).sequenceNr();
    if (record.readTo() > recordedTo) {
      events.add(new PositionsAdvanced(Map.of(record.partition(), record.readTo())));
    }
    if (events.isEmpty()) {
      return Effect().reply(record.replyTo(), Done.getInstance());
    }
    return Effect().persist(events).thenReply(record.replyTo(), after -> Done.getInstance());
  }

  // ---- events ----

  @Override
  public EventHandler<PersistorState, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Configured.class, PersistorState::configured)
        .onEvent(
            PairsRecorded.class,
            (state, recorded) -> state.recorded(recorded, lastSequenceNumber(context)))
        .onEvent(PositionsAdvanced.class, PersistorState::advanced)
        .onEvent(CheckpointSigned.class, PersistorState::checkpointSigned)
        .onEvent(RebroadcastAdvanced.class, PersistorState::rebroadcastAdvanced)
        .build();
  }
}
