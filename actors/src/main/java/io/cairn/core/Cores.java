package io.cairn.core;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.hypercore.CoreDescriptor;
import io.cairn.protocol.hypercore.Proof;
import io.cairn.protocol.hypercore.RangeProof;
import io.cairn.protocol.hypercore.SignedBatch;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The cluster's cores as the API sees them: commands go to the sharded {@link Core} entities, and
 * the block bytes of proofs come from the journal, where each block is one event.
 */
public final class Cores {
  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final CoreSettings settings;
  private final CurrentEventsByPersistenceIdQuery journal;

  public Cores(ActorSystem<?> system, CoreSettings settings, String readJournalPluginId) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.settings = settings;
    this.journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(CurrentEventsByPersistenceIdQuery.class, readJournalPluginId);
  }

  public CoreSettings settings() {
    return settings;
  }

  /** The core, and whether this call registered it (false: it was registered, identically). */
  public CompletionStage<Core.Registration> register(byte[] key, CoreDescriptor descriptor) {
    return ask(key, replyTo -> new Core.Register(descriptor, replyTo));
  }

  public CompletionStage<Core.Info> append(byte[] key, SignedBatch batch) {
    return ask(key, replyTo -> new Core.Append(batch, replyTo));
  }

  public CompletionStage<Core.Info> info(byte[] key) {
    return ask(key, Core.GetInfo::new);
  }

  /** Block {@code index} with its proof, upgraded from {@code trustedLength}. */
  public CompletionStage<Proof> block(byte[] key, long index, long trustedLength) {
    return this.<Proof>ask(key, replyTo -> new Core.GetBlockProof(index, trustedLength, replyTo))
        .thenCompose(
            proof ->
                values(key, index, index + 1)
                    .thenApply(
                        values ->
                            new Proof(
                                proof.fork(),
                                new Proof.Block(index, values.get(0), proof.block().nodes()),
                                proof.upgrade())));
  }

  /** Blocks {@code start} (inclusive) to {@code end} (exclusive) with one proof. */
  public CompletionStage<RangeProof> range(byte[] key, long start, long end) {
    return this.<RangeProof>ask(key, replyTo -> new Core.GetRangeProof(start, end, replyTo))
        .thenCompose(
            proof ->
                values(key, start, end)
                    .thenApply(
                        values ->
                            new RangeProof(
                                proof.fork(),
                                proof.length(),
                                proof.start(),
                                values,
                                proof.nodes(),
                                proof.signature())));
  }

  /**
   * The bytes of blocks {@code start} (inclusive) to {@code end} (exclusive), without proofs: for
   * the cluster's own use of data it verified when it was appended (a pinning audit re-seals them).
   */
  public CompletionStage<List<byte[]>> blocks(byte[] key, long start, long end) {
    return info(key)
        .thenCompose(
            info -> {
              if (start < 0 || end > info.head().length() || start >= end) {
                throw new Rejection(
                    ErrorCode.INVALID_RANGE,
                    "blocks ["
                        + start
                        + ", "
                        + end
                        + ") are not in a core of "
                        + info.head().length());
              }
              return values(key, start, end);
            });
  }

  public CompletionStage<Proof> upgrade(byte[] key, long from, long to) {
    return ask(key, replyTo -> new Core.GetUpgradeProof(from, to, replyTo));
  }

  /**
   * Asks the core of {@code key}; a refusal because it is not registered names that key, as the
   * user gave it (the entity knows only its discovery key).
   */
  private <T> CompletionStage<T> ask(
      byte[] key, Function<ActorRef<StatusReply<T>>, Core.Command> command) {
    return core(key)
        .<T>askWithStatus(command::apply, settings.askTimeout())
        .exceptionallyCompose(
            failure ->
                CompletableFuture.failedFuture(
                    Rejection.of(failure).code() == ErrorCode.CORE_NOT_FOUND
                        ? new Rejection(
                            ErrorCode.CORE_NOT_FOUND,
                            "no core with key " + HexFormat.of().formatHex(key) + " is registered")
                        : failure));
  }

  private EntityRef<Core.Command> core(byte[] key) {
    return sharding.entityRefFor(Core.ENTITY_KEY, Core.entityId(key));
  }

  /**
   * The stored bytes of blocks {@code start} to {@code end}; asked only after the entity confirmed
   * they exist.
   */
  private CompletionStage<List<byte[]>> values(byte[] key, long start, long end) {
    String persistenceId = Core.ENTITY_KEY.name() + "|" + Core.entityId(key);
    return journal
        .currentEventsByPersistenceId(
            persistenceId, Core.sequenceNumberOf(start), Core.sequenceNumberOf(end - 1))
        .map(envelope -> ((Core.BlockAppended) envelope.event()).value())
        .runWith(Sink.seq(), system)
        .thenApply(
            values -> {
              if (values.size() != end - start) {
                throw new Rejection(
                    ErrorCode.UNAVAILABLE,
                    "the journal returned " + values.size() + " of blocks " + start + " to " + end);
              }
              return new ArrayList<>(values);
            });
  }
}
