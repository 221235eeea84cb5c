package io.cairn.pinning;

import io.cairn.cluster.NodeRole;
import io.cairn.core.Core;
import io.cairn.core.Cores;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.ledger.Bytes32;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * The cluster's one pinning supervisor (a cluster singleton on the core role): it keeps the epochs'
 * commitments one epoch ahead and reveals each secret when its epoch ends (PINNING.md 3.5), and it
 * places jobs' replicas, drawing hosters and encoders from the registered providers with the
 * current epoch's secret ({@link Placement}). It decides, the job records: the job persists the
 * whole {@link Placement.Selection}, inputs and outcome, so a replay of the journal recomputes it.
 * Only a committed epoch's secret is ever used.
 */
public final class PinningSupervisor
    extends EventSourcedBehavior<
        PinningSupervisor.Command, PinningSupervisor.Event, PinningSupervisor.State> {

  static final PersistenceId PERSISTENCE_ID = PersistenceId.ofUniqueId("PinningSupervisor");

  // ---- commands ----

  public sealed interface Command {}

  /**
   * Places replicas of a job: one replica of the replaced one's sector when {@code replacing} is
   * set; {@code replicas} of the new sector {@code tail} (a growing core's unsealed tail) when that
   * is set; else every sector of the core as it stands now, {@code replicas} each. Slots are
   * numbered from {@code firstSlot}; see {@link Placement.Selection} for the exclusions.
   */
  public record Place(
      Bytes32 jobId,
      String coreKey,
      int replicas,
      int firstSlot,
      Optional<ReplicaAssignment> replacing,
      Optional<Placement.SignedSector> tail,
      List<EthereumAddress> excludedHosters,
      List<EthereumAddress> excludedEncoders,
      ActorRef<StatusReply<Placement.Selection>> replyTo)
      implements Command {
    public Place {
      excludedHosters = List.copyOf(excludedHosters);
      excludedEncoders = List.copyOf(excludedEncoders);
    }
  }

  private record Tick() implements Command {}

  private record Gathered(
      Place request, long epoch, List<Placement.Candidate> candidates, Core.Info core)
      implements Command {}

  private record GatherFailed(Place request, Throwable cause) implements Command {}

  // ---- events ----

  public sealed interface Event {}

  public record EpochCommitted(long epoch, Bytes32 commitment, Instant at) implements Event {}

  public record EpochRevealed(long epoch, Bytes32 secret, Instant at) implements Event {}

  // ---- state ----

  /** The commitments made, and the secrets revealed, by epoch. */
  public record State(TreeMap<Long, Bytes32> committed, TreeMap<Long, Bytes32> revealed) {
    boolean isCommitted(long epoch) {
      return committed.containsKey(epoch);
    }
  }

  // ---- wiring ----

  /**
   * Starts the singleton's proxy on this node; the singleton itself runs on the oldest core node.
   */
  public static ActorRef<Command> init(
      ActorSystem<?> system,
      PinningSettings settings,
      Supplier<EpochSecrets> epochs,
      ProviderDirectory directory,
      StakeLookup stakes,
      Cores cores,
      Clock clock) {
    return ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                    Behaviors.supervise(
                            Behaviors.<Command>setup(
                                context ->
                                    Behaviors.withTimers(
                                        timers -> {
                                          timers.startTimerWithFixedDelay(
                                              new Tick(), Duration.ZERO, tickInterval(settings));
                                          return new PinningSupervisor(
                                              context,
                                              settings,
                                              epochs.get(),
                                              directory,
                                              stakes,
                                              cores,
                                              clock);
                                        })))
                        .onFailure(
                            SupervisorStrategy.restartWithBackoff(
                                Duration.ofMillis(200), Duration.ofSeconds(10), 0.1)),
                    "pinning-supervisor")
                .withSettings(
                    ClusterSingletonSettings.create(system).withRole(NodeRole.CORE.label())));
  }

  /** Often enough to commit an epoch well before it begins and reveal it soon after it ends. */
  static Duration tickInterval(PinningSettings settings) {
    Duration quarter = settings.epochLength().dividedBy(4);
    Duration minute = Duration.ofMinutes(1);
    return quarter.compareTo(minute) > 0 ? minute : quarter;
  }

  private final ActorContext<Command> context;
  private final PinningSettings settings;
  private final EpochSecrets epochs;
  private final ProviderDirectory directory;
  private final StakeLookup stakes;
  private final Cores cores;
  private final Clock clock;

  private PinningSupervisor(
      ActorContext<Command> context,
      PinningSettings settings,
      EpochSecrets epochs,
      ProviderDirectory directory,
      StakeLookup stakes,
      Cores cores,
      Clock clock) {
    super(PERSISTENCE_ID);
    this.stakes = stakes;
    this.context = context;
    this.settings = settings;
    this.epochs = epochs;
    this.directory = directory;
    this.cores = cores;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new State(new TreeMap<>(), new TreeMap<>());
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Tick.class, this::onTick)
        .onCommand(Place.class, this::onPlace)
        .onCommand(Gathered.class, this::onGathered)
        .onCommand(
            GatherFailed.class,
            (state, failed) -> {
              failed
                  .request()
                  .replyTo()
                  .tell(
                      StatusReply.error(
                          failed.cause() instanceof Rejection rejection
                              ? rejection
                              : new Rejection(
                                  ErrorCode.UNAVAILABLE,
                                  "cannot place replicas now: " + failed.cause().getMessage())));
              return Effect().none();
            })
        .build();
  }

  /** Commits the current and the next epoch if not yet done, and reveals every ended one. */
  private org.apache.pekko.persistence.typed.javadsl.Effect<Event, State> onTick(
      State state, Tick tick) {
    List<Event> events = epochEvents(state);
    return events.isEmpty() ? Effect().none() : Effect().persist(events);
  }

  private List<Event> epochEvents(State state) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    long current = ChronoUnitEpochs.current(now, settings);
    List<Event> events = new ArrayList<>();
    for (long epoch = current; epoch <= current + 1; epoch++) {
      if (!state.isCommitted(epoch)) {
        events.add(
            new EpochCommitted(
                epoch, Bytes32.of(EpochSecrets.commitment(epochs.secret(epoch))), now));
      }
    }
    for (long epoch : state.committed().headMap(current).keySet()) {
      if (!state.revealed().containsKey(epoch)) {
        events.add(new EpochRevealed(epoch, Bytes32.of(epochs.secret(epoch)), now));
      }
    }
    return events;
  }

  /**
   * Commits the epoch first if the tick has not (so no secret is used uncommitted), then reads the
   * providers and the core.
   */
  private org.apache.pekko.persistence.typed.javadsl.Effect<Event, State> onPlace(
      State state, Place place) {
    long epoch = ChronoUnitEpochs.current(clock.instant(), settings);
    List<Event> commitments = state.isCommitted(epoch) ? List.of() : epochEvents(state);
    return Effect().persist(commitments).thenRun(updated -> gather(place, epoch));
  }

  private void gather(Place place, long epoch) {
    context.pipeToSelf(
        directory
            .activeProviders(settings.reputation(), settings.stake(), stakes)
            .thenCombine(
                cores.info(HexFormat.of().parseHex(place.coreKey())),
                (candidates, core) -> new Gathered(place, epoch, candidates, core)),
        (gathered, failure) ->
            failure == null ? gathered : new GatherFailed(place, unwrap(failure)));
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }

  private org.apache.pekko.persistence.typed.javadsl.Effect<Event, State> onGathered(
      State state, Gathered gathered) {
    Place place = gathered.request();
    Core.Info core = gathered.core();
    List<Placement.Sector> sectors;
    long treeLength;
    Bytes32 treeHash;
    int replicas;
    if (place.replacing().isPresent()) {
      // the replacement seals the sector the replaced replica did, against the same signed tree:
      // the core has grown since, and a tree at its length now would make another replica
      ReplicaAssignment replaced = place.replacing().get();
      sectors = List.of(new Placement.Sector(replaced.rangeStart(), replaced.rangeEnd()));
      treeLength = replaced.treeLength();
      treeHash = replaced.treeHash();
      replicas = 1;
    } else if (place.tail().isPresent()) {
      sectors = List.of(place.tail().get().sector());
      treeLength = place.tail().get().sector().end();
      treeHash = place.tail().get().treeHash();
      replicas = place.replicas();
    } else {
      long length = core.head().length();
      if (length == 0) {
        place
            .replyTo()
            .tell(
                StatusReply.error(
                    new Rejection(
                        ErrorCode.INVALID_PIN_REQUEST,
                        "core " + place.coreKey() + " holds no blocks yet")));
        return Effect().none();
      }
      // every sector is verified against the tree signed at this length: the writer may never
      // have signed one at an earlier sector's end
      sectors = Placement.sectors(length, settings.sectorBlocks());
      treeLength = length;
      treeHash = Bytes32.of(core.treeHash());
      replicas = place.replicas();
    }
    long minCapacity = minCapacity(core, sectors);
    Placement.Selection selection =
        Placement.place(
            epochs.secret(gathered.epoch()),
            gathered.epoch(),
            place.jobId(),
            place.coreKey(),
            treeLength,
            treeHash,
            sectors,
            replicas,
            place.firstSlot(),
            minCapacity,
            settings.reputation().unvettedShare(),
            gathered.candidates(),
            place.excludedHosters(),
            place.excludedEncoders());
    place.replyTo().tell(StatusReply.success(selection));
    return Effect().none();
  }

  /** The bytes of the largest sector, estimated from the core's mean block size, at least 1. */
  private static long minCapacity(Core.Info core, List<Placement.Sector> sectors) {
    long length = Math.max(1, core.head().length());
    long largest =
        sectors.stream().mapToLong(sector -> sector.end() - sector.start()).max().orElse(1);
    return Math.max(1, (long) Math.ceil((double) core.byteLength() * largest / length));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            EpochCommitted.class,
            (state, event) -> {
              state.committed().put(event.epoch(), event.commitment());
              return state;
            })
        .onEvent(
            EpochRevealed.class,
            (state, event) -> {
              state.revealed().put(event.epoch(), event.secret());
              return state;
            })
        .build();
  }

  /** Epoch arithmetic on the settings' epoch length. */
  private static final class ChronoUnitEpochs {
    static long current(Instant now, PinningSettings settings) {
      return ChallengeRounds.epochOf(now, settings.epochLength());
    }
  }
}
