package io.cairn.pinning;

import io.cairn.cluster.NodeRole;
import io.cairn.core.Cores;
import io.cairn.projection.Projections;
import io.cairn.protocol.hypercore.Blake2b;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.pinning.Sealer;
import io.cairn.protocol.pinning.SectorLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's own check on hoster and witness (PINNING.md 3.3): a share ({@code audit-share}, 5
 * %) of newly accepted replicas is sealed again by a cluster node from the blocks the cluster
 * holds, and a root that differs makes the replica FAULTY, so a hoster and a witness that agree on
 * a wrong root are caught. Which replicas are audited is drawn from the secret of the epoch they
 * were accepted in, so nobody can tell in advance. A projection over {@link PinnedReplica}'s
 * events: an audit cut short by a node's stop runs again from the stored offset.
 */
public final class ReplicaAudit {
  static final String PROJECTION = "pin-replica-audit";
  private static final byte[] DOMAIN = "cairn/audit/v1".getBytes(StandardCharsets.US_ASCII);
  private static final Logger log = LoggerFactory.getLogger(ReplicaAudit.class);

  private ReplicaAudit() {}

  public static void start(
      ActorSystem<?> system, PinningSettings settings, Supplier<EpochSecrets> epochs, Cores cores) {
    Projections.atLeastOnce(
        system,
        PROJECTION,
        PinnedReplica.SLICES,
        NodeRole.CORE,
        () -> new Auditor(system, settings, epochs.get(), cores));
  }

  /** Whether the replica accepted in {@code epoch} is audited: a draw below the share. */
  static boolean audited(byte[] epochSecret, ReplicaAssignment assignment, double share) {
    byte[] digest = Blake2b.hash(DOMAIN, epochSecret, assignment.replicaId().bytes());
    long top53 = ByteBuffer.wrap(digest, 0, 8).getLong() >>> 11;
    return top53 / 0x1p53 < share;
  }

  private static final class Auditor extends Handler<EventEnvelope<PinnedReplica.Event>> {
    private final ActorSystem<?> system;
    private final PinningSettings settings;
    private final EpochSecrets epochs;
    private final Cores cores;
    private final Executor sealing;

    Auditor(ActorSystem<?> system, PinningSettings settings, EpochSecrets epochs, Cores cores) {
      this.system = system;
      this.settings = settings;
      this.epochs = epochs;
      this.cores = cores;
      this.sealing = system.dispatchers().lookup(DispatcherSelector.blocking());
    }

    @Override
    public CompletionStage<Done> process(EventEnvelope<PinnedReplica.Event> envelope) {
      if (!(envelope.event() instanceof PinnedReplica.Accepted accepted)) {
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      String entityId = PersistenceId.extractEntityId(envelope.persistenceId());
      return ClusterSharding.get(system)
          .entityRefFor(PinnedReplica.ENTITY_KEY, entityId)
          .<PinnedReplica.Replica>askWithStatus(PinnedReplica.Get::new, settings.askTimeout())
          .thenCompose(replica -> audit(replica.assignment(), accepted))
          .thenCompose(
              verdict ->
                  verdict.isEmpty()
                      ? CompletableFuture.completedFuture(Done.getInstance())
                      // asked, not told: the offset moves on only once the fault is persisted
                      : ClusterSharding.get(system)
                          .entityRefFor(PinnedReplica.ENTITY_KEY, entityId)
                          .<PinnedReplica.Replica>askWithStatus(
                              replyTo -> new PinnedReplica.Fault(verdict.get(), replyTo),
                              settings.askTimeout())
                          .thenApply(faulted -> Done.getInstance()));
    }

    /** Empty when not drawn or when the cluster's seal agrees; else why the replica fails. */
    private CompletionStage<java.util.Optional<String>> audit(
        ReplicaAssignment assignment, PinnedReplica.Accepted accepted) {
      long epoch = ChallengeRounds.epochOf(accepted.at(), settings.epochLength());
      if (!audited(epochs.secret(epoch), assignment, settings.auditShare())) {
        return CompletableFuture.completedFuture(java.util.Optional.empty());
      }
      return cores
          .blocks(
              HexFormat.of().parseHex(assignment.coreKey()),
              assignment.rangeStart(),
              assignment.rangeEnd())
          .thenApplyAsync(
              blocks -> {
                Sealer.SealedReplica sealed =
                    new Sealer(settings.seal())
                        .seal(
                            assignment.replicaId(),
                            SectorLayout.encode(blocks, settings.seal().sectorCapBytes()));
                PinnedReplica.Commitment own =
                    new PinnedReplica.Commitment(
                        Bytes32.of(sealed.commR()), sealed.replica().nodeCount());
                log.info(
                    "Audited replica {} of job {}: the cluster's seal {} the accepted root",
                    assignment.slot(),
                    assignment.jobId(),
                    own.equals(accepted.commitment()) ? "agrees with" : "differs from");
                return own.equals(accepted.commitment())
                    ? java.util.Optional.<String>empty()
                    : java.util.Optional.of(
                        "the cluster's audit seal gives "
                            + own
                            + ", not the accepted "
                            + accepted.commitment());
              },
              sealing);
    }
  }
}
