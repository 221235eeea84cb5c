package io.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.client.CairnClient;
import io.cairn.node.TestNode;
import io.cairn.protocol.api.v1.ChallengeTask;
import io.cairn.protocol.api.v1.PinJobView;
import io.cairn.protocol.api.v1.PinReplicaView;
import io.cairn.protocol.event.PrivateKeySigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance point 2 of issue 14 at cluster level: a real node, real agent runtimes (in this JVM,
 * each with its own key and data directory, speaking only the public API), and in each job one
 * hoster cheating in one way among honest ones. The cluster, and only the cluster, catches each:
 * the test reads every verdict from the job's status ({@link CairnClient#pin}).
 */
class CheatingAgentsTest {
  @TempDir Path work;

  private static final Duration WITHIN = Duration.ofSeconds(40);
  private static final int BLOCKS = 60;

  /**
   * A node on {@code overrides} whose terminate is a crash: no coordinated shutdown to wait for.
   */
  private TestNode node(Map<String, Object> overrides) throws Exception {
    Map<String, Object> config = new HashMap<>(overrides);
    config.put("pekko.coordinated-shutdown.run-by-actor-system-terminate", "off");
    return TestNode.start(work.resolve("node"), config);
  }

  /** The agents of one scenario, closed together. */
  private final class Agents implements AutoCloseable {
    final TestNode node;
    final List<RunningAgent> running = new ArrayList<>();

    Agents(TestNode node) {
      this.node = node;
    }

    RunningAgent hoster(String name, CheatMode cheat) {
      return add(
          RunningAgent.hoster(
              node.api(),
              PrivateKeySigner.generate(),
              work.resolve(name),
              name,
              cheat,
              PinnedCore.POLL));
    }

    RunningAgent encoder(String name) {
      return add(
          RunningAgent.encoder(
              node.api(), PrivateKeySigner.generate(), work.resolve(name), name, PinnedCore.POLL));
    }

    private RunningAgent add(RunningAgent agent) {
      running.add(agent);
      return agent;
    }

    @Override
    public void close() throws InterruptedException {
      for (RunningAgent agent : running) {
        agent.close();
      }
    }
  }

  /**
   * A job of three replicas on exactly the three hosters running (the cheater and two honest ones),
   * witnessed by two encoders, once every replica was accepted: the cheater's may be FAULTY by then
   * (its first round may come before the last honest replica is sealed).
   */
  private static PinJobView sealedJob(PinnedCore core, Agents agents) throws InterruptedException {
    agents.hoster("honest-1", new CheatMode.Honest());
    agents.hoster("honest-2", new CheatMode.Honest());
    agents.encoder("encoder-1");
    agents.encoder("encoder-2");
    return sealed(core, core.pin(3), 3, WITHIN);
  }

  private static PinJobView sealed(PinnedCore core, String jobId, int replicas, Duration within)
      throws InterruptedException {
    return core.awaitJob(
        jobId,
        "every replica sealed and accepted",
        within,
        j ->
            j.getReplicasCount() == replicas
                && j.getReplicasList().stream()
                    .allMatch(r -> r.getState().equals("ACTIVE") || r.getState().equals("FAULTY")));
  }

  private static PinReplicaView awaitFaulty(PinnedCore core, String jobId, RunningAgent cheater)
      throws InterruptedException {
    PinJobView job =
        core.awaitJob(
            jobId,
            "the cheater's replica FAULTY",
            WITHIN,
            j -> PinnedCore.replicaOf(j, cheater.address()).getState().equals("FAULTY"));
    PinReplicaView faulty = PinnedCore.replicaOf(job, cheater.address());
    System.out.printf(
        "%s: FAULTY after %d rounds passed, last %s: %s%n",
        cheater.runtime.provider().getAddress(),
        faulty.getRoundsPassed(),
        faulty.getLastChallenge(),
        faulty.getFault());
    // the honest hosters are not touched by it
    for (PinReplicaView replica : job.getReplicasList()) {
      if (!replica.getHoster().equalsIgnoreCase(cheater.address())) {
        assertEquals("ACTIVE", replica.getState(), replica.toString());
        assertEquals("good", replica.getHosterStanding(), replica.toString());
      }
    }
    return faulty;
  }

  /** An invalid proof disqualifies its hoster for good, which the job's status shows. */
  private static void awaitDisqualified(PinnedCore core, String jobId, RunningAgent cheater)
      throws InterruptedException {
    core.awaitJob(
        jobId,
        "the cheater disqualified",
        WITHIN,
        j -> PinnedCore.replicaOf(j, cheater.address()).getHosterStanding().equals("disqualified"));
  }

