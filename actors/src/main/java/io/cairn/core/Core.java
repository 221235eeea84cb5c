package io.cairn.core;

import io.cairn.cluster.NodeRole;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.hypercore.CoreDescriptor;
import io.cairn.protocol.hypercore.CoreIdentity;
import io.cairn.protocol.hypercore.CoreTree;
import io.cairn.protocol.hypercore.FlatTree;
import io.cairn.protocol.hypercore.InMemoryTreeStore;
import io.cairn.protocol.hypercore.MerkleHasher;
import io.cairn.protocol.hypercore.Proof;
import io.cairn.protocol.hypercore.RangeProof;
import io.cairn.protocol.hypercore.SignedBatch;
import io.cairn.protocol.hypercore.TreeHead;
import io.cairn.protocol.hypercore.TreeNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
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

/**
 * One Hypercore log stored by the cluster, sharded by its discovery key (64 hex digits). Writers
 * sign on their own machines; the entity checks every batch against the core's key before
 * persisting it, so the journal holds nothing unverified.
 *
 * <p>Event 1 registers the core; block {@code i} is event {@code i + 2} and carries the tree nodes
 * it completes. The entity keeps the whole tree (about 100 bytes per block) and answers proofs from
 * it; block bytes stay in the journal, and {@link Cores} fills them into the proofs. There are no
 * snapshots: one would hold the whole tree and be rewritten every time, so a core recovers by
 * replaying its events.
 */
