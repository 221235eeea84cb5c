package io.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.client.CairnClient;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.ChallengeTask;
import io.cairn.protocol.api.v1.SealTask;
import io.cairn.protocol.event.AddressRecoveries;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.hypercore.Proof;
import io.cairn.protocol.hypercore.ProofVerifier;
import io.cairn.protocol.hypercore.TreeHead;
import io.cairn.protocol.pinning.PinningStatements;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hoster and encoder agents against a {@link FakeNode}: what they seal, commit and answer, honest
 * and cheating, and what a restart keeps.
 */
class HosterAgentTest {
  @TempDir Path work;

  private final SealFixture fixture = new SealFixture(60);
  private final byte[] job = new byte[32];
  private final SplittableRandom random = new SplittableRandom(7);
  private FakeNode node;

  @BeforeEach
  void start() throws Exception {
    job[31] = 9;
    node = new FakeNode(fixture.core);
    node.blocks(fixture.blocks);
  }

  @AfterEach
  void stop() {
    node.close();
  }

  /** An agent running in this JVM until closed. */
  private final class Running implements AutoCloseable {
    final AgentRuntime runtime;
    final CountDownLatch stop = new CountDownLatch(1);
    final Thread thread;

    Running(PrivateKeySigner key, AgentRole role, Path data, CheatMode cheat) {
      runtime =
          AgentRuntime.start(
              new AgentSettings(
                  node.uri(),
                  key,
                  data,
                  role,
                  role == AgentRole.HOSTER ? 1L << 30 : 0,
                  "acme",
                  "eu-west",
                  role == AgentRole.HOSTER
                      ? Optional.of(new InetSocketAddress("127.0.0.1", 0))
                      : Optional.empty(),
                  Duration.ofMillis(40),
                  cheat));
      thread =
          new Thread(
              () -> {
                try {
                  runtime.run(stop);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      stop.countDown();
      thread.join(5_000);
      runtime.close();
    }
  }

  private Running hoster(PrivateKeySigner key, Path data, CheatMode cheat) {
    return new Running(key, AgentRole.HOSTER, data, cheat);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  private PinningStatements.Commitment commitment(int index) {
    return PinningStatements.openCommitment(
            node.commitments.get(index).signed(), AddressRecoveries.bouncyCastle())
        .commitment();
  }

  /** Opens a challenge of {@code count} random nodes (all of them when 0) to the task's replica. */
  private ChallengeTask challenge(SealTask task, byte[] commR, long nodeCount, int count) {
    byte[] id = new byte[32];
    random.nextBytes(id);
    ChallengeTask.Builder challenge =
        ChallengeTask.newBuilder()
            .setJobId(task.getJobId())
            .setSlot(task.getSlot())
            .setChallengeId("0x" + HexFormat.of().formatHex(id))
            .setReplicaId(task.getReplicaId())
            .setRoundNo(1)
            .setDeadlineMs(System.currentTimeMillis() + 60_000)
            .setRoot("0x" + HexFormat.of().formatHex(commR));
    if (count == 0) {
      for (long i = 0; i < nodeCount; i++) {
        challenge.addIndices(i);
      }
    } else {
      for (int i = 0; i < count; i++) {
        challenge.addIndices(random.nextLong(nodeCount));
      }
    }
    ChallengeTask open = challenge.build();
    node.challenges.put(open.getChallengeId(), open);
    return open;
  }

  private FakeNode.Verdict verdictOf(ChallengeTask challenge) throws InterruptedException {
    await(
        "the verdict on " + challenge.getChallengeId(),
        () ->
            node.verdicts.stream()
                .anyMatch(v -> v.challenge().getChallengeId().equals(challenge.getChallengeId())));
    return node.verdicts.stream()
        .filter(v -> v.challenge().getChallengeId().equals(challenge.getChallengeId()))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void anHonestHosterSealsCommitsAnswersServesAndSurvivesARestart() throws Exception {
    PrivateKeySigner key = PrivateKeySigner.generate();
    Path data = work.resolve("hoster");
    SealTask task = fixture.task(key.address(), AgentRole.HOSTER, job, 0);
    node.seals.add(task);
    byte[] expected = SectorSealer.seal(SealAssignment.of(task), fixture.blocks).commR();

    try (Running agent = hoster(key, data, new CheatMode.Honest())) {
      await("a commitment", () -> node.commitments.size() == 1);
      assertEquals(List.of("hoster"), node.registrations.get(0).getRolesList());
      PinningStatements.SignedCommitment signed =
          PinningStatements.openCommitment(
              node.commitments.get(0).signed(), AddressRecoveries.bouncyCastle());
      assertEquals(key.address(), signed.signer());
      assertArrayEquals(expected, signed.commitment().commR());
      assertEquals(task.getJobId(), node.commitments.get(0).jobId());

      ChallengeTask challenge = challenge(task, expected, signed.commitment().nodeCount(), 16);
      assertEquals("PASSED", verdictOf(challenge).verdict().getVerdict());

      // a reader verifies what the hoster serves against the publisher's key alone
      CairnClient reader = CairnClient.connect(agent.runtime.serving().orElseThrow());
      ProofVerifier verifier = new ProofVerifier(fixture.core.identity());
      for (int i : new int[] {0, 17, 59}) {
        Proof proof = reader.block(fixture.key(), i, 0);
        assertTrue(verifier.verify(proof, TreeHead.EMPTY).accepted());
        assertArrayEquals(fixture.blocks.get(i), proof.block().value());
      }
    }
    int fetched = node.blocksServed.get();

    try (Running again = hoster(key, data, new CheatMode.Honest())) {
      await("the commitment sent again", () -> node.commitments.size() == 2);
      assertEquals(fetched, node.blocksServed.get(), "nothing read again: nothing sealed again");
      assertArrayEquals(expected, commitment(1).commR());
      ChallengeTask challenge = challenge(task, expected, commitment(1).nodeCount(), 0);
      assertEquals("PASSED", verdictOf(challenge).verdict().getVerdict());
    }
  }

  @Test
  void anEncoderWitnessesTheHostersRootAndKeepsNoReplica() throws Exception {
    EthereumAddress hoster = PrivateKeySigner.generate().address();
    PrivateKeySigner key = PrivateKeySigner.generate();
    SealTask task = fixture.task(hoster, AgentRole.ENCODER, job, 1);
    node.seals.add(task);
    Path data = work.resolve("encoder");
    try (Running agent = new Running(key, AgentRole.ENCODER, data, new CheatMode.Honest())) {
      await("a witness commitment", () -> node.commitments.size() == 1);
    }
    assertArrayEquals(
        SectorSealer.seal(SealAssignment.of(task), fixture.blocks).commR(), commitment(0).commR());
    assertEquals(List.of("encoder"), node.registrations.get(0).getRolesList());
    try (var files = Files.walk(data)) {
      assertFalse(files.anyMatch(f -> f.getFileName().toString().endsWith(".bin")));
    }
  }

  @Test
  void aTaskItDidNotDeriveOrForAnotherHosterIsNotSealed() throws Exception {
    PrivateKeySigner key = PrivateKeySigner.generate();
    SealTask own = fixture.task(key.address(), AgentRole.HOSTER, job, 0);
    node.seals.add(own.toBuilder().setReplicaId("0x" + "ab".repeat(32)).build());
    node.seals.add(fixture.task(PrivateKeySigner.generate().address(), AgentRole.HOSTER, job, 1));
    node.seals.add(fixture.task(key.address(), AgentRole.ENCODER, job, 2));
    try (Running agent = hoster(key, work.resolve("hoster"), new CheatMode.Honest())) {
      Thread.sleep(500);
      assertEquals(0, node.commitments.size());
      assertEquals(0, node.blocksServed.get());
    }
  }

  /** A cheating hoster seals and commits honestly, then answers its challenge. */
  private FakeNode.Verdict cheatAndAnswer(CheatMode cheat, int indices) throws Exception {
    PrivateKeySigner key = PrivateKeySigner.generate();
    SealTask task = fixture.task(key.address(), AgentRole.HOSTER, job, 0);
    node.seals.add(task);
    try (Running agent = hoster(key, work.resolve("cheater"), cheat)) {
      await("a commitment", () -> node.commitments.size() == 1);
      PinningStatements.Commitment committed = commitment(0);
      assertArrayEquals(
          SectorSealer.seal(SealAssignment.of(task), fixture.blocks).commR(),
          committed.commR(),
          "the seal itself is honest");
      return verdictOf(challenge(task, committed.commR(), committed.nodeCount(), indices));
    }
  }

  @Test
  void aHosterThatDeletedPartOfItsReplicaFails() throws Exception {
    FakeNode.Verdict verdict = cheatAndAnswer(new CheatMode.DeleteFraction(0.25), 0);
    assertEquals("FAILED", verdict.verdict().getVerdict());
    assertTrue(verdict.verdict().getReason().startsWith("WRONG_ROOT"), verdict.toString());
  }

  @Test
  void aHosterAnsweringWithStalePathsFails() throws Exception {
    FakeNode.Verdict verdict = cheatAndAnswer(new CheatMode.StalePath(), 8);
    assertEquals("FAILED", verdict.verdict().getVerdict());
  }

  @Test
  void aHosterThatResealsOnDemandAnswersLateButKeepsNoReplica() throws Exception {
    FakeNode.Verdict verdict = cheatAndAnswer(new CheatMode.ResealOnDemand(), 8);
    // the answer holds: only the deadline, which the cluster enforces, catches this one
    assertEquals("PASSED", verdict.verdict().getVerdict());
    try (var files = Files.walk(work.resolve("cheater"))) {
      assertFalse(files.anyMatch(f -> f.getFileName().toString().equals("replica.bin")));
    }
  }

  @Test
  void aSilentHosterLeavesItsChallengesOpen() throws Exception {
    PrivateKeySigner key = PrivateKeySigner.generate();
    SealTask task = fixture.task(key.address(), AgentRole.HOSTER, job, 0);
    node.seals.add(task);
    try (Running agent = hoster(key, work.resolve("silent"), new CheatMode.Silent())) {
      await("a commitment", () -> node.commitments.size() == 1);
      ChallengeTask challenge =
          challenge(task, commitment(0).commR(), commitment(0).nodeCount(), 8);
      Thread.sleep(500);
      assertTrue(node.verdicts.isEmpty());
      assertTrue(node.challenges.containsKey(challenge.getChallengeId()));
    }
  }

  @Test
  void twoIdentitiesSharingOneReplicaFail() throws Exception {
    PrivateKeySigner honest = PrivateKeySigner.generate();
    Path honestData = work.resolve("honest");
    node.seals.add(fixture.task(honest.address(), AgentRole.HOSTER, job, 1));
    try (Running agent = hoster(honest, honestData, new CheatMode.Honest())) {
      await("the honest hoster's commitment", () -> node.commitments.size() == 1);
    }
    node.seals.clear();
    node.commitments.clear();
    FakeNode.Verdict verdict = cheatAndAnswer(new CheatMode.ShareReplica(honestData), 8);
    assertEquals("FAILED", verdict.verdict().getVerdict());
    assertTrue(verdict.verdict().getReason().startsWith("WRONG_ROOT"), verdict.toString());
  }
}
