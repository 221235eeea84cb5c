package io.cairn.persist;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.cluster.NodeRole;
import io.cairn.keys.StreamKeys;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.ContentMessage;
import io.cairn.protocol.api.v1.ContentType;
import io.cairn.protocol.api.v1.EncryptionType;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.encryption.StreamEncryption;
import io.cairn.protocol.event.EventSigner;
import io.cairn.protocol.event.EvmSigner;
import io.cairn.protocol.persist.Checkpoint;
import io.cairn.protocol.persist.MalformedPairContentException;
import io.cairn.protocol.persist.Pair;
import io.cairn.protocol.persist.PairAccumulator;
import io.cairn.protocol.persist.PairContent;
import io.cairn.protocol.persist.PairSealing;
import io.cairn.stream.PartitionTopics;
import io.cairn.stream.Publisher;
import io.cairn.stream.Resends;
import io.cairn.stream.Stream;
import io.cairn.stream.StreamPartition;
import io.cairn.stream.StreamPartition.Position;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
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
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The persistor of one stream (Resourced's persistor), sharded by stream id on the nodes with the
 * {@code persistor} role and remembered by sharding, so an appointed persistor starts again by
 * itself after a restart or a move. It follows every partition of its stream: the stored events
 * after the last one it recorded, then the live deliveries; it decrypts each pair event with the
 * stream's group keys and records each address's first pair once, in order, under a {@link
 * PairAccumulator}. Each interval in which the count changed it publishes a signed {@link
 * Checkpoint} on partition 0 through the normal publish path; in rebroadcast mode it also
 * republishes its pairs, a bounded number of pages per interval.
 *
 * <p>At rest the journal holds no data key in clear: each pair is sealed under the group key of the
 * event it came in ({@link PairSealing}), next to its merkle leaf and address fingerprint, so
 * recovery needs no key and catch-up pages are served without decrypting anything.
 *
 * <p>Its own events on the stream (publisher = the service address) are not pairs to record; an
 * event it cannot decrypt or read as pairs is skipped and logged.
 */
public final class Persistor
    extends EventSourcedBehaviorWithEnforcedReplies<
        Persistor.Command, Persistor.Event, Persistor.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Persistor");

  /** The message chain id of the persistor's own events on its stream. */
  public static final String CHAIN_ID = "persistor";

  /**
   * Answers from the custodian that it lacks a group key before the events under it are skipped as
   * unreadable.
   */
  private static final int KEY_ATTEMPTS = 3;

  private static final Duration KEY_RETRY = Duration.ofSeconds(2);
  private static final Duration FOLLOW_RETRY = Duration.ofSeconds(2);

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

  /** One stored event of a partition and its sequence number there. */
  public record Observed(long sequenceNr, byte[] message) {}

  /**
   * Stored events of one partition, in order; {@code replyTo}, when present, is told once they are
   * recorded.
   */
  public record Observe(int partition, List<Observed> events, Optional<ActorRef<Done>> replyTo)
      implements Command {
    public Observe {
      events = List.copyOf(events);
    }
  }

  private record Delivered(PartitionTopics.Delivery delivery) implements Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private record PartitionsKnown(int partitions) implements Command {}

  private record FollowFailed(Throwable failure) implements Command {}

  private enum FollowAgain implements Command {
    INSTANCE
  }

  private record CatchUp(int partition) implements Command {}

  private record CatchUpEnded(int partition, Optional<Throwable> failure) implements Command {}

  /**
   * The answer to a key fetch: {@code missing}, the ids the custodian said it does not have (or has
   * no custodian for), count towards giving up on them; {@code unanswered}, a fetch that got no
   * answer (a custodian being moved, a timeout), only makes the persistor ask again later.
   */
  private record KeysArrived(Set<String> missing, boolean unanswered) implements Command {}

  private record RebroadcastReady(List<byte[]> contents, GroupKey key, long nextIndex)
      implements Command {}

  private record RebroadcastFailed(Throwable failure) implements Command {}

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
      if (!(other instanceof PairsRecorded that)
          || partition != that.partition
          || sequenceNr != that.sequenceNr
          || firstIndex != that.firstIndex
          || !groupKeyId.equals(that.groupKeyId)
          || size() != that.size()
          || !Arrays.equals(leaves, that.leaves)
          || !Arrays.equals(fingerprints, that.fingerprints)) {
        return false;
      }
      for (int i = 0; i < size(); i++) {
        if (!Arrays.equals(sealedPairs.get(i), that.sealedPairs.get(i))) {
          return false;
        }
      }
      return true;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(firstIndex) * 31 + partition;
    }

    @Override
    public String toString() {
      return "PairsRecorded["
          + partition
          + "#"
          + sequenceNr
          + ", pairs "
          + firstIndex
          + ".."
          + (firstIndex + size())
          + "]";
    }
  }

  /** Events of the partitions read without new pairs up to these sequence numbers. */
  public record PositionsAdvanced(Map<Integer, Long> positions) implements Event {
    public PositionsAdvanced {
      positions = Map.copyOf(positions);
    }
  }

  /**
   * A checkpoint signed at the next place of the persistor's chain, written down before it is
   * published.
   */
  public record CheckpointSigned(SignedCheckpoint checkpoint) implements Event {}

  /**
   * Rebroadcast events about to be published: the chain's new head, and the pair the next interval
   * starts at.
   */
  public record RebroadcastAdvanced(Position head, long nextIndex) implements Event {}

  // ---- replies ----

  /** A checkpoint and the signed event that carries it. */
  public record SignedCheckpoint(Checkpoint checkpoint, byte[] message) {
    public StreamMessage event() {
      try {
        return StreamMessage.parseFrom(message);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("a signed checkpoint holds the event it signed", e);
      }
    }

    Position position() {
      var id = event().getMessageId();
      return new Position(id.getTimestamp(), id.getSequenceNumber());
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof SignedCheckpoint that
          && checkpoint.equals(that.checkpoint)
          && Arrays.equals(message, that.message);
    }

    @Override
    public int hashCode() {
      return checkpoint.hashCode();
    }
  }

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

  // ---- state ----

  /**
   * Changed in place by the event handler, as {@link StreamPartition}'s state is: copying a million
   * fingerprints for every recorded batch would cost more than the journal write. The command
   * handler only reads it; there are no snapshots, so it is never serialized.
   */
  public static final class State {
    private boolean appointed;
    private Mode mode = Mode.CHECKPOINT;
    private Optional<Duration> interval = Optional.empty();
    private final Map<Integer, Long> positions = new HashMap<>();
    private final PairAccumulator accumulator = new PairAccumulator();
    private final FingerprintSet fingerprints = new FingerprintSet();
    private final PairIndex index = new PairIndex();
    private Optional<Position> chainHead = Optional.empty();
    private Optional<SignedCheckpoint> checkpoint = Optional.empty();
    private long nextRebroadcast;

    public boolean appointed() {
      return appointed;
    }

    public long count() {
      return accumulator.count();
    }

    public byte[] root() {
      return accumulator.root();
    }

    /** The last sequence number recorded of each partition. */
    public Map<Integer, Long> positions() {
      return Map.copyOf(positions);
    }

    public Optional<SignedCheckpoint> checkpoint() {
      return checkpoint;
    }

    @Override
    public String toString() {
      return "Persistor.State[" + (appointed ? mode : "not appointed") + ", " + count() + " pairs]";
    }
  }

  // ---- wiring ----

  /**
   * What a persistor uses besides the journal: the stream's keys, the service signer, the publish
   * path.
   */
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
                        create(
                            context.getEntityId(),
                            settings,
                            services,
                            Optional.of(context.getShard())))
                .withRole(NodeRole.PERSISTOR.label())
                .withSettings(
                    ClusterShardingSettings.create(system)
                        .withRole(NodeRole.PERSISTOR.label())
                        .withRememberEntities(true)
                        .withRememberEntitiesStoreMode(
                            ClusterShardingSettings.RememberEntitiesStoreModeEventSourced$
                                .MODULE$)));
  }

  /**
   * Reaches the persistors of other nodes from a node that hosts none (it lacks the persistor
   * role).
   */
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
  public static Behavior<Command> create(
      String streamId,
      PersistorSettings settings,
      Services services,
      Optional<ActorRef<ClusterSharding.ShardCommand>> shard) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new Persistor(context, timers, streamId, settings, services, shard)));
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final String streamId;
  private final PersistorSettings settings;
  private final Services services;
  private final Optional<ActorRef<ClusterSharding.ShardCommand>> shard;
  private final KeyCache keys;
  private final EventSigner eventSigner;
  private final byte[] serviceId;
  private final PairJournal journal;

  // what this incarnation follows, not persisted: rebuilt from the state on start
  private final Map<Integer, Long> next = new HashMap<>();
  private final Set<Integer> catchingUp = new HashSet<>();
  private final Set<Integer> behind = new HashSet<>();
  private int followed;
  private boolean fetchingKeys;
  private final Map<String, Integer> keyAttempts = new HashMap<>();
  private final Set<String> unreadableKeys = new HashSet<>();
  private boolean rebroadcasting;

  private Persistor(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      String streamId,
      PersistorSettings settings,
      Services services,
      Optional<ActorRef<ClusterSharding.ShardCommand>> shard) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), streamId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.context = context;
    this.timers = timers;
    this.streamId = streamId;
    this.settings = settings;
    this.services = services;
    this.shard = shard;
    this.keys = new KeyCache(services.keys(), streamId);
    this.eventSigner = new EventSigner(services.signer());
    this.serviceId = HexFormat.of().parseHex(services.signer().address().value().substring(2));
    this.journal = new PairJournal(context.getSystem(), services.readJournalPluginId());
  }

  /** The persistence id of the persistor of {@code streamId}, whose events catch-up reads. */
  public static String persistenceId(String streamId) {
    return PersistenceId.of(ENTITY_KEY.name(), streamId).id();
  }

  @Override
  public State emptyState() {
    return new State();
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.class,
            (state, completed) -> {
              if (state.appointed) {
                start(state);
              }
            })
        .build();
  }

  /** Starts following the stream and ticking, as appointed or after recovery. */
  private void start(State state) {
    state.positions.forEach((partition, last) -> next.put(partition, last + 1));
    followPartitions();
    restartTimer(state);
  }

  private void restartTimer(State state) {
    timers.startTimerWithFixedDelay(Tick.INSTANCE, state.interval.orElse(settings.interval()));
  }

  private void followPartitions() {
    context.pipeToSelf(
        ClusterSharding.get(context.getSystem())
            .entityRefFor(Stream.ENTITY_KEY, streamId)
            .<Stream.State>askWithStatus(Stream.Get::new, settings.askTimeout()),
        (stream, failure) ->
            failure != null ? new FollowFailed(failure) : new PartitionsKnown(stream.partitions()));
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Configure.class, this::onConfigure)
        .onCommand(
            GetStatus.class,
            (state, command) ->
                Effect()
                    .reply(
                        command.replyTo(),
                        state.appointed ? StatusReply.success(status(state)) : notAppointed()))
        .onCommand(Locate.class, this::onLocate)
        .onCommand(Observe.class, this::onObserve)
        .onCommand(Delivered.class, this::onDelivered)
        .onCommand(PartitionsKnown.class, this::onPartitionsKnown)
        .onCommand(
            FollowFailed.class,
            (state, failed) -> {
              context
                  .getLog()
                  .warn(
                      "Persistor of {} cannot read its stream, trying again: {}",
                      streamId,
                      failed.failure().getMessage());
              timers.startSingleTimer(FollowAgain.INSTANCE, FOLLOW_RETRY);
              return Effect().noReply();
            })
        .onCommand(
            FollowAgain.class,
            (state, again) -> {
              followPartitions();
              return Effect().noReply();
            })
        .onCommand(
            CatchUp.class,
            (state, again) -> {
              catchUp(again.partition());
              return Effect().noReply();
            })
        .onCommand(CatchUpEnded.class, this::onCatchUpEnded)
        .onCommand(KeysArrived.class, this::onKeysArrived)
        .onCommand(Tick.class, this::onTick)
        .onCommand(RebroadcastReady.class, this::onRebroadcastReady)
        .onCommand(
            RebroadcastFailed.class,
            (state, failed) -> {
              rebroadcasting = false;
              context
                  .getLog()
                  .warn(
                      "Persistor of {} could not read pairs to rebroadcast: {}",
                      streamId,
                      failed.failure().getMessage());
              return Effect().noReply();
            })
        .build();
  }

  private <T> StatusReply<T> notAppointed() {
    shard.ifPresent(region -> region.tell(new ClusterSharding.Passivate<>(context.getSelf())));
    return StatusReply.error(
        new Rejection(
            ErrorCode.PERSISTOR_NOT_APPOINTED,
            "no persistor is appointed for stream "
                + streamId
                + "; its owner appoints one with PUT /streams/{id}/persistor"));
  }

  private Status status(State state) {
    return new Status(
        streamId,
        state.mode,
        state.interval.orElse(settings.interval()),
        state.count(),
        state.root(),
        services.signer().address().value(),
        state.checkpoint);
  }

  private ReplyEffect<Event, State> onConfigure(State state, Configure command) {
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
    boolean first = !state.appointed;
    return Effect()
        .persist(new Configured(command.mode(), command.interval()))
        .thenRun(
            after -> {
              if (first) {
                start(after);
              } else {
                restartTimer(after);
              }
            })
        .thenReply(command.replyTo(), after -> StatusReply.success(status(after)));
  }

  private ReplyEffect<Event, State> onLocate(State state, Locate command) {
    if (!state.appointed) {
      return Effect().reply(command.replyTo(), notAppointed());
    }
    long count = state.count();
    long to = command.to() < 0 ? count : command.to();
    if (command.from() < 0 || command.from() > count || to < command.from() || to > count) {
      return Effect()
          .reply(
              command.replyTo(),
              StatusReply.error(
                  new Rejection(
                      ErrorCode.INVALID_RANGE,
                      "pairs ["
                          + command.from()
                          + ", "
                          + (command.to() < 0 ? "count" : command.to())
                          + ") are not within the "
                          + count
                          + " pairs the persistor holds; ask for 0 <= from <= to <= "
                          + count)));
    }
    return Effect()
        .reply(
            command.replyTo(),
            StatusReply.success(
                new Located(command.from(), to, count, state.index.sequenceNrOf(command.from()))));
  }

  // ---- following the partitions ----

  private ReplyEffect<Event, State> onPartitionsKnown(State state, PartitionsKnown known) {
    ActorRef<PartitionTopics.Delivery> deliveries =
        context.messageAdapter(PartitionTopics.Delivery.class, Delivered::new);
    for (int partition = followed; partition < known.partitions(); partition++) {
      // subscribed before reading the stored events, so that nothing falls between the two
      PartitionTopics.get(context.getSystem())
          .subscribe(StreamPartition.entityId(streamId, partition), deliveries);
      next.putIfAbsent(partition, 1L);
      catchUp(partition);
    }
    followed = Math.max(followed, known.partitions());
    return Effect().noReply();
  }

  private void catchUp(int partition) {
    if (!catchingUp.add(partition)) {
      behind.add(partition);
      return;
    }
    behind.remove(partition);
    CompletionStage<Done> read =
        services
            .resends()
            .after(StreamPartition.entityId(streamId, partition), next.get(partition) - 1)
            .map(resent -> new Observed(resent.sequenceNr(), resent.stored().message()))
            .grouped(settings.catchUpBatch())
            .mapAsync(
                1,
                events ->
                    AskPattern.<Command, Done>ask(
                        context.getSelf(),
                        replyTo -> new Observe(partition, events, Optional.of(replyTo)),
                        settings.askTimeout().multipliedBy(KEY_ATTEMPTS + 1),
                        context.getSystem().scheduler()))
            .runWith(Sink.ignore(), context.getSystem());
    context.pipeToSelf(
        read, (done, failure) -> new CatchUpEnded(partition, Optional.ofNullable(failure)));
  }

  private ReplyEffect<Event, State> onCatchUpEnded(State state, CatchUpEnded ended) {
    catchingUp.remove(ended.partition());
    if (ended.failure().isPresent()) {
      context
          .getLog()
          .warn(
              "Persistor of {} failed to read partition {}, trying again: {}",
              streamId,
              ended.partition(),
              ended.failure().get().getMessage());
      timers.startSingleTimer(
          "catch-up-" + ended.partition(), new CatchUp(ended.partition()), FOLLOW_RETRY);
    } else if (behind.contains(ended.partition())) {
      catchUp(ended.partition());
    }
    return Effect().noReply();
  }

  /**
   * A live delivery: recorded when it follows what was recorded; after a gap (a lost delivery, or a
   * head announcement beyond what was seen) the stored events are read instead.
   */
  private ReplyEffect<Event, State> onDelivered(State state, Delivered delivered) {
    PartitionTopics.Delivery delivery = delivered.delivery();
    int partition =
        Integer.parseInt(
            delivery.streamPartition().substring(delivery.streamPartition().lastIndexOf('#') + 1));
    Long expected = next.get(partition);
    if (expected == null) {
      return Effect().noReply();
    }
    if (catchingUp.contains(partition)) {
      if (delivery.lastSequenceNr() >= expected) {
        behind.add(partition);
      }
      return Effect().noReply();
    }
    if (delivery.firstSequenceNr() > expected
        || (delivery.messages().isEmpty() && delivery.lastSequenceNr() >= expected)) {
      catchUp(partition);
      return Effect().noReply();
    }
    List<Observed> events = new ArrayList<>();
    for (int i = 0; i < delivery.messages().size(); i++) {
      events.add(new Observed(delivery.firstSequenceNr() + i, delivery.messages().get(i)));
    }
    return onObserve(state, new Observe(partition, events, Optional.empty()));
  }

  private ReplyEffect<Event, State> onObserve(State state, Observe observe) {
    if (fetchingKeys) {
      return Effect().stash();
    }
    long expected = next.getOrDefault(observe.partition(), 1L);
    List<StreamMessage> messages = new ArrayList<>();
    List<Long> sequenceNrs = new ArrayList<>();
    Set<String> missingKeys = new HashSet<>();
    for (Observed event : observe.events()) {
      if (event.sequenceNr() < expected) {
        continue;
      }
      StreamMessage message;
      try {
        message = StreamMessage.parseFrom(event.message());
      } catch (InvalidProtocolBufferException e) {
        context
            .getLog()
            .warn(
                "Persistor of {} skips unreadable event {} of partition {}",
                streamId,
                event.sequenceNr(),
                observe.partition());
        continue;
      }
      messages.add(message);
      sequenceNrs.add(event.sequenceNr());
      encryptedKeyId(message)
          .filter(id -> keys.known(id).isEmpty() && !unreadableKeys.contains(id))
          .ifPresent(missingKeys::add);
    }
    if (!missingKeys.isEmpty()) {
      fetchKeys(missingKeys);
      return Effect().stash();
    }
    List<Event> recorded = new ArrayList<>();
    FingerprintSet batch = new FingerprintSet();
    long nextIndex = state.count();
    for (int i = 0; i < messages.size(); i++) {
      Optional<PairsRecorded> pairs =
          newPairs(
              state, batch, observe.partition(), sequenceNrs.get(i), messages.get(i), nextIndex);
      if (pairs.isPresent()) {
        recorded.add(pairs.get());
        nextIndex += pairs.get().size();
      }
    }
    if (!sequenceNrs.isEmpty()) {
      next.put(observe.partition(), sequenceNrs.get(sequenceNrs.size() - 1) + 1);
    }
    if (recorded.isEmpty()) {
      return observe
          .replyTo()
          .<ReplyEffect<Event, State>>map(replyTo -> Effect().reply(replyTo, Done.getInstance()))
          .orElseGet(() -> Effect().noReply());
    }
    var persisted = Effect().persist(recorded);
    return observe
        .replyTo()
        .<ReplyEffect<Event, State>>map(
            replyTo -> persisted.thenReply(replyTo, after -> Done.getInstance()))
        .orElseGet(persisted::thenNoReply);
  }

  /**
   * The group key id of an encrypted event of someone else: the events a persistor reads pairs
   * from.
   */
  private Optional<String> encryptedKeyId(StreamMessage message) {
    if (Arrays.equals(message.getMessageId().getPublisherId().toByteArray(), serviceId)
        || message.getBodyCase() != StreamMessage.BodyCase.CONTENT_MESSAGE
        || message.getContentMessage().getEncryptionType() != EncryptionType.AES) {
      return Optional.empty();
    }
    return Optional.of(message.getContentMessage().getGroupKeyId());
  }

  private void fetchKeys(Set<String> ids) {
    fetchingKeys = true;
    List<CompletableFuture<KeysArrived>> fetches = new ArrayList<>();
    for (String id : ids) {
      fetches.add(
          keys.get(id)
              .handle(
                  (key, failure) ->
                      failure == null
                          ? new KeysArrived(Set.of(), false)
                          : custodianLacks(failure)
                              ? new KeysArrived(Set.of(id), false)
                              : new KeysArrived(Set.of(), true))
              .toCompletableFuture());
    }
    CompletionStage<KeysArrived> all =
        CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new))
            .thenApply(
                done -> {
                  Set<String> missing = new HashSet<>();
                  boolean unanswered = false;
                  for (CompletableFuture<KeysArrived> fetch : fetches) {
                    missing.addAll(fetch.join().missing());
                    unanswered |= fetch.join().unanswered();
                  }
                  return new KeysArrived(missing, unanswered);
                });
    context.pipeToSelf(
        all, (arrived, failure) -> failure == null ? arrived : new KeysArrived(Set.of(), true));
  }

  /**
   * Whether a failed fetch is the custodian's answer that the key does not exist, rather than no
   * answer.
   */
  private static boolean custodianLacks(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    return cause instanceof MissingGroupKeyException
        || cause instanceof Rejection rejection
            && (rejection.code() == ErrorCode.UNKNOWN_GROUP_KEY
                || rejection.code() == ErrorCode.CUSTODIAN_NOT_FOUND);
  }

  private ReplyEffect<Event, State> onKeysArrived(State state, KeysArrived arrived) {
    boolean retry = arrived.unanswered();
    for (String id : arrived.missing()) {
      int attempts = keyAttempts.merge(id, 1, Integer::sum);
      if (attempts >= KEY_ATTEMPTS) {
        context
            .getLog()
            .warn(
                "Persistor of {} gives up on group key {}: its custodian answered {} times that it has"
                    + " no such key; events under it are skipped",
                streamId,
                id,
                attempts);
        unreadableKeys.add(id);
      } else {
        retry = true;
      }
    }
    if (retry) {
      // the stashed events wait: a key custodian that is away (moving with its node) must not cost
      // pairs
      timers.startSingleTimer("keys", new KeysArrived(Set.of(), false), KEY_RETRY);
      return Effect().noReply();
    }
    fetchingKeys = false;
    // the javadsl types unstashing as a plain Effect although every effect it builds is a
    // ReplyEffect
    return (ReplyEffect<Event, State>) Effect().unstashAll();
  }

  /**
   * The pairs of one event not recorded before, sealed for the journal; empty when it holds none.
   */
  private Optional<PairsRecorded> newPairs(
      State state,
      FingerprintSet batch,
      int partition,
      long sequenceNr,
      StreamMessage message,
      long firstIndex) {
    Optional<String> keyId = encryptedKeyId(message);
    if (keyId.isEmpty()) {
      return Optional.empty();
    }
    Optional<GroupKey> key = keys.known(keyId.get());
    if (key.isEmpty()) {
      context
          .getLog()
          .warn(
              "Persistor of {} skips event {} of partition {}: group key {} is not available",
              streamId,
              sequenceNr,
              partition,
              keyId.get());
      return Optional.empty();
    }
    PairContent.Decoded decoded;
    try {
      StreamEncryption.Decrypted plain = StreamEncryption.decryptContent(message, key.get());
      if (message.getContentMessage().getContentType() != ContentType.JSON) {
        return Optional.empty();
      }
      decoded = PairContent.decode(plain.content());
    } catch (MalformedPairContentException notPairs) {
      context
          .getLog()
          .debug(
              "Persistor of {}: event {} of partition {} holds no pairs: {}",
              streamId,
              sequenceNr,
              partition,
              notPairs.getMessage());
      return Optional.empty();
    } catch (RuntimeException undecryptable) {
      context
          .getLog()
          .warn(
              "Persistor of {} cannot decrypt event {} of partition {}: {}",
              streamId,
              sequenceNr,
              partition,
              undecryptable.getMessage());
      return Optional.empty();
    }
    decoded
        .skipped()
        .forEach(
            reason ->
                context
                    .getLog()
                    .info(
                        "Persistor of {} skips a pair of event {} of partition {}: {}",
                        streamId,
                        sequenceNr,
                        partition,
                        reason));
    List<byte[]> sealed = new ArrayList<>();
    ByteArrayOutputStream leaves = new ByteArrayOutputStream();
    List<Long> fingerprints = new ArrayList<>();
    StreamEncryption.Encryptor encryptor = StreamEncryption.encryptor(key.get());
    for (Pair pair : decoded.pairs()) {
      long fingerprint = pair.addressFingerprint();
      if (state.fingerprints.contains(fingerprint) || !batch.add(fingerprint)) {
        continue;
      }
      sealed.add(PairSealing.seal(pair, encryptor));
      leaves.writeBytes(pair.leaf());
      fingerprints.add(fingerprint);
    }
    if (sealed.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new PairsRecorded(
            partition,
            sequenceNr,
            firstIndex,
            key.get().id(),
            sealed,
            leaves.toByteArray(),
            fingerprints.stream().mapToLong(Long::longValue).toArray()));
  }

  // ---- the interval: positions, checkpoint, rebroadcast ----

  private ReplyEffect<Event, State> onTick(State state, Tick tick) {
    List<Event> events = new ArrayList<>();
    Map<Integer, Long> advanced = new HashMap<>();
    next.forEach(
        (partition, nextNr) -> {
          if (nextNr - 1 > state.positions.getOrDefault(partition, 0L)) {
            advanced.put(partition, nextNr - 1);
          }
        });
    if (!advanced.isEmpty()) {
      events.add(new PositionsAdvanced(advanced));
    }
    Optional<StreamMessage> checkpoint = Optional.empty();
    long checkpointed = state.checkpoint.map(signed -> signed.checkpoint().count()).orElse(0L);
    if (state.count() != checkpointed) {
      Position at = nextPosition(state.chainHead);
      Checkpoint values = Checkpoint.of(state.accumulator);
      StreamMessage signed = eventSigner.sign(unsigned(at, state.chainHead, values.toContent()));
      checkpoint = Optional.of(signed);
      events.add(new CheckpointSigned(new SignedCheckpoint(values, signed.toByteArray())));
    }
    if (state.mode == Mode.REBROADCAST && !rebroadcasting && state.count() > 0) {
      startRebroadcast(state);
    }
    if (events.isEmpty()) {
      return Effect().noReply();
    }
    Optional<StreamMessage> toPublish = checkpoint;
    return Effect()
        .persist(events)
        .thenRun(after -> toPublish.ifPresent(this::publish))
        .thenNoReply();
  }

  private void startRebroadcast(State state) {
    rebroadcasting = true;
    long from = state.nextRebroadcast >= state.count() ? 0 : state.nextRebroadcast;
    long to =
        Math.min(
            state.count(),
            from + (long) settings.rebroadcastPageSize() * settings.rebroadcastMaxPages());
    CompletionStage<RebroadcastReady> ready =
        keys.current()
            .thenCompose(
                current ->
                    journal
                        .pages(
                            streamId,
                            state.index.sequenceNrOf(from),
                            from,
                            to,
                            settings.rebroadcastPageSize())
                        .mapAsync(
                            1,
                            page ->
                                keys.get(page.getGroupKeyId())
                                    .thenApply(
                                        key -> {
                                          StreamEncryption.Decryptor decryptor =
                                              StreamEncryption.decryptor(key);
                                          return page.getPairsList().stream()
                                              .map(
                                                  sealedPair ->
                                                      PairSealing.open(
                                                          sealedPair.toByteArray(), decryptor, key))
                                              .toList();
                                        }))
                        .mapConcat(pairs -> pairs)
                        .grouped(settings.rebroadcastPageSize())
                        .map(PairContent::encode)
                        .runWith(Sink.seq(), context.getSystem())
                        .thenApply(contents -> new RebroadcastReady(contents, current, to)));
    context.pipeToSelf(
        ready, (result, failure) -> failure != null ? new RebroadcastFailed(failure) : result);
  }

  private ReplyEffect<Event, State> onRebroadcastReady(State state, RebroadcastReady ready) {
    rebroadcasting = false;
    if (ready.contents().isEmpty()) {
      return Effect().noReply();
    }
    List<StreamMessage> events = new ArrayList<>();
    Optional<Position> head = state.chainHead;
    for (byte[] content : ready.contents()) {
      Position at = nextPosition(head);
      events.add(
          eventSigner.sign(
              StreamEncryption.encryptContent(unsigned(at, head, content), ready.key())));
      head = Optional.of(at);
    }
    return Effect()
        .persist(new RebroadcastAdvanced(head.orElseThrow(), ready.nextIndex()))
        .thenRun(after -> events.forEach(this::publish))
        .thenNoReply();
  }

  /**
   * The next place of the persistor's chain: later than its head, even when this node's clock is
   * behind the last one's.
   */
  private static Position nextPosition(Optional<Position> head) {
    long now = System.currentTimeMillis();
    if (head.isPresent() && head.get().timestamp() >= now) {
      return new Position(head.get().timestamp(), head.get().sequenceNumber() + 1);
    }
    return new Position(now, 0);
  }

  private StreamMessage unsigned(Position at, Optional<Position> previous, byte[] content) {
    StreamMessage.Builder builder = StreamMessage.newBuilder();
    builder
        .getMessageIdBuilder()
        .setStreamId(streamId)
        .setStreamPartition(0)
        .setTimestamp(at.timestamp())
        .setSequenceNumber(at.sequenceNumber())
        .setMessageChainId(CHAIN_ID);
    previous.ifPresent(
        head ->
            builder
                .getPreviousMessageRefBuilder()
                .setTimestamp(head.timestamp())
                .setSequenceNumber(head.sequenceNumber()));
    return builder
        .setContentMessage(
            ContentMessage.newBuilder()
                .setContent(ByteString.copyFrom(content))
                .setContentType(ContentType.JSON)
                .setEncryptionType(EncryptionType.NONE))
        .build();
  }

  /**
   * Through the node's publish path, so the event is checked, stored, chained and fanned out like
   * any other.
   */
  private void publish(StreamMessage event) {
    services
        .publisher()
        .publish(event)
        .whenComplete(
            (ack, failure) -> {
              if (failure != null) {
                context
                    .getSystem()
                    .log()
                    .warn(
                        "Persistor of {} could not publish its event {}: {}",
                        streamId,
                        event.getMessageId().getTimestamp()
                            + "/"
                            + event.getMessageId().getSequenceNumber(),
                        failure.getMessage());
              }
            });
  }

  // ---- events ----

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            Configured.class,
            (state, configured) -> {
              state.appointed = true;
              state.mode = configured.mode();
              state.interval = configured.interval();
              return state;
            })
        .onEvent(
            PairsRecorded.class,
            (state, recorded) -> {
              state.index.add(recorded.firstIndex(), lastSequenceNumber(context));
              byte[] leaves = recorded.leaves();
              for (int i = 0; i < recorded.size(); i++) {
                state.accumulator.appendLeaf(Arrays.copyOfRange(leaves, i * 32, i * 32 + 32));
                state.fingerprints.add(recorded.fingerprints()[i]);
              }
              state.positions.merge(recorded.partition(), recorded.sequenceNr(), Math::max);
              return state;
            })
        .onEvent(
            PositionsAdvanced.class,
            (state, advanced) -> {
              advanced
                  .positions()
                  .forEach((partition, last) -> state.positions.merge(partition, last, Math::max));
              return state;
            })
        .onEvent(
            CheckpointSigned.class,
            (state, signed) -> {
              state.checkpoint = Optional.of(signed.checkpoint());
              state.chainHead = Optional.of(signed.checkpoint().position());
              return state;
            })
        .onEvent(
            RebroadcastAdvanced.class,
            (state, advanced) -> {
              state.chainHead = Optional.of(advanced.head());
              state.nextRebroadcast = advanced.nextIndex();
              return state;
            })
        .build();
  }
}
