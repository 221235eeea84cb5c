package io.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.client.CairnClient;
import io.cairn.client.CoreWriter;
import io.cairn.node.TestNode;
import io.cairn.protocol.api.v1.PinJobView;
import io.cairn.protocol.api.v1.PinReplicaView;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.hypercore.CoreKeyPair;
import io.cairn.protocol.hypercore.Proof;
import io.cairn.protocol.hypercore.ProofVerifier;
import io.cairn.protocol.hypercore.TreeHead;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hoster and encoder agents with a real node, in this JVM: a pin request becomes ACTIVE once the
 * agents sealed and witnessed every replica, each replica's root is its own, the hosters pass their
 * challenges, and a reader verifies every block a hoster serves against the publisher's key.
 */
class AgentsOnANodeTest {
  @TempDir Path work;

  private static final Map<String, Object> FAST =
      Map.of(
          "cairn.pinning.seal.min-layers", 2,
          "cairn.pinning.seal.ops-min", 0,
          "cairn.pinning.placement-retry", "500ms",
          "cairn.pinning.challenges.interval-min", "300ms",
          "cairn.pinning.challenges.interval-max", "600ms",
          "cairn.pinning.challenges.deadline", "10s",
          "cairn.pinning.challenges.retry-delays", List.of("1s", "1s"));

  /** How long the steps of this test may take on a loaded two-core machine. */
  private static final Duration PATIENCE = Duration.ofSeconds(90);

  private static <T> T await(String what, Supplier<T> value, Predicate<T> done)
      throws InterruptedException {
    return RunningAgent.await(what, PATIENCE, value, done);
  }

  private static RunningAgent start(
      TestNode node, AgentRole role, PrivateKeySigner key, Path data, String operator) {
    Duration poll = Duration.ofMillis(100);
    return role == AgentRole.HOSTER
        ? RunningAgent.hoster(node.api(), key, data, operator, new CheatMode.Honest(), poll)
        : RunningAgent.encoder(node.api(), key, data, operator, poll);
  }

  @Test
  void aPinBecomesActiveWithDistinctRootsPassesChallengesAndServesReaders() throws Exception {
    List<RunningAgent> agents = new ArrayList<>();
    try (TestNode node = TestNode.start(work.resolve("node"), FAST)) {
      CairnClient client = CairnClient.connect(node.api());
      CoreWriter publisher = CoreWriter.open(client, CoreKeyPair.generate());
      List<byte[]> blocks = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        blocks.add(("block " + i + " ").repeat(1 + i % 13).getBytes(StandardCharsets.UTF_8));
      }
      publisher.append(blocks);

      for (int i = 0; i < 3; i++) {
        agents.add(
            start(
                node,
                AgentRole.HOSTER,
                PrivateKeySigner.generate(),
                work.resolve("hoster-" + i),
                "hoster-op-" + i));
        agents.add(
            start(
                node,
                AgentRole.ENCODER,
                PrivateKeySigner.generate(),
                work.resolve("encoder-" + i),
                "encoder-op-" + i));
      }
      CairnClient supporter = client.authenticate(PrivateKeySigner.generate());
      String coreKey = HexFormat.of().formatHex(publisher.key());
      String jobId = supporter.requestPin(coreKey, 2, 1, "agents-test").getJobId();

      PinJobView active =
          await(
              "the job ACTIVE", () -> supporter.pin(jobId), job -> job.getState().equals("ACTIVE"));
      List<PinReplicaView> replicas = active.getReplicasList();
      assertEquals(2, replicas.size());
      assertEquals(
          2,
          replicas.stream().map(PinReplicaView::getRoot).collect(Collectors.toSet()).size(),
          "each hoster's replica has its own root: " + replicas);

      await(
          "every replica passing a challenge",
          () -> supporter.pin(jobId),
          job ->
              job.getReplicasList().stream()
                  .allMatch(r -> r.getState().equals("ACTIVE") && r.getRoundsPassed() >= 1));

      String hoster = replicas.get(0).getHoster();
      AgentRuntime serving =
          agents.stream()
              .map(agent -> agent.runtime)
              .filter(a -> a.provider().getAddress().equals(hoster))
              .findFirst()
              .orElseThrow();
      CairnClient reader = CairnClient.connect(serving.serving().orElseThrow());
      ProofVerifier verifier = new ProofVerifier(publisher.identity());
      for (int i = 0; i < blocks.size(); i++) {
        Proof proof = reader.block(publisher.key(), i, 0);
        assertTrue(verifier.verify(proof, TreeHead.EMPTY).accepted(), "block " + i);
        assertArrayEquals(blocks.get(i), proof.block().value());
      }
    } finally {
      for (RunningAgent agent : agents) {
        agent.close();
      }
    }
  }
}