public final class Core
    extends EventSourcedBehaviorWithEnforcedReplies<Core.Command, Core.Event, Core.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Core");

  /** The journal sequence number of block {@code index}. */
  public static long sequenceNumberOf(long index) {
    return index + 2;
  }

  // ---- commands ----

  public sealed interface Command {
    /** Where the answer goes: a {@code StatusReply} of the type each command names. */
    ActorRef<?> replyTo();
  }

  /** Registers the core; registering the same core again answers its info. */
  public record Register(CoreDescriptor descriptor, ActorRef<StatusReply<Registration>> replyTo)
      implements Command {}

  /** Appends a batch the core's writer signed; a batch already stored is acknowledged again. */
  public record Append(SignedBatch batch, ActorRef<StatusReply<Info>> replyTo) implements Command {}

  public record GetInfo(ActorRef<StatusReply<Info>> replyTo) implements Command {}

  /**
   * Proof of block {@code index} at the core's length, with the upgrade from {@code trustedLength}
   * (0 when the reader trusts nothing yet). The block value is left empty for {@link Cores}.
   */
  public record GetBlockProof(long index, long trustedLength, ActorRef<StatusReply<Proof>> replyTo)
      implements Command {}

  /**
   * One proof for blocks {@code start} (inclusive) to {@code end} (exclusive), values left empty.
   */
  public record GetRangeProof(long start, long end, ActorRef<StatusReply<RangeProof>> replyTo)
      implements Command {}

  /** The proof that takes a reader from length {@code from} to the signed length {@code to}. */
  public record GetUpgradeProof(long from, long to, ActorRef<StatusReply<Proof>> replyTo)
      implements Command {}

  // ---- events ----

  public sealed interface Event {}

  public record Registered(CoreDescriptor descriptor) implements Event {}

  /** {@code signature} is set on the last block of a batch only: the length it signs. */
  public record BlockAppended(
      long index, byte[] value, List<TreeNode> nodes, long fork, byte[] signature)
      implements Event {
    public BlockAppended {
      nodes = List.copyOf(nodes);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof BlockAppended that
          && index == that.index
          && fork == that.fork
          && Arrays.equals(value, that.value)
          && nodes.equals(that.nodes)
          && Arrays.equals(signature, that.signature);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(index) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "BlockAppended["
          + index
          + ", "
          + value.length
          + " bytes, signed="
          + (signature != null)
          + "]";
    }
  }

  // ---- replies ----

  /** What the node knows of a core; {@code head} carries its latest signature. */
  public record Info(
      CoreDescriptor descriptor, byte[] key, byte[] discoveryKey, TreeHead head, byte[] treeHash) {
    public long byteLength() {
      return head.byteLength();
    }
  }

  /** The answer to {@link Register}: {@code created} when this request registered the core. */
  public record Registration(Info info, boolean created) {}

  // ---- state ----

  /**
   * Empty until registered. The tree of a registered core is mutable on purpose: it grows with
   * every block, and copying it per event would cost O(length). Only the event handler writes it.
   */
  public static final class State {
    private final CoreDescriptor descriptor;
    private final CoreTree tree;
    private final NavigableMap<Long, byte[]> signatures;

    private State(CoreDescriptor descriptor, CoreTree tree, NavigableMap<Long, byte[]> signatures) {
      this.descriptor = descriptor;
      this.tree = tree;
      this.signatures = signatures;
    }

    static State empty() {
      return new State(null, null, new TreeMap<>());
    }

    static State registered(CoreDescriptor descriptor) {
      return new State(
          descriptor,
          CoreTree.empty(descriptor.identity(), new InMemoryTreeStore()),
          new TreeMap<>());
    }

    public boolean isRegistered() {
      return descriptor != null;
    }

    public CoreDescriptor descriptor() {
      return descriptor;
    }

    public TreeHead head() {
      return tree.head();
    }

    CoreTree tree() {
      return tree;
    }

    /** The writer's signature of the tree at {@code length}, or null when it signed none there. */
    byte[] signatureAt(long length) {
      return signatures.get(length);
    }

    /** The lengths a writer signed: the end of every batch. */
    Set<Long> signedLengths() {
      return Set.copyOf(signatures.keySet());
    }

    Info info() {
      CoreIdentity identity = tree.identity();
      return new Info(
          descriptor,
          identity.key(),
          identity.discoveryKey(),
          tree.head(),
          new MerkleHasher().treeHash(tree.head().roots()));
    }

    State appended(BlockAppended event) {
      for (TreeNode node : event.nodes()) {
        tree.store().put(node);
      }
      if (event.signature() == null) {
        return this;
      }
      long length = event.index() + 1;
      signatures.put(length, event.signature());
      return new State(
          descriptor,
          CoreTree.restore(
              tree.identity(), tree.store(), headAt(event.fork(), length, event.signature())),
          signatures);
    }

    /** The signed tree at an earlier signed length; its nodes are still in the store. */
    TreeHead headAt(long fork, long length, byte[] signature) {
      List<TreeNode> roots = new ArrayList<>();
      for (long index : FlatTree.fullRoots(length)) {
        roots.add(tree.store().get(index));
      }
      return new TreeHead(fork, length, roots, signature);
    }
  }

  // ---- wiring ----

  public static void init(ActorSystem<?> system, CoreSettings settings) {
    ClusterSharding.get(system)
        .init(
            Entity.of(ENTITY_KEY, context -> create(context.getEntityId(), settings))
                .withRole(NodeRole.CORE.label()));
  }

  /** The entity id of a core: the hex of its discovery key. */
  public static String entityId(byte[] key) {
    return HexFormat.of().formatHex(CoreIdentity.discoveryKeyOf(key));
  }

  public static Behavior<Command> create(String entityId, CoreSettings settings) {
    if (!entityId.matches("[0-9a-f]{64}")) {
      Rejection invalid =
          new Rejection(
              ErrorCode.INVALID_CORE_KEY,
              "'" + entityId + "' is not a discovery key (64 lower-case hex digits)");
      return Behaviors.receiveMessage(
          command -> {
            replyTo(command).tell(StatusReply.error(invalid));
            return Behaviors.same();
          });
    }
    return new Core(entityId, settings);
  }

  /** Every command's reply type is a StatusReply, so a rejection fits any of them. */
  @SuppressWarnings("unchecked")
  private static ActorRef<StatusReply<Object>> replyTo(Command command) {
    return (ActorRef<StatusReply<Object>>) command.replyTo();
  }

  private final String discoveryKey;
  private final CoreSettings settings;

  private Core(String discoveryKey, CoreSettings settings) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), discoveryKey),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.discoveryKey = discoveryKey;
    this.settings = settings;
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
        .forState(state -> !state.isRegistered())
        .onCommand(Register.class, this::onRegister)
        .onAnyCommand(
            command ->
                Effect()
                    .reply(
                        replyTo(command),
                        StatusReply.error(
                            new Rejection(
                                ErrorCode.CORE_NOT_FOUND,
                                "core " + discoveryKey + " is not registered"))));
    builder
        .forState(State::isRegistered)
        .onCommand(Register.class, this::onRegisterAgain)
        .onCommand(Append.class, this::onAppend)
        .onCommand(
            GetInfo.class,
            (state, command) ->
                Effect().reply(command.replyTo(), StatusReply.success(state.info())))
        .onCommand(
            GetBlockProof.class,
            (state, command) ->
                answer(
                    command.replyTo(),
                    () -> CoreProofs.block(state, command.index(), command.trustedLength())))
        .onCommand(
            GetRangeProof.class,
            (state, command) ->
                answer(
                    command.replyTo(),
                    () ->
                        CoreProofs.range(
                            state, command.start(), command.end(), settings.maxRangeBlocks())))
        .onCommand(
            GetUpgradeProof.class,
            (state, command) ->
                answer(
                    command.replyTo(),
                    () -> CoreProofs.upgrade(state, command.from(), command.to())));
    return builder.build();
  }

  private ReplyEffect<Event, State> onRegister(State state, Register command) {
    CoreIdentity identity;
    try {
      identity = command.descriptor().identity();
    } catch (IllegalArgumentException malformed) {
      return reject(
          command.replyTo(),
          ErrorCode.INVALID_MANIFEST,
          "cannot read the core's manifest: " + malformed.getMessage());
    }
    if (!HexFormat.of().formatHex(identity.discoveryKey()).equals(discoveryKey)) {
      return reject(
          command.replyTo(),
          ErrorCode.INVALID_CORE_KEY,
          "the manifest describes another core (discovery key "
              + HexFormat.of().formatHex(identity.discoveryKey())
              + ", not "
              + discoveryKey
              + ")");
    }
    return Effect()
        .persist(new Registered(command.descriptor()))
        .thenReply(
            command.replyTo(),
            registered -> StatusReply.success(new Registration(registered.info(), true)));
  }

  private ReplyEffect<Event, State> onRegisterAgain(State state, Register command) {
    if (!command.descriptor().equals(state.descriptor())) {
      return reject(
          command.replyTo(),
          ErrorCode.INVALID_CORE_KEY,
          "core " + discoveryKey + " is registered with another manifest");
    }
    return Effect()
        .reply(command.replyTo(), StatusReply.success(new Registration(state.info(), false)));
  }

  private ReplyEffect<Event, State> onAppend(State state, Append command) {
    SignedBatch batch = command.batch();
    for (int i = 0; i < batch.blocks().size(); i++) {
      if (batch.blocks().get(i).length > settings.maxBlockSize()) {
        return reject(
            command.replyTo(),
            ErrorCode.BLOCK_TOO_LARGE,
            "block "
                + (batch.start() + i)
                + " has "
                + batch.blocks().get(i).length
                + " bytes; the limit is "
                + settings.maxBlockSize());
      }
    }
    if (batch.byteLength() > settings.maxBatchBytes()) {
      return reject(
          command.replyTo(),
          ErrorCode.BATCH_TOO_LARGE,
          "the batch has "
              + batch.byteLength()
              + " bytes; the limit is "
              + settings.maxBatchBytes()
              + ": send it in several batches");
    }
    if (isStored(state, batch)) {
      return Effect().reply(command.replyTo(), StatusReply.success(state.info()));
    }
    CoreTree.Check check = state.tree.check(batch);
    if (check instanceof CoreTree.Check.Refused refused) {
      return reject(
          command.replyTo(), ErrorCode.INVALID_BATCH, refused.reason() + ": " + refused.message());
    }
    CoreTree.Growth growth = ((CoreTree.Check.Accepted) check).growth();
    List<Event> events = new ArrayList<>(batch.blocks().size());
    for (int i = 0; i < batch.blocks().size(); i++) {
      boolean last = i == batch.blocks().size() - 1;
      events.add(
          new BlockAppended(
              batch.start() + i,
              batch.blocks().get(i),
              growth.nodesPerBlock().get(i),
              batch.fork(),
              last ? batch.signature() : null));
    }
    return Effect()
        .persist(events)
        .thenReply(command.replyTo(), appended -> StatusReply.success(appended.info()));
  }

  /**
   * A writer that lost an acknowledgement sends the batch again: it is stored if its end is a
   * signed length with this very signature and its blocks hash to the stored leaves.
   */
  private static boolean isStored(State state, SignedBatch batch) {
    long end = batch.start() + batch.blocks().size();
    byte[] signature = state.signatures.get(end);
    if (batch.blocks().isEmpty()
        || signature == null
        || !Arrays.equals(signature, batch.signature())) {
      return false;
    }
    MerkleHasher hasher = new MerkleHasher();
    for (int i = 0; i < batch.blocks().size(); i++) {
      TreeNode stored = state.tree.store().get(2 * (batch.start() + i));
      if (stored == null
          || !Arrays.equals(
              stored.hash(), hasher.leaf(batch.start() + i, batch.blocks().get(i)).hash())) {
        return false;
      }
    }
    return true;
  }

  /** A read answered from the state: its result, or the refusal it throws. */
  private <T> ReplyEffect<Event, State> answer(ActorRef<StatusReply<T>> replyTo, Supplier<T> read) {
    try {
      return Effect().reply(replyTo, StatusReply.success(read.get()));
    } catch (Rejection refused) {
      return Effect().reply(replyTo, StatusReply.error(refused));
    }
  }

  private <T> ReplyEffect<Event, State> reject(
      ActorRef<StatusReply<T>> replyTo, ErrorCode code, String message) {
    return Effect().reply(replyTo, StatusReply.error(new Rejection(code, message)));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Registered.class, (state, event) -> State.registered(event.descriptor()))
        .onEvent(BlockAppended.class, State::appended)
        .build();
  }
}