  @Test
  void aHosterThatDeletedATenthOfItsReplicaIsFaultyAndReplacedOnAnotherHoster() throws Exception {
    try (TestNode node = node(PinnedCore.FAST);
        Agents agents = new Agents(node)) {
      PinnedCore core = PinnedCore.publish(node, BLOCKS);
      RunningAgent cheater = agents.hoster("cheater", new CheatMode.DeleteFraction(0.1));
      PinJobView active = sealedJob(core, agents);
      String jobId = active.getJobId();
      // the spare comes after placement: the only hoster a replacement can go to
      RunningAgent spare = agents.hoster("spare", new CheatMode.Honest());

      PinReplicaView faulty = awaitFaulty(core, jobId, cheater);
      // the first round opens 64 nodes, then 8 a round: FAULTY within 9 rounds of 8 after it
      assertTrue(faulty.getRoundsPassed() <= 9, faulty.toString());
      assertEquals("FAILED", faulty.getLastChallenge());
      assertTrue(faulty.getFault().contains("WRONG_ROOT"), faulty.getFault());
      awaitDisqualified(core, jobId, cheater);

      PinJobView repaired =
          core.awaitJob(
              jobId,
              "a replacement ACTIVE on the spare hoster",
              WITHIN,
              j ->
                  j.getReplicasList().stream()
                      .anyMatch(
                          r ->
                              r.getHoster().equalsIgnoreCase(spare.address())
                                  && r.getState().equals("ACTIVE")));
      PinReplicaView replacement = PinnedCore.replicaOf(repaired, spare.address());
      assertTrue(replacement.getSlot() >= 3, "a new slot: " + replacement);
      assertNotEquals(faulty.getRoot(), replacement.getRoot());
      assertEquals(
          3,
          repaired.getReplicasList().stream().filter(r -> r.getState().equals("ACTIVE")).count(),
          repaired.toString());
    }
  }

  @Test
  void aHosterAnsweringFromAnotherIdentitysReplicaIsFaultyAtItsFirstRound() throws Exception {
    try (TestNode node = node(PinnedCore.FAST);
        Agents agents = new Agents(node)) {
      PinnedCore core = PinnedCore.publish(node, BLOCKS);
      // honest-1's data directory: the other identity whose replica the cheater answers from
      RunningAgent cheater =
          agents.hoster("cheater", new CheatMode.ShareReplica(work.resolve("honest-1")));
      PinJobView active = sealedJob(core, agents);

      PinReplicaView faulty = awaitFaulty(core, active.getJobId(), cheater);
      assertEquals(0, faulty.getRoundsPassed(), faulty.toString());
      assertEquals("FAILED", faulty.getLastChallenge());
      assertTrue(faulty.getFault().contains("WRONG_ROOT"), faulty.getFault());
    }
  }

  @Test
  void aHosterAnsweringWithStalePathsIsFaultyAtItsFirstRound() throws Exception {
    try (TestNode node = node(PinnedCore.FAST);
        Agents agents = new Agents(node)) {
      PinnedCore core = PinnedCore.publish(node, BLOCKS);
      RunningAgent cheater = agents.hoster("cheater", new CheatMode.StalePath());
      PinJobView active = sealedJob(core, agents);

      PinReplicaView faulty = awaitFaulty(core, active.getJobId(), cheater);
      assertEquals(0, faulty.getRoundsPassed(), faulty.toString());
      assertEquals("FAILED", faulty.getLastChallenge());
    }
  }

  /** Every challenge {@code hoster}'s node lists for it, by id, polled until stopped. */
  private static final class ChallengeWatch implements AutoCloseable {
    final Map<String, ChallengeTask> seen = new ConcurrentHashMap<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Thread thread;

    ChallengeWatch(TestNode node, PrivateKeySigner hoster) {
      CairnClient asHoster = CairnClient.connect(node.api()).authenticate(hoster);
      thread =
          new Thread(
              () -> {
                while (!stopped.get()) {
                  try {
                    for (ChallengeTask task : asHoster.agentTasks().getChallengesList()) {
                      seen.putIfAbsent(task.getChallengeId(), task);
                    }
                    Thread.sleep(50);
                  } catch (InterruptedException e) {
                    return;
                  } catch (RuntimeException unreachable) {
                    // the node is going away at the end of the test
                  }
                }
              },
              "challenge-watch");
      thread.start();
    }

    /** The attempts seen, in round and attempt order. */
    List<ChallengeTask> attempts() {
      return seen.values().stream()
          .sorted(
              (a, b) ->
                  a.getRoundNo() != b.getRoundNo()
                      ? Long.compare(a.getRoundNo(), b.getRoundNo())
                      : Long.compare(a.getDeadlineMs(), b.getDeadlineMs()))
          .toList();
    }

