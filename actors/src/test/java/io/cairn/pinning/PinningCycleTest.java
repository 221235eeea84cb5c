package io.cairn.pinning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.typesafe.config.ConfigFactory;
import io.cairn.cluster.ClusterNodes;
import io.cairn.core.CoreModule;
import io.cairn.core.CoreSettings;
import io.cairn.journal.JournalDatabase;
import io.cairn.journal.TestDatabases;
import io.cairn.ledger.EscrowJob;
import io.cairn.ledger.Ledger;
import io.cairn.ledger.LedgerModule;
import io.cairn.ledger.LedgerOperation;
import io.cairn.ledger.LedgerSettings;
import io.cairn.ledger.ProviderStake;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.event.AddressRecoveries;
import io.cairn.protocol.event.EventVerifier;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.hypercore.CoreDescriptor;
import io.cairn.protocol.hypercore.CoreKeyPair;
import io.cairn.protocol.hypercore.CoreWriter;
import io.cairn.protocol.hypercore.InMemoryTreeStore;
import io.cairn.protocol.hypercore.SignedBatch;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.pinning.NodeBuffer;
import io.cairn.protocol.pinning.PinningStatements;
import io.cairn.protocol.pinning.ReplicaTree;
import io.cairn.protocol.pinning.SealParameters;
import io.cairn.protocol.pinning.Sealer;
import io.cairn.protocol.pinning.SectorLayout;
import io.cairn.protocol.pinning.StorageAnswer;
import io.cairn.protocol.pinning.StorageAnswerCodec;
import io.cairn.protocol.pinning.StorageProofs;
import io.cairn.protocol.pinning.v1.NodeOpening;
import io.cairn.protocol.pinning.v1.StorageChallengeAnswer;
import io.cairn.stream.StreamModule;
import io.cairn.stream.StreamSettings;
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
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
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
 * A pinning job's whole cycle on a real node (H2 journal, sharding, the supervisor singleton, the
 * projections), with the agents played in the test by the protocol's own sealer: placement from the
 * registered providers, sealing witnessed and accepted, a challenge passed, a wrong answer making
 * the replica FAULTY and the job replacing it on another hoster; bad commitments and answers
 * refused with their codes; and a replay of the journal that recomputes every selection, index and
 * verdict from the epoch secrets the supervisor committed.
 */
class PinningCycleTest {
  private static final SealParameters SEAL = new SealParameters(2, 20_000, 1L << 30);

  /** The seal deadline and the offline grace beyond any test but the ones about them. */
  private static final PinningSettings SETTINGS =
      settings(Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofSeconds(3));

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @TempDir Path directory;

  private ClusterNodes cluster;
  private ActorSystem<?> system;
  private PinningModule pinning;
  private final EpochSecrets epochs = new EpochSecrets(new byte[32]);
  private final Map<EthereumAddress, PrivateKeySigner> keys = new HashMap<>();
  private final List<byte[]> blocks = new ArrayList<>();
  private String coreKey;

  private CoreModule core;

  private static PinningSettings settings(
      Duration sealDeadline, Duration offlineGrace, Duration challengeDeadline) {
    return settings(
        sealDeadline,
        offlineGrace,
        challengeDeadline,
        PinningSettings.fromConfig(ConfigFactory.defaultReference()).economy());
  }

  private static PinningSettings settings(
      Duration sealDeadline,
      Duration offlineGrace,
      Duration challengeDeadline,
      PinningSettings.Economy economy) {
    return new PinningSettings(
        Duration.ofSeconds(5),
        64,
        16,
        3650,
        Duration.ofSeconds(30),
        Duration.ofMillis(500),
        64,
        SEAL,
        1.0,
        sealDeadline,
        offlineGrace,
        new PinningSettings.Challenges(
            Duration.ofMillis(300),
            Duration.ofMillis(600),
            8,
            16,
            challengeDeadline,
            List.of(Duration.ofMillis(300), Duration.ofMillis(300))),
        new PinningSettings.Tail(Duration.ofMillis(300), Duration.ofMinutes(1)),
        PinningSettings.fromConfig(ConfigFactory.defaultReference()).reputation(),
        economy,
        PinningSettings.fromConfig(ConfigFactory.defaultReference()).stake());
  }

  @BeforeEach
  void start() throws Exception {
    cluster = ClusterNodes.start(1, TestDatabases.h2(directory));
    system = cluster.node(0).system();
    core = CoreModule.init(system, CoreSettings.fromConfig(system.settings().config()));
    CoreWriter writer = CoreWriter.create(CoreKeyPair.generate(), new InMemoryTreeStore());
    byte[] key = writer.identity().key();
    coreKey = HexFormat.of().formatHex(key);
    await(core.cores().register(key, CoreDescriptor.of(writer.identity())));
    Random random = new Random(14);
    // 100 blocks in sectors of 64: two sectors, the second a partial one
    for (int i = 0; i < 100; i++) {
      byte[] block = new byte[200 + random.nextInt(800)];
      random.nextBytes(block);
      blocks.add(block);
      await(core.cores().append(key, SignedBatch.of(writer.append(block), List.of(block))));
    }
  }

