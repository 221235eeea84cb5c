package io.cairn.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.cairn.cluster.ClusterNodes;
import io.cairn.core.CoreModule;
import io.cairn.core.CoreSettings;
import io.cairn.core.Cores;
import io.cairn.journal.TestDatabases;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.event.AddressRecoveries;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.hypercore.CoreDescriptor;
import io.cairn.protocol.hypercore.CoreKeyPair;
import io.cairn.protocol.hypercore.CoreWriter;
import io.cairn.protocol.hypercore.InMemoryTreeStore;
import io.cairn.protocol.hypercore.SignedBatch;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.pinning.PinningStatements;
import io.cairn.protocol.pinning.SealParameters;
import io.cairn.protocol.pinning.Sealer;
import io.cairn.protocol.pinning.SectorLayout;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job on a growing core (PINNING.md 3.2), on a real node (H2 journal, sharding, the supervisor
 * singleton) with the agents played by the protocol's sealer: blocks appended after placement are
 * shown as the job's unsealed tail, then placed as a new sector when the time bound passes, and at
 * once when they fill a sector; each new sector's replicas are sealed, witnessed and accepted like
 * the first ones, and a replay of the journal recomputes every selection.
 */
class PinningTailTest {
  private static final SealParameters SEAL = new SealParameters(2, 20_000, 1L << 30);
  private static final int SECTOR_BLOCKS = 64;
  private static final Duration SEAL_AFTER = Duration.ofSeconds(3);
  // challenges far apart: nobody answers them here, and no replica should turn FAULTY meanwhile
  private static final PinningSettings SETTINGS =
      new PinningSettings(
          Duration.ofSeconds(5),
          64,
          16,
          3650,
          Duration.ofSeconds(30),
          Duration.ofMillis(500),
          SECTOR_BLOCKS,
          SEAL,
          0.0,
          Duration.ofMinutes(1),
          Duration.ofMinutes(1),
          new PinningSettings.Challenges(
              Duration.ofMinutes(10),
              Duration.ofMinutes(20),
              8,
              16,
              Duration.ofSeconds(3),
              List.of(Duration.ofMinutes(1))),
          new PinningSettings.Tail(Duration.ofMillis(200), SEAL_AFTER),
          PinningSettings.fromConfig(ConfigFactory.defaultReference()).reputation(),
          PinningSettings.fromConfig(ConfigFactory.defaultReference()).economy(),
          PinningSettings.fromConfig(ConfigFactory.defaultReference()).stake());
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @TempDir Path directory;

  private ClusterNodes cluster;
  private ActorSystem<?> system;
  private Cores cores;
  private PinningModule pinning;
  private final EpochSecrets epochs = new EpochSecrets(new byte[32]);
  private final Map<EthereumAddress, PrivateKeySigner> keys = new HashMap<>();
  private final List<byte[]> blocks = new ArrayList<>();
  private final Random random = new Random(32);
  private CoreWriter writer;
  private String coreKey;

