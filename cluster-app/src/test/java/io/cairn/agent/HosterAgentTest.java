package io.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.client.CairnClient;
import io.cairn.node.TestNode;
import io.cairn.protocol.api.v1.PinJobView;
import io.cairn.protocol.api.v1.PinReplicaView;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.hypercore.Proof;
import io.cairn.protocol.hypercore.ProofVerifier;
import io.cairn.protocol.hypercore.TreeHead;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hoster and an encoder agent with a real node, in this JVM, on a job of one replica: what they
 * seal, commit and answer, what the hoster serves, and what a restart keeps.
 */
class HosterAgentTest {
  @TempDir Path work;

  private static final Duration WITHIN = Duration.ofSeconds(30);

  private static ReplicaStore.StoredReplica only(RunningAgent agent) {
    List<ReplicaStore.StoredReplica> replicas = List.copyOf(agent.runtime.store().replicas());
    assertEquals(1, replicas.size(), "replicas on " + agent.address() + "'s disk");
    return replicas.get(0);
  }

  /** Every file under {@code dir} with when it was last written. */
  private static Map<Path, FileTime> written(Path dir) throws Exception {
    Map<Path, FileTime> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        files.put(dir.relativize(file), Files.getLastModifiedTime(file));
      }
    }
    return files;
  }

  @Test
  void anHonestHosterSealsCommitsAnswersServesAndSurvivesARestart() throws Exception {
    PrivateKeySigner key = PrivateKeySigner.generate();
    Path data = work.resolve("hoster");
    try (TestNode node = TestNode.start(work.resolve("node"), PinnedCore.FAST);
        RunningAgent encoder =
            RunningAgent.encoder(
                node.api(),
                PrivateKeySigner.generate(),
                work.resolve("encoder"),
                "enc",
                PinnedCore.POLL)) {
      PinnedCore core = PinnedCore.publish(node, 120);
      PinReplicaView replica;
      Map<Path, FileTime> sealed;
      try (RunningAgent hoster =
          RunningAgent.hoster(
              node.api(), key, data, "host", new CheatMode.Honest(), PinnedCore.POLL)) {
        assertEquals(List.of("hoster"), hoster.runtime.provider().getRolesList());
        String jobId = core.pin(1);
        PinJobView active =
            core.awaitJob(jobId, "the job ACTIVE", WITHIN, j -> j.getState().equals("ACTIVE"));
        replica = PinnedCore.replicaOf(active, hoster.address());

        // the hoster sealed the core's blocks under its own replica id, and committed that root
        ReplicaStore.StoredReplica stored = only(hoster);
        byte[] expected = SectorSealer.seal(stored.assignment(), core.blocks).commR();
        assertArrayEquals(expected, stored.commR());
        assertEquals("0x" + ReplicaStore.hex(expected), replica.getRoot());
        assertEquals(replica.getReplicaId(), "0x" + stored.replicaId());

        PinJobView answered =
            core.awaitJob(
                jobId,
                "two rounds passed",
                WITHIN,
                j -> PinnedCore.replicaOf(j, hoster.address()).getRoundsPassed() >= 2);
        assertEquals("PASSED", PinnedCore.replicaOf(answered, hoster.address()).getLastChallenge());

        // a reader verifies what the hoster serves against the publisher's key alone
        CairnClient reader = CairnClient.connect(hoster.runtime.serving().orElseThrow());
        ProofVerifier verifier = new ProofVerifier(core.publisher.identity());
        for (int i = 0; i < core.blocks.size(); i++) {
          Proof proof = reader.block(core.publisher.key(), i, 0);
          assertTrue(verifier.verify(proof, TreeHead.EMPTY).accepted(), "block " + i);
          assertArrayEquals(core.blocks.get(i), proof.block().value());
        }
        sealed = written(data);
      }

      String jobId = core.supporter.pins().get(0).getJobId();
      long passedBefore =
          PinnedCore.replicaOf(core.job(jobId), key.address().value()).getRoundsPassed();
      try (RunningAgent again =
          RunningAgent.hoster(
              node.api(), key, data, "host", new CheatMode.Honest(), PinnedCore.POLL)) {
        PinJobView after =
            core.awaitJob(
                jobId,
                "rounds passed after the restart",
                WITHIN,
                j ->
                    PinnedCore.replicaOf(j, again.address()).getRoundsPassed() >= passedBefore + 2);
        PinReplicaView same = PinnedCore.replicaOf(after, again.address());
        assertEquals("ACTIVE", same.getState());
        assertEquals(replica.getRoot(), same.getRoot());
        assertEquals(replica.getSlot(), same.getSlot(), "the same replica, not a replacement");
        assertEquals(sealed, written(data), "nothing written again: nothing sealed again");
        assertEquals(1, again.runtime.store().replicas().size());
      }
    }
  }

  @Test
  void aHosterWithoutRoomForASectorSkipsItAndHoldsNothingForIt() throws Exception {
    try (TestNode node = TestNode.start(work.resolve("node"), PinnedCore.FAST)) {
      PinnedCore core = PinnedCore.publish(node, 80);
      // room for the blocks, as the cluster asks of a hoster, not for the replica and proofs too
      long capacity = 2 * core.blocks.stream().mapToLong(block -> block.length).sum();
      try (RunningAgent encoder =
              RunningAgent.encoder(
                  node.api(),
                  PrivateKeySigner.generate(),
                  work.resolve("encoder"),
                  "enc",
                  PinnedCore.POLL);
          RunningAgent hoster =
              RunningAgent.hoster(
                  node.api(),
                  PrivateKeySigner.generate(),
                  work.resolve("hoster"),
                  "host",
                  capacity,
                  RunningAgent.KEEP_UNLISTED,
                  new CheatMode.Honest(),
                  PinnedCore.POLL)) {
        skipsTheSector(core, encoder, hoster);
      }
    }
  }

  private static void skipsTheSector(PinnedCore core, RunningAgent encoder, RunningAgent hoster)
      throws Exception {
    String jobId = core.pin(1);
    // the witness seals and commits; the hoster, asked the same, never starts
    long deadline = System.nanoTime() + WITHIN.toNanos();
    while (encoder.runtime.store().replicas().isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "the encoder witnessed the replica");
      Thread.sleep(50);
    }
    Thread.sleep(20 * PinnedCore.POLL.toMillis());
    assertTrue(hoster.runtime.store().replicas().isEmpty());
    assertEquals(0, hoster.runtime.store().bytesOnDisk());
    try (Stream<Path> left = Files.list(hoster.data.resolve("replicas"))) {
      assertEquals(List.of(), left.toList(), "nothing written, not even a partial replica");
    }
    assertEquals("SEALING", PinnedCore.replicaOf(core.job(jobId), hoster.address()).getState());
  }

  @Test
  void aHosterDeletesTheReplicaOfAJobThatEndedOnceTheMarginPassed() throws Exception {
    try (TestNode node = TestNode.start(work.resolve("node"), PinnedCore.FAST);
        RunningAgent encoder =
            RunningAgent.encoder(
                node.api(),
                PrivateKeySigner.generate(),
                work.resolve("encoder"),
                "enc",
                new CleanupMargin(3, Duration.ofMillis(500)),
                PinnedCore.POLL);
        RunningAgent hoster =
            RunningAgent.hoster(
                node.api(),
                PrivateKeySigner.generate(),
                work.resolve("hoster"),
                "host",
                1L << 30,
                new CleanupMargin(3, Duration.ofMillis(500)),
                new CheatMode.Honest(),
                PinnedCore.POLL)) {
      PinnedCore core = PinnedCore.publish(node, 60);
      String jobId = core.pin(1);
      core.awaitJob(jobId, "the job ACTIVE", WITHIN, j -> j.getState().equals("ACTIVE"));
      Path replica = only(hoster).directory();
      // the witness's part ended when the replica was sealed: it keeps nothing more
      awaitTrue(
          "the encoder's commitment deleted", () -> encoder.runtime.store().replicas().isEmpty());

      core.supporter.cancelPin(jobId);
      long cancelled = System.nanoTime();
      awaitTrue("the hoster's replica deleted", () -> Files.notExists(replica));
      assertTrue(
          System.nanoTime() - cancelled >= Duration.ofMillis(500).toNanos(),
          "deleted only once the margin passed");
      assertTrue(hoster.runtime.store().replicas().isEmpty());
    }
  }

  private static void awaitTrue(String what, java.util.function.BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    while (!done.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(50);
    }
  }

  @Test
  void anEncoderWitnessesTheHostersRootAndKeepsNoReplica() throws Exception {
    try (TestNode node = TestNode.start(work.resolve("node"), PinnedCore.FAST);
        RunningAgent hoster =
            RunningAgent.hoster(
                node.api(),
                PrivateKeySigner.generate(),
                work.resolve("hoster"),
                "host",
                new CheatMode.Honest(),
                PinnedCore.POLL);
        RunningAgent encoder =
            RunningAgent.encoder(
                node.api(),
                PrivateKeySigner.generate(),
                work.resolve("encoder"),
                "enc",
                PinnedCore.POLL)) {
      assertEquals(List.of("encoder"), encoder.runtime.provider().getRolesList());
      PinnedCore core = PinnedCore.publish(node, 80);
      String jobId = core.pin(1);
      PinJobView active =
          core.awaitJob(jobId, "the job ACTIVE", WITHIN, j -> j.getState().equals("ACTIVE"));
      PinReplicaView replica = PinnedCore.replicaOf(active, hoster.address());
      assertTrue(encoder.address().equalsIgnoreCase(replica.getEncoder()), replica.toString());

      ReplicaStore.StoredReplica witnessed = only(encoder);
      assertArrayEquals(only(hoster).commR(), witnessed.commR());
      assertEquals("0x" + ReplicaStore.hex(witnessed.commR()), replica.getRoot());
      assertFalse(witnessed.hasReplica());
      try (Stream<Path> files = Files.walk(encoder.data)) {
        assertFalse(files.anyMatch(f -> f.getFileName().toString().endsWith(".bin")));
      }
    }
  }
}