  /** The pinning feature with {@code settings}, six hosters and two witnesses registered. */
  private void startPinning(PinningSettings settings) {
    pinning =
        PinningModule.init(
            system,
            settings,
            Clock.systemUTC(),
            core.cores(),
            () -> epochs,
            AddressRecoveries.preferred(),
            provider -> CompletableFuture.completedFuture(BigInteger.ZERO));
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
  void aJobIsPlacedSealedChallengedRepairedAndReplayed() throws Exception {
    startPinning(SETTINGS);
    EthereumAddress supporter = PrivateKeySigner.generate().address();
    Bytes32 jobId =
        await(pinning.jobs().request(supporter, "cycle-1", new PinningJob.Terms(coreKey, 2, 30)))
            .job()
            .jobId();

    PinningJob.Job placed = eventually(() -> job(jobId), job -> job.replicas().size() == 4);
    assertEquals(
        List.of(0L, 0L, 64L, 64L),
        placed.replicas().stream().map(r -> r.assignment().rangeStart()).toList());
    for (PinningJob.Replica replica : placed.replicas()) {
      assertFalse(replica.hoster().equals(replica.assignment().encoder()));
      assertTrue(keys.containsKey(replica.hoster()));
    }

    // a commitment signed by a stranger is refused and changes nothing
    ReplicaAssignment first = placed.replicas().get(0).assignment();
    Sealer.SealedReplica sealedFirst = seal(first);
    assertRefused(
        ErrorCode.INVALID_COMMITMENT,
        pinning
            .replicas()
            .commit(
                jobId,
                0,
                PinningStatements.signCommitment(
                    PrivateKeySigner.generate(), commitment(first, sealedFirst))));

    Map<Integer, ReplicaTree> trees = new HashMap<>();
    for (PinningJob.Replica replica : placed.replicas()) {
      trees.put(replica.slot(), sealAndCommit(jobId, replica.assignment()));
    }
    PinningJob.Job active =
        eventually(
            () -> job(jobId),
            job ->
                job.replicas().stream().allMatch(r -> r.state() == PinningJob.ReplicaState.ACTIVE));
    assertEquals(
        4,
        active.replicas().stream().map(r -> r.root().orElseThrow()).distinct().count(),
        "every replica's root differs, the same data sealed for each hoster and slot");

    // the hoster of slot 0 answers its open challenge honestly: PASSED
    PinnedReplica.Replica challenged = openChallenge(jobId, 0);
    ReplicaRounds.Challenge open = challenged.rounds().open().orElseThrow();
    StorageChallengeAnswer honest = answer(first, open, trees.get(0));
    assertRefused(
        ErrorCode.INVALID_CHALLENGE_ANSWER,
        pinning
            .replicas()
            .answer(
                jobId,
                open.id(),
                honest,
                PinningStatements.signAnswer(
                    PrivateKeySigner.generate(),
                    open.id().toByteArray(),
                    root(challenged),
                    honest)));
    PinnedReplica.Verdict passed =
        await(
            pinning
                .replicas()
                .answer(
                    jobId,
                    open.id(),
                    honest,
                    PinningStatements.signAnswer(
                        keys.get(first.hoster()),
                        open.id().toByteArray(),
                        root(challenged),
                        honest)));
    assertEquals(ReplicaRounds.Outcome.PASSED, passed.outcome(), passed.reason());
    assertRefused(
        ErrorCode.CHALLENGE_CLOSED,
        pinning
            .replicas()
            .answer(
                jobId,
                open.id(),
                honest,
                PinningStatements.signAnswer(
                    keys.get(first.hoster()), open.id().toByteArray(), root(challenged), honest)));

    // the hoster of slot 1 answers with one leaf changed: FAILED, FAULTY, replaced
    ReplicaAssignment second = placed.replicas().get(1).assignment();
    PinnedReplica.Replica suspect = openChallenge(jobId, 1);
    ReplicaRounds.Challenge asked = suspect.rounds().open().orElseThrow();
    StorageChallengeAnswer forged = forgeFirstLeaf(answer(second, asked, trees.get(1)));
    PinnedReplica.Verdict failed =
        await(
            pinning
                .replicas()
                .answer(
                    jobId,
                    asked.id(),
                    forged,
                    PinningStatements.signAnswer(
                        keys.get(second.hoster()),
                        asked.id().toByteArray(),
                        root(suspect),
                        forged)));
    assertEquals(ReplicaRounds.Outcome.FAILED, failed.outcome());
    // the forger is disqualified too, so a replica it also holds of the other sector is replaced
    // as well: the forged one's replacement is the new replica of its sector
    PinningJob.Job repaired =
        eventually(
            () -> job(jobId),
            job ->
                job.replicas().get(1).state() == PinningJob.ReplicaState.REPLACED
                    && replacementOf(job, second).isPresent());
    ReplicaAssignment replacement = replacementOf(repaired, second).orElseThrow().assignment();
    assertTrue(replacement.slot() >= 4, "a replacement takes the next free slot");
    assertEquals(second.rangeEnd(), replacement.rangeEnd());
    assertTrue(
        placed.replicas().stream().noneMatch(r -> r.hoster().equals(replacement.hoster())),
        "the replacement's hoster is new to the job");
    sealAndCommit(jobId, replacement);
    eventually(
        () -> job(jobId),
        job -> job.replicas().get(replacement.slot()).state() == PinningJob.ReplicaState.ACTIVE);

    replayRecomputesEverything(jobId, repaired);
  }

  /** The replica placed after the first four for {@code replaced}'s sector, if any yet. */
  private static Optional<PinningJob.Replica> replacementOf(
      PinningJob.Job job, ReplicaAssignment replaced) {
    return job.replicas().stream()
        .filter(replica -> replica.slot() >= 4)
        .filter(replica -> replica.assignment().rangeStart() == replaced.rangeStart())
        .findFirst();
  }

  /**
   * The money of a job through the embedded ledger (PINNING.md 3.7): witnesses are paid per seal,
   * an honest hoster per period it passed, a cheater nothing for its failed period, and cancelling
   * closes the escrow with a refund; every token that left the escrow is a payout, a burn, a held
   * amount or the refund, and each settled line is exactly what the escrow paid.
   */
  @Test
  void theEscrowPaysSealsAndPassedPeriodsNothingForAFaultAndRefundsTheRest() throws Exception {
    PinningSettings.Economy economy =
        new PinningSettings.Economy(
            Duration.ofSeconds(1), 0.02, 0.5, Duration.ofDays(90), 1, Duration.ofMillis(200));
    PinningSettings settings =
        settings(Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofSeconds(3), economy);
    startPinning(settings);
    PrivateKeySigner operator = PrivateKeySigner.generate();
    StreamModule streams =
        StreamModule.init(
            system,
            StreamSettings.fromConfig(system.settings().config()),
            EventVerifier.standard());
    Ledger ledger =
        LedgerModule.init(
                system,
                LedgerSettings.fromConfig(system.settings().config()),
                operator.address(),
                AddressRecoveries.preferred(),
                Clock.systemUTC(),
                streams.streams())
            .ledger();
    Settlements.start(system, settings, ledger, operator, Clock.systemUTC());
    PrivateKeySigner supporter = PrivateKeySigner.generate();
    BigInteger budget = BigInteger.TEN.pow(24);
    await(ledger.submit(operator, new LedgerOperation.Mint(supporter.address(), budget)));
    Bytes32 jobId =
        await(
                pinning
                    .jobs()
                    .request(supporter.address(), "paid-1", new PinningJob.Terms(coreKey, 2, 1)))
            .job()
            .jobId();
    await(ledger.submit(supporter, new LedgerOperation.Deposit(jobId, budget)));
    PinningJob.Job placed = eventually(() -> job(jobId), job -> job.replicas().size() == 4);
    Map<Integer, ReplicaTree> trees = new HashMap<>();
    for (PinningJob.Replica replica : placed.replicas()) {
      trees.put(replica.slot(), sealAndCommit(jobId, replica.assignment()));
    }
    // slots 0 and 1 keep one sector on two hosters apart; 2 and 3, unanswered, fault by silence
    ReplicaAssignment honest = placed.replicas().get(0).assignment();
    ReplicaAssignment cheater = placed.replicas().get(1).assignment();
    // the hoster of slot 1 staked, and forges its first answer; slot 0's answers every round
    BigInteger stake = BigInteger.TEN.pow(18);
    await(ledger.submit(operator, new LedgerOperation.Mint(cheater.hoster(), stake)));
    await(ledger.submit(keys.get(cheater.hoster()), new LedgerOperation.Stake(stake)));
    PinnedReplica.Replica suspect = openChallenge(jobId, 1);
    ReplicaRounds.Challenge asked = suspect.rounds().open().orElseThrow();
    StorageChallengeAnswer forged = forgeFirstLeaf(answer(cheater, asked, trees.get(1)));
    await(
        pinning
            .replicas()
            .answer(
                jobId,
                asked.id(),
                forged,
                PinningStatements.signAnswer(
                    keys.get(cheater.hoster()), asked.id().toByteArray(), root(suspect), forged)));
    Instant until = Instant.now().plusSeconds(3);
    while (Instant.now().isBefore(until)) {
      PinnedReplica.Replica challenged = openChallenge(jobId, 0);
      ReplicaRounds.Challenge open = challenged.rounds().open().orElseThrow();
      StorageChallengeAnswer answer = answer(honest, open, trees.get(0));
      await(
          pinning
              .replicas()
              .answer(
                  jobId,
                  open.id(),
                  answer,
                  PinningStatements.signAnswer(
                      keys.get(honest.hoster()),
                      open.id().toByteArray(),
                      root(challenged),
                      answer)));
    }
    await(pinning.jobs().cancel(jobId, supporter.address()));

    JournalDatabase database = JournalDatabase.get(system);
    List<SettlementTables.Line> lines =
        eventually(
            () -> await(database.read(connection -> SettlementTables.ofJob(connection, jobId))),
            all ->
                all.stream().anyMatch(line -> line.due().kind() == ReplicaEarnings.Kind.CLOSE)
                    && all.stream().noneMatch(line -> line.state() == SettlementTables.State.DUE));
    EscrowJob escrow = await(ledger.escrowJob(jobId));
    assertTrue(escrow.closed());
    assertEquals(
        escrow.deposited(),
        escrow.paidOut().add(escrow.burned()).add(escrow.held()).add(escrow.refunded()),
        "every token that left the escrow is accounted for");
    List<SettlementTables.Line> fromEscrow =
        lines.stream().filter(line -> line.due().kind() != ReplicaEarnings.Kind.SLASH).toList();
    assertEquals(escrow.paidOut(), sum(fromEscrow, SettlementTables.Line::paid));
    assertEquals(escrow.burned(), sum(fromEscrow, SettlementTables.Line::burned));
    assertEquals(escrow.held(), sum(fromEscrow, SettlementTables.Line::held));
    assertTrue(escrow.refunded().signum() > 0, "the unspent budget went back");

    assertEquals(
        placed.replicas().size(),
        lines.stream()
            .filter(line -> line.due().kind() == ReplicaEarnings.Kind.SEAL)
            .filter(line -> line.state() == SettlementTables.State.SETTLED)
            .filter(line -> line.paid().signum() > 0)
            .count(),
        "each witness was paid for its seal: " + lines);
    List<SettlementTables.Line> honestPeriods = periodsOf(lines, 0);
    assertTrue(
        honestPeriods.stream()
                .filter(line -> line.state() == SettlementTables.State.SETTLED)
                .filter(line -> line.paid().signum() > 0 && line.held().signum() > 0)
                .count()
            >= 2,
        "the honest hoster was paid passed periods, half of the rest held back: " + honestPeriods);
    assertTrue(
        periodsOf(lines, 1).stream()
            .allMatch(line -> line.state() == SettlementTables.State.UNEARNED),
        "the cheater earned nothing: " + periodsOf(lines, 1));
    SettlementTables.Line slash =
        lines.stream()
            .filter(line -> line.due().kind() == ReplicaEarnings.Kind.SLASH)
            .filter(line -> line.due().slot() == 1)
            .findFirst()
            .orElseThrow();
    assertEquals(cheater.hoster(), slash.due().payee());
    assertEquals(
        (ReplicaEarnings.REPAIR_PERIODS + ReplicaEarnings.INVALID_PROOF_PENALTY_PERIODS)
            * ReplicaEarnings.WHOLE,
        slash.due().fractionPpm(),
        "an invalid proof costs the repair and the penalty");
    assertEquals(SettlementTables.State.SETTLED, slash.state(), slash.reason());
    assertTrue(slash.paid().signum() > 0, "its stake paid for the repair: " + slash);
    List<SettlementTables.Line> slashes =
        lines.stream().filter(line -> line.due().kind() == ReplicaEarnings.Kind.SLASH).toList();
    assertEquals(
        sum(slashes, SettlementTables.Line::paid),
        await(ledger.repairFund()),
        "every slash went into the repair fund");
    // every token minted (the budget and the cheater's stake) is the supporter's refund, with a
    // payee (balance, held earnings, stake), in the repair fund, or burned
    BigInteger accounted = escrow.refunded().add(escrow.burned()).add(await(ledger.repairFund()));
    for (EthereumAddress payee :
        lines.stream()
            .filter(line -> line.due().kind() != ReplicaEarnings.Kind.CLOSE)
            .map(line -> line.due().payee())
            .collect(Collectors.toSet())) {
      ProviderStake staked = await(ledger.providerStake(payee));
      accounted =
          accounted.add(await(ledger.balanceOf(payee))).add(staked.held()).add(staked.stake());
    }
    assertEquals(budget.add(stake), accounted, "nothing made or lost: " + lines);
  }

  private static List<SettlementTables.Line> periodsOf(
      List<SettlementTables.Line> lines, int slot) {
    return lines.stream()
        .filter(line -> line.due().kind() == ReplicaEarnings.Kind.PERIOD)
        .filter(line -> line.due().slot() == slot)
        .toList();
  }

  private static BigInteger sum(
      List<SettlementTables.Line> lines, Function<SettlementTables.Line, BigInteger> part) {
    return lines.stream().map(part).reduce(BigInteger.ZERO, BigInteger::add);
  }

  @Test
  void aSilentHosterIsAskedTheSameIndicesAgainThenMadeFaultyAndReplaced() throws Exception {
    startPinning(SETTINGS);
    EthereumAddress supporter = PrivateKeySigner.generate().address();
    Bytes32 jobId =
        await(pinning.jobs().request(supporter, "silent-1", new PinningJob.Terms(coreKey, 1, 30)))
            .job()
            .jobId();
    PinningJob.Job placed = eventually(() -> job(jobId), job -> job.replicas().size() == 2);
    for (PinningJob.Replica replica : placed.replicas()) {
      sealAndCommit(jobId, replica.assignment());
    }
    // nobody answers: each deadline passes, the round is asked again, the third miss is FAULTY
    PinningJob.Job repaired =
        eventually(
            () -> job(jobId),
            job ->
                job.replicas().size() >= 3
                    && job.replicas().get(0).state() == PinningJob.ReplicaState.REPLACED);
    PinnedReplica.Replica silent = await(pinning.replicas().get(jobId, 0));
    assertEquals(PinningJob.ReplicaState.REPLACED, silent.state());
    assertTrue(silent.fault().contains("3 missed deadlines"), silent.fault());
    List<ReplicaRounds.Challenge> asked = new ArrayList<>();
    for (Object event : events("PinnedReplica|" + PinnedReplica.entityId(jobId, 0))) {
      if (event instanceof PinnedReplica.ChallengeIssued issued) {
        asked.add(issued.challenge());
      }
    }
    assertEquals(3, asked.size(), asked.toString());
    for (ReplicaRounds.Challenge again : asked) {
      assertEquals(asked.get(0).indices(), again.indices(), "a retry asks the same indices");
      assertEquals(asked.get(0).roundNo(), again.roundNo());
    }
    assertEquals(
        3, asked.stream().map(ReplicaRounds.Challenge::id).distinct().count(), "each its own id");
    assertNotEquals(
        placed.replicas().get(0).hoster(), repaired.replicas().get(2).assignment().hoster());
  }

  /**
   * A hoster silent on every replica it holds, in two jobs, past the grace (2 s, before its third
   * miss at a 5 s deadline would fault each on its own): OFFLINE, out of the directory and of a new
   * job's selection, each of its replicas faulted for it and replaced; registering brings it back.
   */
  @Test
  void aHosterSilentPastTheGraceIsOfflineAndEveryReplicaItHostsIsReplaced() throws Exception {
    startPinning(settings(Duration.ofMinutes(1), Duration.ofSeconds(2), Duration.ofSeconds(5)));
    EthereumAddress supporter = PrivateKeySigner.generate().address();
    List<Bytes32> jobs = new ArrayList<>();
    for (String requestId : List.of("offline-1", "offline-2")) {
      Bytes32 jobId =
          await(pinning.jobs().request(supporter, requestId, new PinningJob.Terms(coreKey, 2, 30)))
              .job()
              .jobId();
      eventually(() -> job(jobId), job -> job.replicas().size() == 4);
      jobs.add(jobId);
    }
    // six hosters, four in each job: at least two host a replica in both
    EthereumAddress silent =
        job(jobs.get(0)).replicas().stream()
            .map(PinningJob.Replica::hoster)
            .filter(h -> job(jobs.get(1)).replicas().stream().anyMatch(r -> r.hoster().equals(h)))
            .findFirst()
            .orElseThrow();

    Map<String, ReplicaTree> trees = new HashMap<>();
    java.util.Set<Bytes32> answered = new java.util.HashSet<>();
    // the other hosters answer throughout, so that only the silent one goes OFFLINE
    Runnable othersAnswer =
        () -> jobs.forEach(jobId -> playHonestAgentsBut(silent, jobId, trees, answered));
    eventually(
        () -> {
          othersAnswer.run();
          return jobs.stream().map(this::job).toList();
        },
        now ->
            now.stream()
                .allMatch(
                    job ->
                        job.replicas().stream()
                            .filter(r -> r.hoster().equals(silent))
                            .allMatch(r -> r.state() == PinningJob.ReplicaState.REPLACED)));

    Provider.Info offline = await(pinning.providers().get(silent));
    assertEquals(Provider.Status.OFFLINE, offline.status());
    assertTrue(offline.offlineSince().isPresent(), offline.toString());
    for (Bytes32 jobId : jobs) {
      PinningJob.Job job = job(jobId);
      PinningJob.Replica gone =
          job.replicas().stream().filter(r -> r.hoster().equals(silent)).findFirst().orElseThrow();
      String fault = await(pinning.replicas().get(jobId, gone.slot())).fault();
      assertTrue(fault.startsWith("hoster offline since"), fault);
      assertTrue(
          job.replicas().stream()
              .anyMatch(
                  r ->
                      r.slot() > 3
                          && r.assignment().rangeStart() == gone.assignment().rangeStart()
                          && !r.hoster().equals(silent)),
          "replaced on another hoster: " + job);
    }

    ProviderDirectory directory = new ProviderDirectory(system);
    eventually(
        () -> {
          othersAnswer.run();
          return await(
              directory.activeProviders(
                  SETTINGS.reputation(),
                  SETTINGS.stake(),
                  provider -> CompletableFuture.completedFuture(BigInteger.ZERO)));
        },
        candidates -> candidates.stream().noneMatch(c -> c.address().equals(silent)));
    Bytes32 third =
        await(pinning.jobs().request(supporter, "offline-3", new PinningJob.Terms(coreKey, 2, 30)))
            .job()
            .jobId();
    PinningJob.Job placedWithout =
        eventually(
            () -> {
              othersAnswer.run();
              return job(third);
            },
            job -> job.replicas().size() == 4);
    assertTrue(
        placedWithout.replicas().stream().noneMatch(r -> r.hoster().equals(silent)),
        "an OFFLINE hoster gets no new work");

    Provider.Info back =
        await(
            pinning
                .providers()
                .register(
                    silent,
                    new Provider.Terms(
                        java.util.Set.of(Provider.Role.HOSTER),
                        1L << 30,
                        offline.terms().operator(),
                        offline.terms().region())));
    assertEquals(Provider.Status.ACTIVE, back.status());
    eventually(
        () -> {
          othersAnswer.run();
          return await(
              directory.activeProviders(
                  SETTINGS.reputation(),
                  SETTINGS.stake(),
                  provider -> CompletableFuture.completedFuture(BigInteger.ZERO)));
        },
        candidates -> candidates.stream().anyMatch(c -> c.address().equals(silent)));

    for (Bytes32 jobId : List.of(jobs.get(0), jobs.get(1), third)) {
      assertTrue(replaySelections(jobId) >= 1, "every selection of " + jobId + " replays");
    }
  }

  /** A hoster that never commits: its replica is FAULTY at the seal deadline and replaced. */
  @Test
  void aReplicaNotSealedByTheDeadlineIsFaultyAndReplaced() throws Exception {
    startPinning(settings(Duration.ofSeconds(2), Duration.ofMinutes(1), Duration.ofSeconds(3)));
    EthereumAddress supporter = PrivateKeySigner.generate().address();
    Bytes32 jobId =
        await(pinning.jobs().request(supporter, "unsealed-1", new PinningJob.Terms(coreKey, 1, 30)))
            .job()
            .jobId();
    PinningJob.Job placed = eventually(() -> job(jobId), job -> job.replicas().size() == 2);
    ReplicaAssignment unsealed = placed.replicas().get(0).assignment();
    // only the witness commits to slot 0; slot 1 is sealed by both
    await(
        pinning
            .replicas()
            .commit(
                jobId,
                0,
                PinningStatements.signCommitment(
                    keys.get(unsealed.encoder()), commitment(unsealed, seal(unsealed)))));
    sealAndCommit(jobId, placed.replicas().get(1).assignment());

    PinningJob.Job repaired =
        eventually(
            () -> job(jobId),
            job ->
                job.replicas().size() == 3
                    && job.replicas().get(0).state() == PinningJob.ReplicaState.REPLACED);
    String fault = await(pinning.replicas().get(jobId, 0)).fault();
    assertTrue(fault.startsWith("not sealed within PT2S"), fault);
    assertEquals(PinningJob.ReplicaState.ACTIVE, repaired.replicas().get(1).state());
    ReplicaAssignment replacement = repaired.replicas().get(2).assignment();
    assertEquals(unsealed.rangeStart(), replacement.rangeStart());
    sealAndCommit(jobId, replacement);
    eventually(
        () -> job(jobId), job -> job.replicas().get(2).state() == PinningJob.ReplicaState.ACTIVE);
    assertEquals(2, replaySelections(jobId), "the placement and the replacement");
  }

  /**
   * The agents of every replica of the job not hosted by {@code silent}: each new replica sealed
   * and committed by hoster and witness, each open challenge answered once.
   */
  private void playHonestAgentsBut(
      EthereumAddress silent,
      Bytes32 jobId,
      Map<String, ReplicaTree> trees,
      java.util.Set<Bytes32> answered) {
    for (PinningJob.Replica replica : job(jobId).replicas()) {
      ReplicaAssignment assignment = replica.assignment();
      if (!trees.containsKey(assignment.entityId())) {
        // the silent hoster seals (its replicas become ACTIVE), then answers nothing
        trees.put(assignment.entityId(), sealAndCommit(jobId, assignment));
      }
      if (replica.hoster().equals(silent) || replica.state() != PinningJob.ReplicaState.ACTIVE) {
        continue;
      }
      PinnedReplica.Replica now = await(pinning.replicas().get(jobId, replica.slot()));
      Optional<ReplicaRounds.Challenge> open = now.rounds().open();
      if (open.isEmpty() || !answered.add(open.get().id())) {
        continue;
      }
      StorageChallengeAnswer honest =
          answer(assignment, open.get(), trees.get(assignment.entityId()));
      await(
          pinning
              .replicas()
              .answer(
                  jobId,
                  open.get().id(),
                  honest,
                  PinningStatements.signAnswer(
                      keys.get(assignment.hoster()),
                      open.get().id().toByteArray(),
                      root(now),
                      honest)));
    }
  }

  /**
   * Acceptance 4: from the journal alone, and the epoch secrets the supervisor revealed or (for the
   * epoch still running) committed, every selection, challenge index and verdict comes out the
   * same.
   */
  private void replayRecomputesEverything(Bytes32 jobId, PinningJob.Job job) {
    Map<Long, Bytes32> commitments = commitments();
    assertEquals(2, replaySelections(jobId), "the placement and the replacement");
    int rounds = 0;
    int verdicts = 0;
    for (PinningJob.Replica replica : job.replicas()) {
      ReplicaAssignment assignment = replica.assignment();
      Optional<PinnedReplica.Commitment> accepted = Optional.empty();
      Map<Bytes32, ReplicaRounds.Challenge> issued = new HashMap<>();
      for (Object event : events("PinnedReplica|" + assignment.entityId())) {
        if (event instanceof PinnedReplica.Accepted acceptance) {
          accepted = Optional.of(acceptance.commitment());
        } else if (event instanceof PinnedReplica.ChallengeIssued issue) {
          ReplicaRounds.Challenge challenge = issue.challenge();
          issued.put(challenge.id(), challenge);
          assertEquals(
              ChallengeRounds.challengeId(
                  assignment.replicaId(), challenge.roundNo(), challenge.attempt()),
              challenge.id());
          int[] indices =
              ChallengeRounds.indices(
                  committedSecret(commitments, challenge.epoch()),
                  assignment.replicaId(),
                  challenge.roundNo(),
                  challenge.indices().size(),
                  accepted.orElseThrow().nodeCount());
          assertArrayEquals(indices, challenge.indexArray());
          rounds++;
        } else if (event instanceof PinnedReplica.ChallengeAnswered answered) {
          ReplicaRounds.Challenge challenge = issued.get(answered.challengeId());
          PinnedReplica.Replica asOfThen =
              new PinnedReplica.Replica(
                  assignment,
                  Instant.EPOCH,
                  PinningJob.ReplicaState.ACTIVE,
                  new PinnedReplica.Sealing(Optional.empty(), Optional.empty(), accepted),
                  ReplicaRounds.none(),
                  "");
          boolean valid;
          try {
            valid =
                ReplicaRules.verdictOf(
                        asOfThen, challenge, StorageChallengeAnswer.parseFrom(answered.answer()))
                    .valid();
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
          }
          assertEquals(answered.passed(), valid, "the verdict on " + answered.challengeId());
          verdicts++;
        }
      }
    }
    assertTrue(rounds >= 2, rounds + " rounds");
    assertEquals(2, verdicts);
  }

  /** Every placement of the job, recomputed from its recorded inputs and the epoch's secret. */
  private int replaySelections(Bytes32 jobId) {
    Map<Long, Bytes32> commitments = commitments();
    int selections = 0;
    for (Object event : events("PinningJob|" + jobId)) {
      Placement.Selection selection;
      if (event instanceof PinningJob.Placed placed) {
        selection = placed.selection();
      } else if (event instanceof PinningJob.Replaced replaced) {
        selection = replaced.selection();
      } else {
        continue;
      }
      byte[] secret = committedSecret(commitments, selection.epoch());
      assertEquals(selection, SelectionReplay.drawnAgain(secret, jobId, selection));
      selections++;
    }
    return selections;
  }

  private Map<Long, Bytes32> commitments() {
    Map<Long, Bytes32> commitments = new HashMap<>();
    for (Object event : events(PinningSupervisor.PERSISTENCE_ID.id())) {
      if (event instanceof PinningSupervisor.EpochCommitted committed) {
        commitments.put(committed.epoch(), committed.commitment());
      }
    }
    return commitments;
  }

  /** The epoch's secret, checked against the commitment the supervisor persisted for it. */
  private byte[] committedSecret(Map<Long, Bytes32> commitments, long epoch) {
    byte[] secret = epochs.secret(epoch);
    assertTrue(commitments.containsKey(epoch), "epoch " + epoch + " was committed");
    assertTrue(EpochSecrets.opens(commitments.get(epoch).toByteArray(), secret));
    return secret;
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

  private void register(Provider.Role role, String operator, String region) {
    PrivateKeySigner key = PrivateKeySigner.generate();
    keys.put(key.address(), key);
    await(
        pinning
            .providers()
            .register(
                key.address(),
                new Provider.Terms(
                    java.util.Set.of(role),
                    role == Provider.Role.HOSTER ? 1L << 30 : 0,
                    operator,
                    region)));
  }

  private Sealer.SealedReplica seal(ReplicaAssignment assignment) {
    NodeBuffer layout =
        SectorLayout.encode(
            blocks.subList((int) assignment.rangeStart(), (int) assignment.rangeEnd()),
            SEAL.sectorCapBytes());
    return new Sealer(SEAL).seal(assignment.replicaId(), layout);
  }

  private static PinningStatements.Commitment commitment(
      ReplicaAssignment assignment, Sealer.SealedReplica sealed) {
    return new PinningStatements.Commitment(
        assignment.replicaId().bytes(), sealed.commR(), sealed.replica().nodeCount());
  }

  /**
   * What hoster and witness each do: seal the same data for the hoster, and commit; the witness
   * first for even slots, the hoster first for odd ones, so both orders are accepted.
   */
  private ReplicaTree sealAndCommit(Bytes32 jobId, ReplicaAssignment assignment) {
    Sealer.SealedReplica sealed = seal(assignment);
    List<EthereumAddress> agents =
        assignment.slot() % 2 == 0
            ? List.of(assignment.encoder(), assignment.hoster())
            : List.of(assignment.hoster(), assignment.encoder());
    for (EthereumAddress agent : agents) {
      await(
          pinning
              .replicas()
              .commit(
                  jobId,
                  assignment.slot(),
                  PinningStatements.signCommitment(
                      keys.get(agent), commitment(assignment, sealed))));
    }
    return sealed.tree();
  }

  private PinnedReplica.Replica openChallenge(Bytes32 jobId, int slot) throws Exception {
    return eventually(
        () -> await(pinning.replicas().get(jobId, slot)),
        replica -> replica.rounds().open().isPresent());
  }

  private static StorageChallengeAnswer answer(
      ReplicaAssignment assignment, ReplicaRounds.Challenge challenge, ReplicaTree tree) {
    StorageAnswer answer = StorageProofs.answer(tree, challenge.indexArray());
    return StorageAnswerCodec.toProto(assignment.replicaId(), challenge.roundNo(), answer);
  }

  private static StorageChallengeAnswer forgeFirstLeaf(StorageChallengeAnswer honest) {
    NodeOpening opening = honest.getOpenings(0);
    byte[] leaf = opening.getLeaf().toByteArray();
    leaf[0] ^= 1;
    return honest.toBuilder()
        .setOpenings(0, opening.toBuilder().setLeaf(ByteString.copyFrom(leaf)))
        .build();
  }

  private static byte[] root(PinnedReplica.Replica replica) {
    return replica.sealing().accepted().orElseThrow().root().toByteArray();
  }

  private PinningJob.Job job(Bytes32 jobId) {
    return await(pinning.jobs().get(jobId));
  }

  private static void assertRefused(ErrorCode code, CompletionStage<?> attempt) {
    try {
      attempt.toCompletableFuture().join();
      throw new AssertionError("expected " + code);
    } catch (CompletionException e) {
      Rejection rejection = (Rejection) e.getCause();
      assertEquals(code, rejection.code(), rejection.getMessage());
    }
  }

  private static <T> T eventually(Supplier<T> read, java.util.function.Predicate<T> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    T last = read.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached in " + PATIENCE + ": " + last);
      }
      Thread.sleep(100);
      last = read.get();
    }
    return last;
  }

  private static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }
}
