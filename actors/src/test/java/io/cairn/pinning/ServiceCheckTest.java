package io.cairn.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.event.AddressRecoveries;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.pinning.PinningStatements;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ServiceCheck entity on its own, its commands and events through {@link
 * ServiceCheckSerializer}: who may attest, a draw replayed from what the check keeps, whose fault a
 * bad report is, and a deadline that counts against the attester, never the hoster. Checks come
 * every few hundred milliseconds, on the real clock, so the entity's own timers drive it.
 */
class ServiceCheckTest {
  private static final PinningSettings SETTINGS = PinningSettings.fromConfig(ConfigFactory.load());
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final EpochSecrets EPOCHS = new EpochSecrets(new byte[32]);

  private final PrivateKeySigner hoster = PrivateKeySigner.generate();
  private final PrivateKeySigner supporter = PrivateKeySigner.generate();
  private final PrivateKeySigner sameOperator = PrivateKeySigner.generate();
  private final Map<EthereumAddress, PrivateKeySigner> attesters = new HashMap<>();
  private final List<Placement.Candidate> candidates = new ArrayList<>();
  private final byte[] coreKey = new byte[32];
  private final Map<Long, byte[]> blocks = new HashMap<>();
  private final List<Map.Entry<EthereumAddress, Reputation.Judgement>> judged =
      new CopyOnWriteArrayList<>();
  private ReplicaAssignment assignment;
  private EventSourcedBehaviorTestKit<ServiceCheck.Command, ServiceCheck.Event, ServiceCheck.State>
      checks;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void replicaWithAttesters() {
    coreKey[0] = 7;
    candidates.add(candidate(hoster.address(), Provider.Role.HOSTER, "op-hoster"));
    // the supporter and a provider of the hoster's operator attest too, but never this replica
    candidates.add(candidate(supporter.address(), Provider.Role.ATTESTER, "op-supporter"));
    candidates.add(candidate(sameOperator.address(), Provider.Role.ATTESTER, "op-hoster"));
    for (int i = 0; i < 3; i++) {
      PrivateKeySigner attester = PrivateKeySigner.generate();
      attesters.put(attester.address(), attester);
      candidates.add(candidate(attester.address(), Provider.Role.ATTESTER, "op-" + i));
    }
    for (long i = 0; i < 20; i++) {
      blocks.put(i, ("block " + i).getBytes());
    }
    assignment =
        new ReplicaAssignment(
            Bytes32.of(new byte[32]),
            0,
            HexFormat.of().formatHex(coreKey),
            0,
            20,
            20,
            Bytes32.of(new byte[32]),
            hoster.address(),
            PrivateKeySigner.generate().address());
  }

  private static Placement.Candidate candidate(
      EthereumAddress address, Provider.Role role, String operator) {
    return new Placement.Candidate(
        address,
        Set.of(role),
        role == Provider.Role.HOSTER ? 1L << 30 : 0,
        operator,
        "region",
        Placement.Weights.EQUAL);
  }

  private void start(Optional<String> serveUrl, Duration deadline) {
    ServiceCheck.Needs needs =
        new ServiceCheck.Needs(
            SETTINGS,
            new AttestationSettings(Duration.ofMillis(300), 4, deadline, 1000, 8),
            () -> EPOCHS,
            AddressRecoveries.preferred(),
            hosterAddress ->
                CompletableFuture.completedFuture(
                    new ServiceCheck.DrawInputs(candidates, serveUrl)),
            (provider, judgement) -> judged.add(Map.entry(provider, judgement)),
            Clock.systemUTC());
    checks =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            ServiceCheck.create(assignment.entityId(), needs),
            EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
    checks.<StatusReply<Done>>runCommand(
        replyTo -> new ServiceCheck.Watch(assignment, List.of(supporter.address()), replyTo));
  }

  @Test
  void drawsNeverTheHosterTheSupporterOrTheHostersOperatorAndSpreadAcrossTheRest() {
    Set<EthereumAddress> drawn = new HashSet<>();
    for (long checkNo = 0; checkNo < 200; checkNo++) {
      ServiceCheckDraw.Drawn check =
          ServiceCheckDraw.draw(
              EPOCHS.secret(checkNo),
              assignment,
              checkNo,
              4,
              0.05,
              candidates,
              List.of(supporter.address()));
      drawn.add(check.attester().orElseThrow());
      assertEquals(4, check.indices().size());
      assertTrue(
          check.indices().stream().allMatch(i -> i >= 0 && i < 20), check.indices()::toString);
    }
    assertEquals(attesters.keySet(), drawn, "every other attester, and only they");
  }

