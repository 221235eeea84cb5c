package io.cairn.pinning;

import io.cairn.core.Cores;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.ledger.Bytes32;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The service checks as the agents' API sees them: an attester's open checks, read from {@link
 * ServiceCheckDirectory} and the replicas' {@link ServiceCheck} entities, and its reports, passed
 * on with the core's own block hashes at the check's indices (which the cluster holds, so a report
 * is judged against the real blocks).
 */
public final class ServiceChecks {
  private static final int PARALLELISM = 8;

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final PinningSettings settings;
  private final Cores cores;
  private final ServiceCheckDirectory directory;

  ServiceChecks(ActorSystem<?> system, PinningSettings settings, Cores cores) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.settings = settings;
    this.cores = cores;
    this.directory = new ServiceCheckDirectory(system);
  }

  /** A check for an attester to make: on {@code assignment}'s replica. */
  public record CheckTask(ReplicaAssignment assignment, ServiceCheck.Check check) {}

  /** The checks open for {@code attester} now, by the cluster's clock. */
  public CompletionStage<List<CheckTask>> tasksOf(EthereumAddress attester) {
    return directory
        .checkedBy(attester)
        .thenCompose(
            ids ->
                Source.from(ids)
                    .mapAsyncUnordered(
                        PARALLELISM,
                        id ->
                            checks(id)
                                .thenApply(Optional::of)
                                .exceptionally(failure -> Optional.empty()))
                    .mapConcat(
                        checking ->
                            checking
                                .flatMap(
                                    c ->
                                        c.open()
                                            .filter(open -> open.attester().equals(attester))
                                            .map(open -> new CheckTask(c.assignment(), open)))
                                .stream()
                                .toList())
                    .runWith(Sink.seq(), system));
  }

  /**
   * Passes {@code attester}'s report of check {@code checkId} on the replica in {@code slot} of the
   * job, with the core's block hashes at the open check's indices.
   */
  public CompletionStage<ServiceCheck.Grade> report(
      Bytes32 jobId,
      int slot,
      EthereumAddress attester,
      Bytes32 checkId,
      List<ServiceReports.BlockReport> blocks) {
    String entityId = PinnedReplica.entityId(jobId, slot);
    return checks(entityId)
        .exceptionallyCompose(
            missing ->
                CompletableFuture.failedFuture(
                    new Rejection(
                        ErrorCode.SERVICE_CHECK_NOT_FOUND,
                        "replica " + slot + " of job " + jobId + " has no service checks")))
        .thenCompose(
            checking -> {
              Optional<ServiceCheck.Check> open =
                  checking.open().filter(check -> check.checkId().equals(checkId));
              if (open.isEmpty()) {
                return CompletableFuture.failedFuture(
                    new Rejection(
                        ErrorCode.SERVICE_CHECK_NOT_FOUND,
                        "no service check " + checkId + " is open on replica " + entityId));
              }
              return blockHashes(checking.assignment(), open.get().indices());
            })
        .thenCompose(
            hashes ->
                entity(entityId)
                    .askWithStatus(
                        replyTo ->
                            new ServiceCheck.Report(attester, checkId, blocks, hashes, replyTo),
                        settings.askTimeout()));
  }

  /** The core's BLAKE2b-256 hash of each block at {@code indices}. */
  private CompletionStage<Map<Long, Bytes32>> blockHashes(
      ReplicaAssignment assignment, List<Long> indices) {
    byte[] key = HexFormat.of().parseHex(assignment.coreKey());
    return Source.from(indices.stream().distinct().toList())
        .mapAsync(
            PARALLELISM,
            index ->
                cores
                    .blocks(key, index, index + 1)
                    .thenApply(block -> Map.entry(index, ServiceReports.blockHash(block.get(0)))))
        .runWith(Sink.seq(), system)
        .thenApply(
            entries -> {
              Map<Long, Bytes32> hashes = new HashMap<>();
              entries.forEach(entry -> hashes.put(entry.getKey(), entry.getValue()));
              return hashes;
            });
  }

  private CompletionStage<ServiceCheck.Checking> checks(String entityId) {
    return entity(entityId).askWithStatus(ServiceCheck.Get::new, settings.askTimeout());
  }

  private EntityRef<ServiceCheck.Command> entity(String entityId) {
    return sharding.entityRefFor(ServiceCheck.ENTITY_KEY, entityId);
  }
}