    @Override
    public void close() throws InterruptedException {
      stopped.set(true);
      thread.join(2_000);
    }
  }

  @Test
  void aSilentHosterIsAskedTheSameIndicesAgainThenFaultyAfterTheRetries() throws Exception {
    try (TestNode node = node(PinnedCore.FAST);
        Agents agents = new Agents(node)) {
      PinnedCore core = PinnedCore.publish(node, BLOCKS);
      RunningAgent cheater = agents.hoster("cheater", new CheatMode.Silent());
      try (ChallengeWatch watch = new ChallengeWatch(node, cheater.key)) {
        PinJobView active = sealedJob(core, agents);
        PinReplicaView faulty = awaitFaulty(core, active.getJobId(), cheater);
        assertEquals(0, faulty.getRoundsPassed());
        assertEquals("MISSED", faulty.getLastChallenge());
        assertTrue(faulty.getFault().startsWith("3 missed deadlines"), faulty.getFault());

        List<ChallengeTask> attempts = watch.attempts();
        assertEquals(3, attempts.size(), "the first ask and two retries: " + attempts);
        ChallengeTask first = attempts.get(0);
        assertEquals(64, first.getIndicesCount(), "the first round is a suspicious one");
        for (ChallengeTask retry : attempts) {
          assertEquals(first.getRoundNo(), retry.getRoundNo());
          assertEquals(first.getIndicesList(), retry.getIndicesList(), "the same indices again");
        }
        assertEquals(
            3,
            attempts.stream().map(ChallengeTask::getChallengeId).distinct().count(),
            "each attempt under its own id");
      }
    }
  }

  @Test
  void aHosterResealingOnDemandMissesEveryDeadlineAndIsFaulty() throws Exception {
    // a seal of 2 to 3 s (3·10^6 label hashes) against a deadline of 0.5 s: a ratio of 4 to 6,
    // with room for honest agents polling every 50 ms
    Map<String, Object> slowSeals = new HashMap<>(PinnedCore.FAST);
    slowSeals.put("cairn.pinning.seal.ops-min", 3_000_000);
    slowSeals.put("cairn.pinning.challenges.deadline", "500ms");
    slowSeals.put("cairn.pinning.audit-share", 0);
    Duration deadline = Duration.ofMillis(500);
    try (TestNode node = node(slowSeals);
        Agents agents = new Agents(node)) {
      PinnedCore core = PinnedCore.publish(node, BLOCKS);
      RunningAgent cheater = agents.hoster("cheater", new CheatMode.ResealOnDemand());
      agents.hoster("honest-1", new CheatMode.Honest());
      agents.encoder("encoder-1");
      try (ChallengeWatch watch = new ChallengeWatch(node, cheater.key)) {
        String jobId = core.pin(2);
        sealed(core, jobId, 2, Duration.ofSeconds(60));
        PinReplicaView faulty = awaitFaulty(core, jobId, cheater);
        assertEquals("MISSED", faulty.getLastChallenge());

        int asked = watch.attempts().size();
        long passed = faulty.getRoundsPassed();
        System.out.printf(
            "reseal-on-demand: %d attempts asked, %d passed: %.0f %% missed%n",
            asked, passed, 100.0 * (asked - passed) / asked);
        assertEquals(0, passed);
        assertTrue(asked >= 3, "the first ask and two retries: " + asked);
      }

      // it kept no replica: every answer needed a whole seal
      try (Stream<Path> files = Files.walk(cheater.data)) {
        assertFalse(files.anyMatch(f -> f.getFileName().toString().equals("replica.bin")));
      }
      ReplicaStore.StoredReplica stored = cheater.runtime.store().replicas().iterator().next();
      Map<Integer, Long> sealMillis = new LinkedHashMap<>();
      for (int i = 0; i < 3; i++) {
        long started = System.nanoTime();
        SectorSealer.seal(stored.assignment(), core.blocks);
        sealMillis.put(i, (System.nanoTime() - started) / 1_000_000);
      }
      long fastest = sealMillis.values().stream().mapToLong(Long::longValue).min().orElseThrow();
      System.out.printf(
          "reseal-on-demand: seals of %s ms against a deadline of %d ms: ratio %.1f%n",
          sealMillis.values(), deadline.toMillis(), (double) fastest / deadline.toMillis());
      assertTrue(
          fastest > 2 * deadline.toMillis(), "a seal takes several deadlines: " + sealMillis);
    }
  }
}