  @Test
  void aCheckIsDrawnAgainFromWhatItKeeps() {
    start(Optional.of("http://hoster.example"), Duration.ofSeconds(30));
    ServiceCheck.Check open = awaitOpenCheck(c -> true);
    ServiceCheck.CheckAssigned assigned =
        checks.persistenceTestKit().persistedInStorage(PersistenceIdOf.check(assignment)).stream()
            .filter(ServiceCheck.CheckAssigned.class::isInstance)
            .map(ServiceCheck.CheckAssigned.class::cast)
            .findFirst()
            .orElseThrow();
    ServiceCheckDraw.Drawn again =
        ServiceCheckDraw.draw(
            EPOCHS.secret(open.epoch()),
            assignment,
            open.checkNo(),
            open.indices().size(),
            SETTINGS.reputation().unvettedShare(),
            assigned.candidates(),
            assigned.excluded());
    assertEquals(Optional.of(open.attester()), again.attester());
    assertEquals(open.checkId(), again.checkId());
    assertEquals(open.indices(), again.indices());
    assertEquals("http://hoster.example", open.serveUrl());
  }

  @Test
  void anotherProviderIsRefusedAndAFabricatedReportCountsAgainstTheAttester() {
    start(Optional.of("http://hoster.example"), Duration.ofSeconds(30));
    ServiceCheck.Check open = awaitOpenCheck(c -> true);

    Rejection notYours = refused(report(supporter.address(), open, honestBlocks(open, hoster)));
    assertEquals(ErrorCode.NOT_CHECK_ATTESTER, notYours.code());
    assertTrue(
        notYours.getMessage().contains("was drawn for " + open.attester()), notYours::getMessage);

    // contacts the attester signed itself: no hoster served them
    Rejection madeUp =
        refused(report(open.attester(), open, honestBlocks(open, attesters.get(open.attester()))));
    assertEquals(ErrorCode.INVALID_SERVICE_REPORT, madeUp.code());
    assertTrue(madeUp.getMessage().contains("not the hoster"), madeUp::getMessage);
    assertEquals(
        List.of(Map.entry(open.attester(), (Object) "ReportCompared(false)")), judgements());
    assertTrue(checks.getState().checking().get().open().isEmpty(), "the check is closed");
  }

  @Test
  void anHonestReportGradesTheHosterAndAWrongBlockItSignedGradesItZero() {
    start(Optional.of("http://hoster.example"), Duration.ofSeconds(30));
    ServiceCheck.Check first = awaitOpenCheck(c -> true);
    ServiceCheck.Grade good = granted(report(first.attester(), first, honestBlocks(first, hoster)));
    assertEquals(4, good.verifiedBlocks());
    assertEquals(1.0, good.grade(), 1e-9);

    ServiceCheck.Check second = awaitOpenCheck(c -> c.checkNo() > first.checkNo());
    List<ServiceReports.BlockReport> wrong = new ArrayList<>();
    for (long index : second.indices()) {
      byte[] served = ("not block " + index).getBytes();
      wrong.add(
          new ServiceReports.BlockReport(
              index,
              false,
              20,
              50_000,
              Optional.of(contact(hoster, second, index, served)),
              "the block does not verify against the publisher's signature"));
    }
    ServiceCheck.Grade zero = granted(report(second.attester(), second, wrong));
    assertEquals(0, zero.grade());
    assertEquals(0, zero.verifiedBlocks());
    List<Object> toHoster =
        judgements().stream()
            .filter(entry -> entry.getKey().equals(hoster.address()))
            .map(Map.Entry::getValue)
            .toList();
    assertEquals(List.of("ServiceGraded(1.0)", "ServiceGraded(0.0)"), toHoster);
  }

