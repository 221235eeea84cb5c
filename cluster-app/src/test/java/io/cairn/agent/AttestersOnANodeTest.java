package io.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.client.CairnClient;
import io.cairn.client.CoreWriter;
import io.cairn.node.TestNode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.ProviderView;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.hypercore.CoreKeyPair;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attester agents with a real node and a real hoster's block server, in this JVM: the service
 * checks of an ACTIVE replica are made by attesters drawn for them, the hoster's performance
 * follows their grades, and a lazy attester, reporting without fetching, loses attesting score
 * while the honest ones keep theirs.
 */
class AttestersOnANodeTest {
  @TempDir Path work;

  private static final Map<String, Object> FAST =
      Map.of(
          "cairn.pinning.seal.min-layers", 2,
          "cairn.pinning.seal.ops-min", 0,
          "cairn.pinning.placement-retry", "500ms",
          "cairn.pinning.challenges.interval-min", "5s",
          "cairn.pinning.challenges.interval-max", "10s",
          "cairn.pinning.challenges.deadline", "10s",
          "cairn.pinning.attestation.interval", "300ms",
          "cairn.pinning.attestation.deadline", "5s",
          // a block of a few bytes comes at a few hundred kB/s: graded below full marks
          "cairn.pinning.attestation.full-throughput", 1e9);

  /** How long the steps of this test may take on a loaded two-core machine. */
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private static <T> T await(String what, Supplier<T> value, Predicate<T> done)
      throws InterruptedException {
    return RunningAgent.await(what, PATIENCE, value, done);
  }

  private static RunningAgent start(
      TestNode node, AgentRole role, Path data, String operator, CheatMode cheat) {
    PrivateKeySigner key = PrivateKeySigner.generate();
    Duration poll = Duration.ofMillis(100);
    switch (role) {
      case HOSTER:
        return RunningAgent.hoster(node.api(), key, data, operator, cheat, poll);
      case ENCODER:
        return RunningAgent.encoder(node.api(), key, data, operator, poll);
      default:
        return RunningAgent.attester(node.api(), key, data, operator, cheat, poll);
    }
  }

  @Test
  void gradedReportsMoveTheHostersPerformanceAndALazyAttesterLosesItsScore() throws Exception {
    List<RunningAgent> agents = new ArrayList<>();
    try (TestNode node = TestNode.start(work.resolve("node"), FAST)) {
      CairnClient client = CairnClient.connect(node.api());
      CoreWriter publisher = CoreWriter.open(client, CoreKeyPair.generate());
      List<byte[]> blocks = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        blocks.add(("block " + i).getBytes(StandardCharsets.UTF_8));
      }
      publisher.append(blocks);
      RunningAgent hoster =
          start(node, AgentRole.HOSTER, work.resolve("hoster"), "op-h", new CheatMode.Honest());
      agents.add(hoster);
      agents.add(
          start(node, AgentRole.ENCODER, work.resolve("encoder"), "op-e", new CheatMode.Honest()));
      List<RunningAgent> honest = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        honest.add(
            start(
                node,
                AgentRole.ATTESTER,
                work.resolve("attester-" + i),
                "op-a" + i,
                new CheatMode.Honest()));
      }
      agents.addAll(honest);
      RunningAgent lazy =
          start(node, AgentRole.ATTESTER, work.resolve("lazy"), "op-lazy", new CheatMode.Lazy());
      agents.add(lazy);

      CairnClient supporter = client.authenticate(PrivateKeySigner.generate());
      String jobId =
          supporter
              .requestPin(HexFormat.of().formatHex(publisher.key()), 1, 1, "attesters-test")
              .getJobId();
      await("the job ACTIVE", () -> supporter.pin(jobId), job -> job.getState().equals("ACTIVE"));

      ProviderView graded =
          await(
              "the hoster graded",
              () -> client.provider(address(hoster)),
              view -> view.getPerformance() < 1);
      assertTrue(graded.getPerformance() > 0, "an honest hoster grades above 0: " + graded);
      assertTrue(!graded.getServeUrl().isEmpty(), "the hoster registered where it serves");
      await(
          "the lazy attester judged",
          () -> client.provider(address(lazy)),
          view -> view.getAttestingScore() < 1);
      for (RunningAgent attester : honest) {
        assertEquals(
            1.0,
            client.provider(address(attester)).getAttestingScore(),
            "an honest attester keeps its score");
      }
    } finally {
      for (RunningAgent agent : agents) {
        agent.close();
      }
    }
  }

  private static EthereumAddress address(RunningAgent agent) {
    return new EthereumAddress(agent.runtime.provider().getAddress());
  }
}
