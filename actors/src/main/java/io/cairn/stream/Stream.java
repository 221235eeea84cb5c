package io.cairn.stream;

import io.cairn.cluster.NodeRole;
import io.cairn.projection.EventSlices;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.stream.Permission;
import io.cairn.protocol.stream.StreamId;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
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
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * A stream: its owner, description, partition count and who may do what with it. Sharded by stream
 * id ({@code <owner address>/<path>}); every change is an event in the journal.
 */
public final class Stream
    extends EventSourcedBehaviorWithEnforcedReplies<Stream.Command, Stream.Event, Stream.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Stream");

  /** How the events are tagged: projections over them build read models and run workflows. */
  public static final EventSlices SLICES = EventSlices.of(ENTITY_KEY);

  // ---- commands: every one is answered with the stream's state (a revocation: with where it is
  // in the stream's journal) or a Rejection ----

  public sealed interface Command {
    ActorRef<? extends StatusReply<?>> replyTo();
  }

  /** Creates the stream; only the address the id starts with may create it. */
  public record Create(
      EthereumAddress requester,
      String description,
      int partitions,
      ActorRef<StatusReply<State>> replyTo)
      implements Command {}

  public record Update(
      EthereumAddress requester,
      String description,
      int partitions,
      ActorRef<StatusReply<State>> replyTo)
      implements Command {}

  /**
   * Grants {@code permission}; with {@code until}, only until then (publish and subscribe only, as
   * Streamr's expiration times): a licence's access. A grant with an end never shortens one held
   * for good.
   */
  public record Grant(
      EthereumAddress requester,
      Grantee grantee,
      Permission permission,
      Optional<Instant> until,
      ActorRef<StatusReply<State>> replyTo)
      implements Command {}

  public record Revoke(
      EthereumAddress requester,
      Grantee grantee,
      Permission permission,
      ActorRef<StatusReply<Revocation>> replyTo)
      implements Command {}

  public record Delete(EthereumAddress requester, ActorRef<StatusReply<State>> replyTo)
      implements Command {}

  /**
   * Ends {@code address}'s {@code permission} that was granted until {@code at}, from the stream's
   * expiry timer ({@link GrantExpiry}); nothing when it was extended or revoked since.
   */
  public record Expire(
      EthereumAddress address,
      Permission permission,
      Instant at,
      ActorRef<StatusReply<State>> replyTo)
      implements Command {}

  public record Get(ActorRef<StatusReply<State>> replyTo) implements Command {}

  // ---- events ----

  public sealed interface Event {}

  public record Created(
      String streamId, EthereumAddress owner, String description, int partitions, Instant at)
      implements Event {}

  public record Updated(String description, int partitions, EthereumAddress by, Instant at)
      implements Event {}

  /** {@code until}: the end of a grant that expires (a licence's), empty for one held for good. */
  public record Granted(
      Grantee grantee, Permission permission, EthereumAddress by, Optional<Instant> until)
      implements Event {}

  /** A grant with an end reached it: a revocation as far as readers and key rotation go. */
  public record Expired(EthereumAddress address, Permission permission, Instant at)
      implements Event {}

  public record Revoked(Grantee grantee, Permission permission, EthereumAddress by)
      implements Event {}

  public record Deleted(EthereumAddress by, Instant at) implements Event {}

  // ---- replies besides the state ----

  /**
   * The state after a revocation, and the sequence number of its {@link Revoked} event: what the
   * workflows it starts are identified by (a key custodian's rotation after it, for one).
   */
  public record Revocation(State state, long sequenceNr) {}

  // ---- state ----

  public enum Status {
    NEW,
    ACTIVE,
    DELETED
  }

  /** Immutable; the event handler returns a new one for every event. */
  public record State(
      String streamId,
      Status status,
      EthereumAddress owner,
      String description,
      int partitions,
      Instant createdAt,
      Instant updatedAt,
      StreamPermissions access) {

    static State empty(String streamId) {
      return new State(
          streamId, Status.NEW, null, "", 0, Instant.EPOCH, Instant.EPOCH, StreamPermissions.NONE);
    }

    /** Refuses a partition the stream does not have. */
    public void requirePartition(int partition) {
      if (partition < 0 || partition >= partitions) {
        throw new Rejection(
            ErrorCode.PARTITION_OUT_OF_RANGE,
            "stream "
                + streamId
                + " has partitions 0 to "
                + (partitions - 1)
                + ", not "
                + partition);
      }
    }

    /** The permissions each address holds (some perhaps only until a time). */
    public Map<EthereumAddress, Set<Permission>> permissions() {
      return access.byAddress();
    }

    public Set<Permission> publicPermissions() {
      return access.everyone();
    }

    /** Whether {@code address} holds {@code permission}, ignoring when a grant ends. */
    public boolean may(EthereumAddress address, Permission permission) {
      return access.may(address, permission);
    }

    /** Whether {@code address} holds {@code permission} at {@code now}. */
    public boolean may(EthereumAddress address, Permission permission, Instant now) {
      return access.may(address, permission, now);
    }

    State created(Created event) {
      return new State(
          streamId,
          Status.ACTIVE,
          event.owner(),
          event.description(),
          event.partitions(),
          event.at(),
          event.at(),
          StreamPermissions.ownedBy(event.owner()));
    }

    State updated(Updated event) {
      return new State(
          streamId,
          status,
          owner,
          event.description(),
          event.partitions(),
          createdAt,
          event.at(),
          access);
    }

    State deleted(Deleted event) {
      return new State(
          streamId, Status.DELETED, owner, description, partitions, createdAt, event.at(), access);
    }

    State with(StreamPermissions changed) {
      return new State(
          streamId, status, owner, description, partitions, createdAt, updatedAt, changed);
    }
  }

  // ---- wiring ----

  public static void init(ActorSystem<?> system, StreamSettings settings) {
    ClusterSharding.get(system)
        .init(
            Entity.of(ENTITY_KEY, context -> create(context.getEntityId(), settings))
                .withRole(NodeRole.STREAM.label()));
  }

  /**
   * The behaviour of one stream. An entity id that is not a valid stream id never persists
   * anything: it answers every command with the reason.
   */
  public static Behavior<Command> create(String streamId, StreamSettings settings) {
    StreamId id;
    try {
      id = StreamId.parse(streamId);
    } catch (Rejection invalid) {
      return Behaviors.receiveMessage(
          command -> {
            replyTo(command).tell(StatusReply.error(invalid));
            return Behaviors.same();
          });
    }
    return Behaviors.setup(context -> new Stream(context, id, settings));
  }

  /**
   * Every command's reply goes to its {@code replyTo}, a StatusReply of the type the command names.
   */
  @SuppressWarnings("unchecked")
  private static ActorRef<StatusReply<Object>> replyTo(Command command) {
    return (ActorRef<StatusReply<Object>>) command.replyTo();
  }

  private final ActorContext<Command> context;
  private final StreamId id;
  private final StreamSettings settings;

  private Stream(ActorContext<Command> context, StreamId id, StreamSettings settings) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), id.toString()),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.context = context;
    this.id = id;
    this.settings = settings;
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return SLICES.tagsFor(id.toString());
  }

  @Override
  public State emptyState() {
    return State.empty(id.toString());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> builder =
        newCommandHandlerWithReplyBuilder();
    builder
        .forState(state -> state.status() == Status.NEW)
        .onCommand(Create.class, this::onCreate)
        .onAnyCommand(
            command ->
                reject(command, ErrorCode.STREAM_NOT_FOUND, "stream " + id + " does not exist"));
    builder
        .forState(state -> state.status() == Status.ACTIVE)
        .onCommand(
            Create.class,
            command -> reject(command, ErrorCode.STREAM_EXISTS, "stream " + id + " already exists"))
        .onCommand(Update.class, this::onUpdate)
        .onCommand(Grant.class, this::onGrant)
        .onCommand(Revoke.class, this::onRevoke)
        .onCommand(Delete.class, this::onDelete)
        .onCommand(Expire.class, this::onExpire)
        .onCommand(
            Get.class,
            (state, command) -> Effect().reply(command.replyTo(), StatusReply.success(state)));
    builder
        .forState(state -> state.status() == Status.DELETED)
        .onAnyCommand(
            command -> reject(command, ErrorCode.STREAM_DELETED, "stream " + id + " was deleted"));
    return builder.build();
  }

  private ReplyEffect<Event, State> onCreate(State state, Create command) {
    if (!command.requester().equals(id.owner())) {
      return reject(
          command,
          ErrorCode.NOT_PERMITTED,
          command.requester() + " cannot create a stream under " + id.owner() + "'s address");
    }
    Optional<Rejection> invalid = checkShape(command.description(), command.partitions());
    if (invalid.isPresent()) {
      return Effect().reply(command.replyTo(), StatusReply.error(invalid.get()));
    }
    return Effect()
        .persist(
            new Created(
                id.toString(),
                command.requester(),
                command.description(),
                command.partitions(),
                now()))
        .thenReply(command.replyTo(), StatusReply::success);
  }

  private ReplyEffect<Event, State> onUpdate(State state, Update command) {
    if (!state.may(command.requester(), Permission.EDIT)) {
      return notPermitted(command, command.requester(), Permission.EDIT);
    }
    Optional<Rejection> invalid = checkShape(command.description(), command.partitions());
    if (invalid.isPresent()) {
      return Effect().reply(command.replyTo(), StatusReply.error(invalid.get()));
    }
    // events already stored under a partition stay reachable only if partitions never disappear
    if (command.partitions() < state.partitions()) {
      return reject(
          command,
          ErrorCode.INVALID_PARTITIONS,
          "partitions can only grow: stream " + id + " has " + state.partitions());
    }
    return Effect()
        .persist(
            new Updated(command.description(), command.partitions(), command.requester(), now()))
        .thenReply(command.replyTo(), StatusReply::success);
  }

  private ReplyEffect<Event, State> onGrant(State state, Grant command) {
    if (!state.may(command.requester(), Permission.GRANT)) {
      return notPermitted(command, command.requester(), Permission.GRANT);
    }
    if (command.grantee().isEveryone()
        && !Permission.GRANTABLE_TO_EVERYONE.contains(command.permission())) {
      return reject(
          command,
          ErrorCode.INVALID_PERMISSION,
          command.permission().label()
              + " cannot be granted to everyone, only publish and subscribe");
    }
    Optional<Instant> until = command.until().map(end -> end.truncatedTo(ChronoUnit.MILLIS));
    if (until.isPresent()) {
      if (command.grantee().isEveryone()
          || !Permission.GRANTABLE_TO_EVERYONE.contains(command.permission())) {
        return reject(
            command,
            ErrorCode.INVALID_PERMISSION,
            "only publish and subscribe of one address are granted until a time");
      }
      EthereumAddress address = command.grantee().address().orElseThrow();
      if (state.may(address, command.permission())
          && state.access().expiry(address, command.permission()).isEmpty()) {
        return Effect().reply(command.replyTo(), StatusReply.success(state));
      }
    }
    return Effect()
        .persist(new Granted(command.grantee(), command.permission(), command.requester(), until))
        .thenReply(command.replyTo(), StatusReply::success);
  }

  private ReplyEffect<Event, State> onExpire(State state, Expire command) {
    if (!state
            .access()
            .expiry(command.address(), command.permission())
            .equals(Optional.of(command.at()))
        || now().isBefore(command.at())) {
      return Effect().reply(command.replyTo(), StatusReply.success(state));
    }
    return Effect()
        .persist(new Expired(command.address(), command.permission(), command.at()))
        .thenReply(command.replyTo(), StatusReply::success);
  }

  private ReplyEffect<Event, State> onRevoke(State state, Revoke command) {
    boolean ownPermission =
        command.grantee().address().map(command.requester()::equals).orElse(false);
    if (!ownPermission && !state.may(command.requester(), Permission.GRANT)) {
      return notPermitted(command, command.requester(), Permission.GRANT);
    }
    if (command.grantee().address().map(state.owner()::equals).orElse(false)) {
      return reject(
          command,
          ErrorCode.NOT_PERMITTED,
          "the owner's permissions on " + id + " cannot be revoked");
    }
    long sequenceNr = lastSequenceNumber(context) + 1;
    return Effect()
        .persist(new Revoked(command.grantee(), command.permission(), command.requester()))
        .thenReply(
            command.replyTo(), revoked -> StatusReply.success(new Revocation(revoked, sequenceNr)));
  }

  private ReplyEffect<Event, State> onDelete(State state, Delete command) {
    if (!state.may(command.requester(), Permission.DELETE)) {
      return notPermitted(command, command.requester(), Permission.DELETE);
    }
    return Effect()
        .persist(new Deleted(command.requester(), now()))
        .thenReply(command.replyTo(), StatusReply::success);
  }

  private Optional<Rejection> checkShape(String description, int partitions) {
    if (partitions < 1 || partitions > settings.maxPartitions()) {
      return Optional.of(
          new Rejection(
              ErrorCode.INVALID_PARTITIONS,
              "partitions must be between 1 and "
                  + settings.maxPartitions()
                  + ", not "
                  + partitions));
    }
    if (description.length() > settings.maxDescriptionLength()) {
      return Optional.of(
          new Rejection(
              ErrorCode.INVALID_DESCRIPTION,
              "description is longer than " + settings.maxDescriptionLength() + " characters"));
    }
    return Optional.empty();
  }

  private ReplyEffect<Event, State> notPermitted(
      Command command, EthereumAddress requester, Permission permission) {
    return reject(
        command,
        ErrorCode.NOT_PERMITTED,
        requester + " lacks the " + permission.label() + " permission on " + id);
  }

  /** Events keep milliseconds, as the journal does, so a recovered state equals the live one. */
  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  private ReplyEffect<Event, State> reject(Command command, ErrorCode code, String message) {
    return Effect().reply(replyTo(command), StatusReply.error(new Rejection(code, message)));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Created.class, State::created)
        .onEvent(Updated.class, State::updated)
        .onEvent(
            Granted.class,
            (state, event) ->
                state.with(
                    state.access().granted(event.grantee(), event.permission(), event.until())))
        .onEvent(
            Expired.class,
            (state, event) ->
                state.with(state.access().revoked(Grantee.of(event.address()), event.permission())))
        .onEvent(
            Revoked.class,
            (state, event) ->
                state.with(state.access().revoked(event.grantee(), event.permission())))
        .onEvent(Deleted.class, State::deleted)
        .build();
  }
}
