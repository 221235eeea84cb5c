package io.cairn.pinning;

import io.cairn.cluster.NodeRole;
import io.cairn.protocol.ErrorCode;
import io.cairn.projection.EventSlices;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * One storage provider (datdot's hoster, encoder or attester): an untrusted agent with its own key,
 * sharded by its address, which is the entity id. The agent registers itself, signed in with that
 * key: the roles it takes, the bytes it offers to hold, and the operator and region it declares,
 * which selection spreads replicas across. Registering again with other terms updates them (an
 * agent grows its disk); registering again with the same terms changes nothing.
 *
 * <p>An exit is final: a provider that left can take no new work under that key, so a reputation
 * earned or lost stays with it (PINNING.md §3.6). What it still holds is migrated by its jobs.
 */
public final class Provider
    extends EventSourcedBehaviorWithEnforcedReplies<
        Provider.Command, Provider.Event, Provider.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Provider");

  /** The tags the provider directory's projection reads. */
  public static final EventSlices SLICES = EventSlices.of(ENTITY_KEY);

  /** What a provider does for pinning jobs. */
  public enum Role {
    /** Keeps a sealed replica and the plain blocks, answers storage challenges, serves readers. */
    HOSTER,
    /** Seals the same replica independently, so the cluster can compare roots (the witness). */
    ENCODER,
    /** Fetches plain blocks from hosters and reports what readers get. */
    ATTESTER
  }

  public enum Status {
    ACTIVE,
    EXITED
  }

  /**
   * What a provider declares. {@code capacityBytes} is what it offers to hold (above 0 for a
   * hoster, 0 allowed otherwise); {@code operator} and {@code region} are free text, compared as
   * given, which selection keeps apart.
   */
  public record Terms(Set<Role> roles, long capacityBytes, String operator, String region) {
    public Terms {
      roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
      Objects.requireNonNull(operator, "operator");
      Objects.requireNonNull(region, "region");
    }
  }

  // ---- commands ----

  public sealed interface Command {
    ActorRef<?> replyTo();
  }

  /** Registers or updates the provider; the reply is its info. */
  public record Register(Terms terms, ActorRef<StatusReply<Info>> replyTo) implements Command {}

  /** The provider leaves for good. Leaving twice answers the same info. */
  public record Exit(ActorRef<StatusReply<Info>> replyTo) implements Command {}

  public record Get(ActorRef<StatusReply<Info>> replyTo) implements Command {}

  // ---- events ----

  public sealed interface Event {}

  public record Registered(Terms terms, Instant at) implements Event {}

  public record TermsChanged(Terms terms, Instant at) implements Event {}

  public record Exited(Instant at) implements Event {}

  // ---- replies ----

  public record Info(
      EthereumAddress address,
      Terms terms,
      Status status,
      Instant registeredAt,
      Instant changedAt) {}

  // ---- state ----

  /** Empty until the first registration. */
  public record State(Optional<Info> info) {
    static State empty() {
      return new State(Optional.empty());
    }
  }

  // ---- wiring ----

  public static void init(ActorSystem<?> system, PinningSettings settings, Clock clock) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ENTITY_KEY,
                    context -> create(new EthereumAddress(context.getEntityId()), settings, clock))
                .withRole(NodeRole.CORE.label()));
  }

  public static Behavior<Command> create(
      EthereumAddress address, PinningSettings settings, Clock clock) {
    return new Provider(address, settings, clock);
  }

  /**
   * Why {@code terms} cannot be registered, if they cannot: no role, a hoster offering nothing, a
   * negative capacity, an operator or region that is blank or too long.
   */
  public static Optional<String> problemWith(Terms terms, PinningSettings settings) {
    if (terms.roles().isEmpty()) {
      return Optional.of("a provider takes at least one role: hoster, encoder or attester");
    }
    if (terms.capacityBytes() < 0) {
      return Optional.of("capacity is a number of bytes, not " + terms.capacityBytes());
    }
    if (terms.roles().contains(Role.HOSTER) && terms.capacityBytes() == 0) {
      return Optional.of("a hoster offers a capacity above 0 bytes");
    }
    for (String[] field :
        new String[][] {{"operator", terms.operator()}, {"region", terms.region()}}) {
      if (field[1].isBlank()) {
        return Optional.of("the " + field[0] + " is declared: selection keeps them apart");
      }
      if (field[1].length() > settings.maxLabelLength()) {
        return Optional.of(
            "the " + field[0] + " is at most " + settings.maxLabelLength() + " characters");
      }
    }
    return Optional.empty();
  }

  private final EthereumAddress address;
  private final PinningSettings settings;
  private final Clock clock;

  private Provider(EthereumAddress address, PinningSettings settings, Clock clock) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), address.value()),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.address = address;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return SLICES.tagsFor(address.value());
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> builder =
        newCommandHandlerWithReplyBuilder();
    builder
        .forState(state -> state.info().isEmpty())
        .onCommand(Register.class, this::onFirstRegistration)
        .onAnyCommand(
            command ->
                Effect()
                    .reply(
                        replyTo(command),
                        StatusReply.error(
                            new Rejection(
                                ErrorCode.PROVIDER_NOT_FOUND,
                                address + " has not registered as a provider"))));
    builder
        .forState(state -> state.info().isPresent())
        .onCommand(Register.class, this::onRegisterAgain)
        .onCommand(Exit.class, this::onExit)
        .onCommand(
            Get.class,
            (state, command) ->
                Effect().reply(command.replyTo(), StatusReply.success(state.info().get())));
    return builder.build();
  }

  private ReplyEffect<Event, State> onFirstRegistration(State state, Register command) {
    Optional<String> problem = problemWith(command.terms(), settings);
    if (problem.isPresent()) {
      return refuse(command, ErrorCode.INVALID_PROVIDER, problem.get());
    }
    return Effect()
        .persist(new Registered(command.terms(), clock.instant()))
        .thenReply(command.replyTo(), updated -> StatusReply.success(updated.info().get()));
  }

  private ReplyEffect<Event, State> onRegisterAgain(State state, Register command) {
    Info info = state.info().get();
    if (info.status() == Status.EXITED) {
      return refuse(
          command,
          ErrorCode.PROVIDER_EXITED,
          address + " left at " + info.changedAt() + "; a provider that left cannot come back");
    }
    Optional<String> problem = problemWith(command.terms(), settings);
    if (problem.isPresent()) {
      return refuse(command, ErrorCode.INVALID_PROVIDER, problem.get());
    }
    if (info.terms().equals(command.terms())) {
      return Effect().reply(command.replyTo(), StatusReply.success(info));
    }
    return Effect()
        .persist(new TermsChanged(command.terms(), clock.instant()))
        .thenReply(command.replyTo(), updated -> StatusReply.success(updated.info().get()));
  }

  private ReplyEffect<Event, State> onExit(State state, Exit command) {
    Info info = state.info().get();
    if (info.status() == Status.EXITED) {
      return Effect().reply(command.replyTo(), StatusReply.success(info));
    }
    return Effect()
        .persist(new Exited(clock.instant()))
        .thenReply(command.replyTo(), updated -> StatusReply.success(updated.info().get()));
  }

  private ReplyEffect<Event, State> refuse(Command command, ErrorCode code, String message) {
    return Effect().reply(replyTo(command), StatusReply.error(new Rejection(code, message)));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            Registered.class,
            (state, event) ->
                new State(
                    Optional.of(
                        new Info(address, event.terms(), Status.ACTIVE, event.at(), event.at()))))
        .onEvent(
            TermsChanged.class,
            (state, event) -> {
              Info info = state.info().orElseThrow();
              return new State(
                  Optional.of(
                      new Info(
                          address, event.terms(), info.status(), info.registeredAt(), event.at())));
            })
        .onEvent(
            Exited.class,
            (state, event) -> {
              Info info = state.info().orElseThrow();
              return new State(
                  Optional.of(
                      new Info(
                          address, info.terms(), Status.EXITED, info.registeredAt(), event.at())));
            })
        .build();
  }

  /** Every command's reply type is a StatusReply, so a rejection fits any of them. */
  @SuppressWarnings("unchecked")
  private static ActorRef<StatusReply<Object>> replyTo(Command command) {
    return (ActorRef<StatusReply<Object>>) command.replyTo();
  }
}