  @BeforeEach
  void start() throws Exception {
    cluster = ClusterNodes.start(1, TestDatabases.h2(directory));
    system = cluster.node(0).system();
    CoreModule core = CoreModule.init(system, CoreSettings.fromConfig(system.settings().config()));
    cores = core.cores();
    pinning =
        PinningModule.init(
            system,
            SETTINGS,
            Clock.systemUTC(),
            cores,
            () -> epochs,
            AddressRecoveries.preferred(),
            provider -> CompletableFuture.completedFuture(BigInteger.ZERO));
    writer = CoreWriter.create(CoreKeyPair.generate(), new InMemoryTreeStore());
    coreKey = HexFormat.of().formatHex(writer.identity().key());
    await(cores.register(writer.identity().key(), CoreDescriptor.of(writer.identity())));
    appendOneByOne(40);
    for (int i = 0; i < 6; i++) {
      register(Provider.Role.HOSTER, "operator-" + i, "region-" + (i % 3));
    }
    for (int i = 0; i < 2; i++) {
      register(Provider.Role.ENCODER, "witness-" + i, "region-" + i);
    }
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void appendedBlocksAreShownUnsealedThenSealedAsNewSectorsByTimeAndBySize() throws Exception {
    EthereumAddress supporter = PrivateKeySigner.generate().address();
    Bytes32 jobId =
        await(pinning.jobs().request(supporter, "tail-1", new PinningJob.Terms(coreKey, 2, 30)))
            .job()
            .jobId();
    PinningJob.Job placed = eventually(() -> job(jobId), job -> job.replicas().size() == 2);
    sealAll(jobId, placed.replicas());
    PinningJob.Job active = eventually(() -> job(jobId), PinningTailTest::allActive);
    assertTrue(active.unsealedTail().isEmpty(), "the first placement covers the whole core");

    // ten blocks appended: held by the cluster only, shown as the tail, until the time bound
    Instant appendedAt = Instant.now();
    appendOneByOne(10);
    UnsealedTail tail =
        eventually(
                () -> job(jobId), job -> job.unsealedTail().map(t -> t.end() == 50).orElse(false))
            .unsealedTail()
            .orElseThrow();
    assertEquals(40, tail.start());
    assertTrue(!tail.since().isBefore(appendedAt.minusMillis(1)), tail.toString());
    assertEquals(
        Bytes32.of(await(cores.info(writer.identity().key())).treeHash()), tail.treeHash());

    PinningJob.Job byTime = eventually(() -> job(jobId), job -> job.replicas().size() == 4);
    assertTrue(byTime.unsealedTail().isEmpty(), "the tail shrank to nothing: " + byTime);
    assertTrue(
        Duration.between(tail.since(), Instant.now()).compareTo(SEAL_AFTER) >= 0,
        "sealed by the time bound");
    List<PinningJob.Replica> timeSector = byTime.replicas().subList(2, 4);
    for (PinningJob.Replica replica : timeSector) {
      assertEquals(40, replica.assignment().rangeStart());
      assertEquals(50, replica.assignment().rangeEnd());
      assertEquals(tail.treeHash(), replica.assignment().treeHash());
      assertEquals(PinningJob.ReplicaState.SEALING, replica.state());
    }
    assertEquals(List.of(2, 3), timeSector.stream().map(PinningJob.Replica::slot).toList());
    assertTrue(
        !timeSector.get(0).hoster().equals(timeSector.get(1).hoster()), "apart within the sector");
    sealAll(jobId, timeSector);
    eventually(() -> job(jobId), PinningTailTest::allActive);

    // a whole sector's worth in one batch: placed at the next check, long before the time bound
    Instant filledAt = Instant.now();
    appendBatch(SECTOR_BLOCKS);
    PinningJob.Job bySize = eventually(() -> job(jobId), job -> job.replicas().size() == 6);
    assertTrue(
        Duration.between(filledAt, Instant.now()).compareTo(SEAL_AFTER) < 0,
        "sealed by the size bound");
    assertTrue(bySize.unsealedTail().isEmpty());
    List<PinningJob.Replica> sizeSector = bySize.replicas().subList(4, 6);
    for (PinningJob.Replica replica : sizeSector) {
      assertEquals(50, replica.assignment().rangeStart());
      assertEquals(50 + SECTOR_BLOCKS, replica.assignment().rangeEnd());
    }
    sealAll(jobId, sizeSector);
    PinningJob.Job grown = eventually(() -> job(jobId), PinningTailTest::allActive);
    assertEquals(List.of(0, 1, 2, 3, 4, 5), grown.replicas().stream().map(r -> r.slot()).toList());

    replayRecomputesTheSelections(jobId);
  }

  /** Every selection, the first placement's and each tail's, comes out the same again. */
  private void replayRecomputesTheSelections(Bytes32 jobId) {
    int tails = 0;
    int selections = 0;
    for (Object event : events("PinningJob|" + jobId)) {
      Placement.Selection selection;
      if (event instanceof PinningJob.Placed placed) {
        selection = placed.selection();
      } else if (event instanceof PinningJob.TailPlaced tailPlaced) {
        selection = tailPlaced.selection();
        tails++;
      } else {
        continue;
      }
      assertEquals(
          selection,
          SelectionReplay.drawnAgain(epochs.secret(selection.epoch()), jobId, selection));
      selections++;
    }
    assertEquals(2, tails);
    assertEquals(3, selections);
  }

  private static boolean allActive(PinningJob.Job job) {
    return job.replicas().stream().allMatch(r -> r.state() == PinningJob.ReplicaState.ACTIVE);
  }

  private void appendOneByOne(int count) {
    for (int i = 0; i < count; i++) {
      byte[] block = block();
      await(
          cores.append(
              writer.identity().key(), SignedBatch.of(writer.append(block), List.of(block))));
    }
  }

  private void appendBatch(int count) {
    List<byte[]> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      batch.add(block());
    }
    await(cores.append(writer.identity().key(), SignedBatch.of(writer.append(batch), batch)));
  }

  private byte[] block() {
    byte[] block = new byte[100 + random.nextInt(400)];
    random.nextBytes(block);
    blocks.add(block);
    return block;
  }

  private void register(Provider.Role role, String operator, String region) {
    PrivateKeySigner key = PrivateKeySigner.generate();
    keys.put(key.address(), key);
    await(
        pinning
            .providers()
            .register(
                key.address(),
                new Provider.Terms(
                    Set.of(role), role == Provider.Role.HOSTER ? 1L << 30 : 0, operator, region)));
  }

  /** What the hoster and the witness of each replica do: seal the range, and commit its root. */
  private void sealAll(Bytes32 jobId, List<PinningJob.Replica> replicas) {
    for (PinningJob.Replica replica : replicas) {
      ReplicaAssignment assignment = replica.assignment();
      Sealer.SealedReplica sealed =
          new Sealer(SEAL)
              .seal(
                  assignment.replicaId(),
                  SectorLayout.encode(
                      blocks.subList((int) assignment.rangeStart(), (int) assignment.rangeEnd()),
                      SEAL.sectorCapBytes()));
      PinningStatements.Commitment commitment =
          new PinningStatements.Commitment(
              assignment.replicaId().bytes(), sealed.commR(), sealed.replica().nodeCount());
      for (EthereumAddress agent : List.of(assignment.hoster(), assignment.encoder())) {
        await(
            pinning
                .replicas()
                .commit(
                    jobId,
                    assignment.slot(),
                    PinningStatements.signCommitment(keys.get(agent), commitment)));
      }
    }
  }

  private List<Object> events(String persistenceId) {
    CurrentEventsByPersistenceIdQuery journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(
                CurrentEventsByPersistenceIdQuery.class, JdbcReadJournal.Identifier());
    return await(
            journal
                .currentEventsByPersistenceId(persistenceId, 0, Long.MAX_VALUE)
                .map(EventEnvelope::event)
                .runWith(Sink.seq(), system))
        .stream()
        .map(event -> (Object) event)
        .toList();
  }

  private PinningJob.Job job(Bytes32 jobId) {
    return await(pinning.jobs().get(jobId));
  }

  private static <T> T eventually(Supplier<T> read, Predicate<T> done) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    T last = read.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached in " + PATIENCE + ": " + last);
      }
      Thread.sleep(50);
      last = read.get();
    }
    return last;
  }

  private static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }
}
