package io.cairn.keys;

import com.google.protobuf.ByteString;
import io.cairn.cluster.NodeRole;
import io.cairn.cluster.ServiceIdentity;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.encryption.MasterKey;
import io.cairn.protocol.event.EventVerifier;
import io.cairn.protocol.stream.StreamId;
import io.cairn.stream.Grantee;
import io.cairn.stream.Stream;
import io.cairn.stream.StreamAccess;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
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
 * A stream's key custodian: appointed by the stream's owner, it holds the stream's group keys so
 * that subscribers get them when the publishers are gone. It hands them out only sealed to the
 * requester's RSA key in a Streamr {@code GroupKeyResponse} signed by the cluster's service
 * identity, and only to an address that holds {@code subscribe} when it asks. Sharded by stream id
 * on the nodes with the persistor role.
 *
 * <p>Keys are never in clear in the journal: each is sealed under the cluster's master key with the
 * stream id and key id as associated data. The last key is the current one; a rotation adds a key
 * and keeps the old ones, so content encrypted before stays readable to whoever may read it.
 *
 * <p>A request naming no key ids asks for the current key: a Cairn extension (Streamr subscribers
 * always name the id they met in a message), for a subscriber who wants to read from now on.
 */
public final class KeyCustodian
    extends EventSourcedBehaviorWithEnforcedReplies<
        KeyCustodian.Command, KeyCustodian.Event, KeyCustodian.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "KeyCustodian");

  // ---- commands ----

  public sealed interface Command {
    ActorRef<?> replyTo();
  }

  /** Appoints the custodian and makes the first key; only the stream's owner, again harmlessly. */
  public record Appoint(EthereumAddress requester, ActorRef<StatusReply<Info>> replyTo)
      implements Command {}

  /** A new current key, on the owner's demand. */
  public record Rotate(EthereumAddress requester, ActorRef<StatusReply<Info>> replyTo)
      implements Command {}

  /**
   * A new current key because {@code revoked} lost {@code subscribe} by the stream's event {@code
   * revokeSequenceNr}; sent by {@link RevokeRotation} for each such event. Idempotent: a key made
   * after a later revocation covers this one too. Without a custodian there is nothing to rotate.
   */
  public record RotateAfterRevoke(
      Grantee revoked, long revokeSequenceNr, ActorRef<StatusReply<Info>> replyTo)
      implements Command {}

  public record GetInfo(ActorRef<StatusReply<Info>> replyTo) implements Command {}

  /** A subscriber's signed group key request; answered with the signed response. */
  public record RequestKeys(StreamMessage request, ActorRef<StatusReply<KeyResponse>> replyTo)
      implements Command {}

  /** The keys in clear, for the cluster's own parts; no ids asks for the current key. */
  public record FindKeys(List<String> groupKeyIds, ActorRef<StatusReply<Keys>> replyTo)
      implements Command {
    public FindKeys {
      groupKeyIds = List.copyOf(groupKeyIds);
    }
  }

  /** The stream's state, read for an appointment; only this entity sends it to itself. */
  private record AppointChecked(
      EthereumAddress requester,
      Optional<Stream.State> stream,
      Optional<Throwable> failure,
      ActorRef<StatusReply<Info>> replyTo)
      implements Command {}

  /**
   * The stream's state, read after the keys of a request were picked: picking them first means a
   * key made by a rotation after a revocation never goes to an address the revocation covered.
   */
  private record PermissionChecked(
      StreamMessage request,
      EthereumAddress requester,
      List<GroupKey> keys,
      Optional<Stream.State> stream,
      Optional<Throwable> failure,
      ActorRef<StatusReply<KeyResponse>> replyTo)
      implements Command {}

  // ---- events ----

  public sealed interface Event {}

  public record Appointed(EthereumAddress by, StoredKey firstKey) implements Event {}

  /**
   * {@code by} is the owner who asked for it; empty when a revocation caused it, which is the
   * stream's event {@code afterRevoke} (0 for the owner's, and for rotations stored before
   * revocations were numbered).
   */
  public record Rotated(StoredKey key, Optional<EthereumAddress> by, long afterRevoke)
      implements Event {}

  // ---- replies ----

  public sealed interface Reply {}

  /** {@code rotatedAfterRevoke}: see {@link State}. */
  public record Info(
      String streamId,
      boolean appointed,
      String currentGroupKeyId,
      EthereumAddress serviceAddress,
      int groupKeys,
      long rotatedAfterRevoke)
      implements Reply {}

  public record KeyResponse(StreamMessage message) implements Reply {}

  public record Keys(List<GroupKey> keys) implements Reply {
    public Keys {
      keys = List.copyOf(keys);
    }
  }

  // ---- state ----

  /**
   * One group key: its id, its 32 bytes sealed under the master key (compared by value), its birth.
   */
  public record StoredKey(String id, ByteString sealed, Instant createdAt) {}

  /**
   * Immutable; {@code keys} oldest first, the last being the current one. {@code
   * rotatedAfterRevoke} is the sequence number of the stream's last revocation of {@code subscribe}
   * that a rotation followed: the current key was made after every revocation up to it.
   */
  public record State(
      String streamId, boolean appointed, List<StoredKey> keys, long rotatedAfterRevoke) {
    public State {
      keys = List.copyOf(keys);
    }

    static State empty(String streamId) {
      return new State(streamId, false, List.of(), 0);
    }

    public Optional<StoredKey> current() {
      return keys.isEmpty() ? Optional.empty() : Optional.of(keys.get(keys.size() - 1));
    }

    public Optional<StoredKey> find(String id) {
      return keys.stream().filter(key -> key.id().equals(id)).findFirst();
    }

    State withAppointment(Appointed event) {
      return new State(streamId, true, List.of(event.firstKey()), rotatedAfterRevoke);
    }

    State withRotation(Rotated event) {
      List<StoredKey> more = new ArrayList<>(keys);
      more.add(event.key());
      return new State(
          streamId, appointed, more, Math.max(rotatedAfterRevoke, event.afterRevoke()));
    }
  }

  // ---- wiring ----

  /** On a node with the persistor role: hosts custodians. */
  public static void init(
      ActorSystem<?> system, KeySettings settings, ServiceIdentity identity, MasterKey masterKey) {
    EventVerifier verifier = EventVerifier.standard();
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ENTITY_KEY,
                    context ->
                        create(context.getEntityId(), settings, identity, masterKey, verifier))
                .withRole(NodeRole.PERSISTOR.label()));
  }

  /** On a node without the persistor role: reaches the custodians on the others. */
  public static void initProxy(ActorSystem<?> system) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ENTITY_KEY,
                    context -> {
                      throw new IllegalStateException(
                          "key custodians run on nodes with the persistor role only");
                    })
                .withRole(NodeRole.PERSISTOR.label()));
  }

  /**
   * The behaviour of one stream's custodian; an id that is no stream id answers every command with
   * why.
   */
  public static Behavior<Command> create(
      String streamId,
      KeySettings settings,
      ServiceIdentity identity,
      MasterKey masterKey,
      EventVerifier verifier) {
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
    return Behaviors.setup(
        context -> new KeyCustodian(context, id, settings, identity, masterKey, verifier));
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
  private final KeySettings settings;
  private final ServiceIdentity identity;
  private final GroupKeyVault vault;
  private final GroupKeyRequests requests;

  private KeyCustodian(
      ActorContext<Command> context,
      StreamId id,
      KeySettings settings,
      ServiceIdentity identity,
      MasterKey masterKey,
      EventVerifier verifier) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), id.toString()),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.context = context;
    this.id = id;
    this.settings = settings;
    this.identity = identity;
    this.vault = new GroupKeyVault(id.toString(), masterKey);
    this.requests = new GroupKeyRequests(verifier, identity);
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
        .forState(state -> !state.appointed())
        .onCommand(Appoint.class, this::onAppoint)
        .onCommand(AppointChecked.class, this::onAppointChecked)
        .onCommand(
            RotateAfterRevoke.class,
            (state, command) -> Effect().reply(command.replyTo(), info(state)))
        .onCommand(PermissionChecked.class, this::onPermissionChecked)
        .onAnyCommand(
            command ->
                Effect()
                    .reply(
                        replyTo(command),
                        StatusReply.error(
                            new Rejection(
                                ErrorCode.CUSTODIAN_NOT_FOUND,
                                "stream "
                                    + id
                                    + " has no key custodian; its owner can appoint one"))));
    builder
        .forState(State::appointed)
        .onCommand(
            Appoint.class,
            (state, command) ->
                ownerOnly(
                    command.requester(),
                    command.replyTo(),
                    () -> Effect().reply(command.replyTo(), info(state))))
        .onCommand(
            AppointChecked.class,
            (state, command) -> Effect().reply(command.replyTo(), info(state)))
        .onCommand(
            Rotate.class,
            (state, command) ->
                ownerOnly(
                    command.requester(),
                    command.replyTo(),
                    () ->
                        Effect()
                            .persist(
                                new Rotated(vault.newKey(), Optional.of(command.requester()), 0))
                            .thenReply(command.replyTo(), this::info)))
        .onCommand(RotateAfterRevoke.class, this::onRotateAfterRevoke)
        .onCommand(
            GetInfo.class, (state, command) -> Effect().reply(command.replyTo(), info(state)))
        .onCommand(RequestKeys.class, this::onRequestKeys)
        .onCommand(PermissionChecked.class, this::onPermissionChecked)
        .onCommand(FindKeys.class, this::onFindKeys);
    return builder.build();
  }

  private ReplyEffect<Event, State> onAppoint(State state, Appoint command) {
    return ownerOnly(
        command.requester(),
        command.replyTo(),
        () -> {
          // the stream must exist and not be deleted; its answer comes back as AppointChecked
          context.pipeToSelf(
              streamState(),
              (stream, failure) ->
                  new AppointChecked(
                      command.requester(),
                      Optional.ofNullable(stream),
                      Optional.ofNullable(failure),
                      command.replyTo()));
          return Effect().noReply();
        });
  }

  private ReplyEffect<Event, State> onAppointChecked(State state, AppointChecked command) {
    if (command.failure().isPresent()) {
      return Effect()
          .reply(command.replyTo(), StatusReply.error(rejection(command.failure().get())));
    }
    return Effect()
        .persist(new Appointed(command.requester(), vault.newKey()))
        .thenReply(command.replyTo(), this::info);
  }

  private ReplyEffect<Event, State> onRotateAfterRevoke(State state, RotateAfterRevoke command) {
    if (command.revokeSequenceNr() <= state.rotatedAfterRevoke()) {
      // told again (a projection replays from its last stored offset): rotated already
      return Effect().reply(command.replyTo(), info(state));
    }
    context
        .getLog()
        .info(
            "Rotating the group key of {}: {} lost the subscribe permission",
            id,
            command.revoked());
    return Effect()
        .persist(new Rotated(vault.newKey(), Optional.empty(), command.revokeSequenceNr()))
        .thenReply(command.replyTo(), this::info);
  }

  private ReplyEffect<Event, State> onRequestKeys(State state, RequestKeys command) {
    EthereumAddress requester;
    List<GroupKey> keys;
    try {
      requester = requests.check(command.request(), id.toString());
      keys = vault.open(state, command.request().getGroupKeyRequest().getGroupKeyIdsList());
    } catch (Rejection refused) {
      return Effect().reply(command.replyTo(), StatusReply.error(refused));
    }
    context.pipeToSelf(
        streamState(),
        (stream, failure) ->
            new PermissionChecked(
                command.request(),
                requester,
                keys,
                Optional.ofNullable(stream),
                Optional.ofNullable(failure),
                command.replyTo()));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onPermissionChecked(State state, PermissionChecked command) {
    if (command.failure().isPresent()) {
      return Effect()
          .reply(command.replyTo(), StatusReply.error(rejection(command.failure().get())));
    }
    try {
      StreamAccess.requireSubscriber(
          command.stream().orElseThrow(),
          command.request().getMessageId().getStreamPartition(),
          Optional.of(command.requester()));
    } catch (Rejection refused) {
      return Effect().reply(command.replyTo(), StatusReply.error(refused));
    }
    StreamMessage response = requests.respond(command.request(), command.keys());
    return Effect().reply(command.replyTo(), StatusReply.success(new KeyResponse(response)));
  }

  private ReplyEffect<Event, State> onFindKeys(State state, FindKeys command) {
    try {
      return Effect()
          .reply(
              command.replyTo(),
              StatusReply.success(new Keys(vault.open(state, command.groupKeyIds()))));
    } catch (Rejection unknown) {
      return Effect().reply(command.replyTo(), StatusReply.error(unknown));
    }
  }

  private CompletionStage<Stream.State> streamState() {
    return ClusterSharding.get(context.getSystem())
        .entityRefFor(Stream.ENTITY_KEY, id.toString())
        .askWithStatus(Stream.Get::new, settings.askTimeout());
  }

  /** The owner is the address the stream id starts with: no other can ever own the stream. */
  private ReplyEffect<Event, State> ownerOnly(
      EthereumAddress requester,
      ActorRef<StatusReply<Info>> replyTo,
      Supplier<ReplyEffect<Event, State>> effect) {
    if (!requester.equals(id.owner())) {
      return Effect()
          .reply(
              replyTo,
              StatusReply.error(
                  new Rejection(
                      ErrorCode.NOT_PERMITTED,
                      requester
                          + " is not the owner of "
                          + id
                          + "; only its owner manages its key custodian")));
    }
    return effect.get();
  }

  /**
   * The stream's refusal as it is, anything else as the rejection that stands for it: the answer
   * may cross nodes, where only a Rejection has a serializer.
   */
  private Rejection rejection(Throwable failure) {
    Rejection rejection = Rejection.of(failure);
    if (rejection.code() == ErrorCode.INTERNAL) {
      context.getLog().error("Asking stream {} failed", id, rejection.getCause());
    }
    return rejection;
  }

  private StatusReply<Info> info(State state) {
    return StatusReply.success(
        new Info(
            state.streamId(),
            state.appointed(),
            state.current().map(StoredKey::id).orElse(""),
            identity.address(),
            state.keys().size(),
            state.rotatedAfterRevoke()));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Appointed.class, State::withAppointment)
        .onEvent(Rotated.class, State::withRotation)
        .build();
  }
}
