package io.cairn.stream;

import io.cairn.cluster.NodeRole;
import io.cairn.projection.EventSlices;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The stored events of one stream partition, sharded by {@code <stream id>#<partition>}. By the
 * time an event reaches it, the {@link Publisher} has checked the stream, the partition, the size,
 * the signature and the publisher's permission; the partition keeps each publisher's message chain
 * in order, stores the signed bytes as they came, and after each durable write hands the event to
 * every subscriber of the partition through its {@link PartitionTopics topic}.
 *
 * <p>Chain rules: an event at a chain's head or among its recent positions was stored before and is
 * acknowledged again without a second copy; one older than that is refused; one whose previous
 * reference is not the head is stored and marked with the gap, so subscribers can ask for it.
 */
public final class StreamPartition
    extends EventSourcedBehaviorWithEnforcedReplies<
        StreamPartition.Command, StreamPartition.Event, StreamPartition.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "StreamPartition");

  /**
   * How the events that fill an index page are tagged: {@link PartitionIndex} is built by a
   * projection over them.
   */
  public static final EventSlices SLICES = EventSlices.of(ENTITY_KEY);

  /**
   * Positions per chain kept to recognise an event sent again: at least a whole batch, so that
   * every event of a batch stored without its answer arriving is recognised when sent again.
   */
  static final int RECENT_POSITIONS = 1024;

  /**
   * Quiet time after a write before the partition announces its last sequence number: messages
   * between nodes are delivered at most once, and without the announcement a subscriber that missed
   * the last delivery would not learn of it until the next event.
   */
  static final Duration ANNOUNCE_HEAD_AFTER = Duration.ofSeconds(1);

  /** The entity id of a stream partition. */
  public static String entityId(String streamId, int partition) {
    return streamId + "#" + partition;
  }

  /** A place in a publisher's chain, ordered by timestamp then sequence number. */
  public record Position(long timestamp, int sequenceNumber) implements Comparable<Position> {
    @Override
    public int compareTo(Position other) {
      int byTime = Long.compare(timestamp, other.timestamp);
      return byTime != 0 ? byTime : Integer.compare(sequenceNumber, other.sequenceNumber);
    }
  }

  // ---- commands ----

  public sealed interface Command {}

  /**
   * A signed event already checked by the {@link Publisher}. {@code chain} is {@code
   * <publisher>|<message chain id>}; {@code previous} is empty when the event names none.
   */
  public record Incoming(
      byte[] message, String chain, Position position, Optional<Position> previous) {}

  /**
   * Stores events in the order given, in one journal write: a journal that commits one event per
   * write could not keep up with a busy partition. Each event gets its own outcome.
   */
  public record PublishBatch(List<Incoming> events, ActorRef<StatusReply<Outcomes>> replyTo)
      implements Command {}

  public record GetHead(ActorRef<StatusReply<Head>> replyTo) implements Command {}

  /**
   * This partition's own timer: tell subscribers the last sequence number (see {@link
   * PartitionTopics.Delivery}).
   */
  private enum AnnounceHead implements Command {
    INSTANCE
  }

  // ---- events ----

  public sealed interface Event {}

  /**
   * A stored event; {@code gap} names the chain positions missing before it, if any, and {@code
   * fills} the index page it completes, if it does.
   */
  public record Stored(
      byte[] message,
      String chain,
      Position position,
      Optional<Gap> gap,
      Optional<PartitionIndex.Page> fills)
      implements Event {
    @Override
    public boolean equals(Object other) {
      return other instanceof Stored that
          && Arrays.equals(message, that.message)
          && chain.equals(that.chain)
          && position.equals(that.position)
          && gap.equals(that.gap)
          && fills.equals(that.fills);
    }

    @Override
    public int hashCode() {
      return chain.hashCode() * 31 + position.hashCode();
    }

    @Override
    public String toString() {
      return "Stored["
          + chain
          + " "
          + position
          + ", "
          + message.length
          + " bytes"
          + gap.map(g -> ", gap " + g).orElse("")
          + "]";
    }
  }

  /**
   * Events after {@code from} (exclusive, empty at a chain's start) up to {@code to} (inclusive)
   * were not received.
   */
  public record Gap(Optional<Position> from, Position to) {}

  // ---- replies ----

  public record Ack(long sequenceNr, boolean duplicate, boolean gap) {}

  /** What became of one event of a batch: acknowledged, or refused with the reason. */
  public record Outcome(Optional<Ack> ack, Optional<Rejection> refused) {
    static Outcome acknowledged(Ack ack) {
      return new Outcome(Optional.of(ack), Optional.empty());
    }

    static Outcome refused(Rejection rejection) {
      return new Outcome(Optional.empty(), Optional.of(rejection));
    }
  }

  /** The outcomes of a batch, in the order of its events. */
  public record Outcomes(List<Outcome> outcomes) {
    public Outcomes {
      outcomes = List.copyOf(outcomes);
    }
  }

  public record Head(long lastSequenceNr) {}

  // ---- state ----

  /**
   * Each chain's window, and the bounds of the index page being filled (null before its first
   * event). The event handler changes it in place; the command handler only reads it, and a
   * snapshot is taken of a copy (see {@link #snapshotAdapter}) because the snapshot store
   * serializes it later, on another thread.
   */
  public static final class State {
    private final Map<String, ChainWindow> chains;
    private PartitionIndex.Bounds page;

    State(Map<String, ChainWindow> chains, PartitionIndex.Bounds page) {
      this.chains = chains;
      this.page = page;
    }

    static State empty() {
      return new State(new HashMap<>(), null);
    }

    Map<String, ChainWindow> chains() {
      return Collections.unmodifiableMap(chains);
    }

    /** The bounds of the page being filled; empty when it has no event yet. */
    Optional<PartitionIndex.Bounds> page() {
      return Optional.ofNullable(page);
    }

    Optional<Position> head(String chain) {
      ChainWindow window = chains.get(chain);
      return window == null ? Optional.empty() : Optional.ofNullable(window.head());
    }

    boolean isRecent(String chain, Position position) {
      ChainWindow window = chains.get(chain);
      return window != null && window.contains(position);
    }

    State stored(Stored event) {
      chains.computeIfAbsent(event.chain(), chain -> new ChainWindow()).add(event.position());
      page =
          event.fills().isPresent()
              ? null
              : PartitionIndex.Bounds.including(page, event.position());
      return this;
    }

    State copy() {
      Map<String, ChainWindow> copied = new HashMap<>();
      chains.forEach((chain, window) -> copied.put(chain, new ChainWindow(window.positions())));
      return new State(copied, page);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof State that
          && chains.equals(that.chains)
          && Objects.equals(page, that.page);
    }

    @Override
    public int hashCode() {
      return chains.hashCode();
    }

    @Override
    public String toString() {
      return "State[" + chains.size() + " chains]";
    }
  }

  /**
   * A batch's view of the state: the stored state plus the events the batch stores before the one
   * being checked, without changing the state before the batch is persisted.
   */
  private static final class BatchView {
    private final State state;
    private final Map<String, Position> heads = new HashMap<>();
    private final Map<String, Set<Position>> added = new HashMap<>();
    private PartitionIndex.Bounds page;

    BatchView(State state) {
      this.state = state;
      this.page = state.page;
    }

    Optional<Position> head(String chain) {
      Position head = heads.get(chain);
      return head != null ? Optional.of(head) : state.head(chain);
    }

    boolean isRecent(String chain, Position position) {
      return added.getOrDefault(chain, Set.of()).contains(position)
          || state.isRecent(chain, position);
    }

    /** Adds the event at {@code sequenceNr}, and when it fills an index page, the page it fills. */
    Optional<PartitionIndex.Page> add(String chain, Position position, long sequenceNr) {
      heads.put(chain, position);
      added.computeIfAbsent(chain, any -> new HashSet<>()).add(position);
      page = PartitionIndex.Bounds.including(page, position);
      if (!PartitionIndex.Page.isFilledBy(sequenceNr)) {
        return Optional.empty();
      }
      PartitionIndex.Page filled = PartitionIndex.Page.filledBy(sequenceNr, page);
      page = null;
      return Optional.of(filled);
    }
  }

  // ---- wiring ----

  public static void init(ActorSystem<?> system, StreamSettings settings) {
    ClusterSharding.get(system)
        .init(
            Entity.of(ENTITY_KEY, context -> create(context.getEntityId(), settings))
                .withRole(NodeRole.STREAM.label()));
  }

  public static Behavior<Command> create(String entityId, StreamSettings settings) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new StreamPartition(context, timers, entityId, settings)));
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final String streamPartition;
  private final StreamSettings settings;
  private final PartitionTopics topics;
  private final Set<String> tags;

  private StreamPartition(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      String streamPartition,
      StreamSettings settings) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), streamPartition),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.context = context;
    this.timers = timers;
    this.streamPartition = streamPartition;
    this.settings = settings;
    this.topics = PartitionTopics.get(context.getSystem());
    this.tags = SLICES.tagsFor(streamPartition);
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return event instanceof Stored stored && stored.fills().isPresent() ? tags : Set.of();
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.partitionSnapshotEvery(), 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(PublishBatch.class, this::onPublishBatch)
        .onCommand(
            GetHead.class,
            (state, command) ->
                Effect()
                    .reply(
                        command.replyTo(),
                        StatusReply.success(new Head(lastSequenceNumber(context)))))
        .onCommand(
            AnnounceHead.class,
            (state, command) -> {
              topics.publish(
                  PartitionTopics.Delivery.head(streamPartition, lastSequenceNumber(context)));
              return Effect().noReply();
            })
        .build();
  }

  private ReplyEffect<Event, State> onPublishBatch(State state, PublishBatch command) {
    long before = lastSequenceNumber(context);
    BatchView running = new BatchView(state);
    List<Event> toStore = new ArrayList<>();
    List<Outcome> outcomes = new ArrayList<>(command.events().size());
    for (Incoming event : command.events()) {
      Optional<Position> head = running.head(event.chain());
      if (running.isRecent(event.chain(), event.position())) {
        outcomes.add(Outcome.acknowledged(new Ack(before + toStore.size(), true, false)));
        continue;
      }
      if (head.isPresent() && event.position().compareTo(head.get()) < 0) {
        outcomes.add(
            Outcome.refused(
                new Rejection(
                    ErrorCode.OUT_OF_ORDER,
                    "event "
                        + event.position()
                        + " of chain "
                        + event.chain()
                        + " is older than the chain's head "
                        + head.get()
                        + " and was not stored before; publish in order")));
        continue;
      }
      Optional<Gap> gap =
          event
              .previous()
              .filter(previous -> !Optional.of(previous).equals(head))
              .map(previous -> new Gap(head, previous));
      long sequenceNr = before + toStore.size() + 1;
      toStore.add(
          new Stored(
              event.message(),
              event.chain(),
              event.position(),
              gap,
              running.add(event.chain(), event.position(), sequenceNr)));
      outcomes.add(Outcome.acknowledged(new Ack(before + toStore.size(), false, gap.isPresent())));
    }
    Outcomes answer = new Outcomes(outcomes);
    if (toStore.isEmpty()) {
      return Effect().reply(command.replyTo(), StatusReply.success(answer));
    }
    return Effect()
        .persist(toStore)
        .thenRun(
            after -> {
              topics.publish(
                  new PartitionTopics.Delivery(
                      streamPartition,
                      before + 1,
                      toStore.stream().map(stored -> ((Stored) stored).message()).toList()));
              timers.startSingleTimer(
                  AnnounceHead.INSTANCE, AnnounceHead.INSTANCE, ANNOUNCE_HEAD_AFTER);
            })
        .thenReply(command.replyTo(), after -> StatusReply.success(answer));
  }

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(State state) {
        return state.copy();
      }

      @Override
      public State fromJournal(Object from) {
        return (State) from;
      }
    };
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onEvent(Stored.class, State::stored).build();
  }
}