  @Test
  void aDeadlinePassedCountsAgainstTheAttesterNeverTheHoster() throws Exception {
    start(Optional.of("http://hoster.example"), Duration.ofMillis(200));
    ServiceCheck.Check open = awaitOpenCheck(c -> true);
    awaitJudgements(1);
    assertEquals(Map.entry(open.attester(), (Object) "ReportCompared(false)"), judgements().get(0));
    assertTrue(
        judgements().stream().noneMatch(entry -> entry.getKey().equals(hoster.address())),
        "the hoster is not blamed: " + judgements());
    Rejection late = refused(report(open.attester(), open, honestBlocks(open, hoster)));
    assertEquals(ErrorCode.SERVICE_CHECK_NOT_FOUND, late.code());
  }

  @Test
  void aHosterThatServesNowhereGradesZeroWithoutAnAttester() throws Exception {
    start(Optional.empty(), Duration.ofSeconds(30));
    awaitJudgements(1);
    assertEquals(Map.entry(hoster.address(), (Object) "ServiceGraded(0.0)"), judgements().get(0));
    assertTrue(checks.getState().checking().get().open().isEmpty());
  }

  // ---- helpers ----

  private Function<ActorRef<StatusReply<ServiceCheck.Grade>>, ServiceCheck.Command> report(
      EthereumAddress attester, ServiceCheck.Check check, List<ServiceReports.BlockReport> blocks) {
    Map<Long, Bytes32> hashes = new HashMap<>();
    check.indices().forEach(i -> hashes.put(i, ServiceReports.blockHash(this.blocks.get(i))));
    return replyTo -> new ServiceCheck.Report(attester, check.checkId(), blocks, hashes, replyTo);
  }

  private List<ServiceReports.BlockReport> honestBlocks(
      ServiceCheck.Check check, PrivateKeySigner signer) {
    return check.indices().stream()
        .map(
            index ->
                new ServiceReports.BlockReport(
                    index,
                    true,
                    20,
                    50_000,
                    Optional.of(contact(signer, check, index, blocks.get(index))),
                    ""))
        .toList();
  }

  private io.cairn.protocol.pinning.v1.SignedPinningStatement contact(
      PrivateKeySigner signer, ServiceCheck.Check check, long index, byte[] served) {
    return PinningStatements.signContact(
        signer,
        new PinningStatements.Contact(
            check.checkId().toByteArray(),
            coreKey,
            index,
            ServiceReports.blockHash(served).toByteArray()));
  }

  private Rejection refused(
      Function<ActorRef<StatusReply<ServiceCheck.Grade>>, ServiceCheck.Command> command) {
    StatusReply<ServiceCheck.Grade> reply = checks.runCommand(command).reply();
    assertTrue(reply.isError(), "refused");
    return (Rejection) reply.getError();
  }

  private ServiceCheck.Grade granted(
      Function<ActorRef<StatusReply<ServiceCheck.Grade>>, ServiceCheck.Command> command) {
    StatusReply<ServiceCheck.Grade> reply = checks.runCommand(command).reply();
    assertFalse(reply.isError(), () -> String.valueOf(reply.getError()));
    return reply.getValue();
  }

  /** Judgements as {@code Kind(value)}, without their times. */
  private List<Map.Entry<EthereumAddress, Object>> judgements() {
    return judged.stream()
        .map(
            entry -> {
              Reputation.Judgement j = entry.getValue();
              Object shown =
                  j instanceof Reputation.ServiceGraded graded
                      ? "ServiceGraded(" + graded.grade() + ")"
                      : "ReportCompared(" + ((Reputation.ReportCompared) j).agreed() + ")";
              return Map.entry(entry.getKey(), shown);
            })
        .toList();
  }

  private ServiceCheck.Check awaitOpenCheck(Predicate<ServiceCheck.Check> which) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<ServiceCheck.Check> open =
          checks.getState().checking().flatMap(ServiceCheck.Checking::open).filter(which);
      if (open.isPresent()) {
        return open.get();
      }
      sleep();
    }
    throw new AssertionError("no check opened: " + checks.getState());
  }

  private void awaitJudgements(int count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (judged.size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("judged " + judged);
      }
      sleep();
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The persistence id the entity journals under. */
  private static final class PersistenceIdOf {
    static String check(ReplicaAssignment assignment) {
      return ServiceCheck.ENTITY_KEY.name() + "|" + assignment.entityId();
    }
  }
}
