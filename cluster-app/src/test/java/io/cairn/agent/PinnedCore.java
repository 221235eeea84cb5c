package io.cairn.agent;

import io.cairn.client.CairnClient;
import io.cairn.client.CoreWriter;
import io.cairn.node.TestNode;
import io.cairn.protocol.api.v1.PinJobView;
import io.cairn.protocol.api.v1.PinReplicaView;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.hypercore.CoreKeyPair;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A core a publisher wrote to a real node, and a supporter who pins it there: what agent tests pin,
 * watch through {@link CairnClient#pin} and read back from hosters.
 */
final class PinnedCore {
  /**
   * Pinning at the speed of a test: seals of a small core in milliseconds (two layers, no minimum
   * work), short epochs, a round every 0.3 to 0.8 s with a 1.5 s deadline, retries 0.3 s apart.
   */
  static final Map<String, Object> FAST =
      Map.of(
          "cairn.pinning.epoch-length", "5s",
          "cairn.pinning.seal.min-layers", 2,
          "cairn.pinning.seal.ops-min", 0,
          "cairn.pinning.placement-retry", "300ms",
          "cairn.pinning.challenges.interval-min", "300ms",
          "cairn.pinning.challenges.interval-max", "800ms",
          "cairn.pinning.challenges.deadline", "1500ms",
          "cairn.pinning.challenges.retry-delays", List.of("300ms", "300ms"));

  /** How often test agents poll their tasks: well inside the deadline. */
  static final Duration POLL = Duration.ofMillis(50);

  final CoreWriter publisher;
  final List<byte[]> blocks;
  final CairnClient supporter;

  private PinnedCore(CoreWriter publisher, List<byte[]> blocks, CairnClient supporter) {
    this.publisher = publisher;
    this.blocks = blocks;
    this.supporter = supporter;
  }

  /** {@code count} blocks of varied sizes written to {@code node} under a new core key. */
  static PinnedCore publish(TestNode node, int count) {
    CairnClient client = CairnClient.connect(node.api());
    CoreWriter publisher = CoreWriter.open(client, CoreKeyPair.generate());
    List<byte[]> blocks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      blocks.add(("block " + i + " ").repeat(1 + i % 13).getBytes(StandardCharsets.UTF_8));
    }
    publisher.append(blocks);
    return new PinnedCore(publisher, blocks, client.authenticate(PrivateKeySigner.generate()));
  }

  String coreKey() {
    return HexFormat.of().formatHex(publisher.key());
  }

  /** A job of {@code replicas} replicas of the whole core, for a day; its id. */
  String pin(int replicas) {
    return supporter.requestPin(coreKey(), replicas, 1, "test-" + System.nanoTime()).getJobId();
  }

  PinJobView job(String jobId) {
    return supporter.pin(jobId);
  }

  /** The job once {@code done} holds, polled every 100 ms for at most {@code within}. */
  PinJobView awaitJob(String jobId, String what, Duration within, Predicate<PinJobView> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    PinJobView last = job(jobId);
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + ": " + last);
      }
      Thread.sleep(100);
      last = job(jobId);
    }
    return last;
  }

  /** The replica of {@code job} that {@code hoster} holds in its newest slot. */
  static PinReplicaView replicaOf(PinJobView job, String hoster) {
    return job.getReplicasList().stream()
        .filter(r -> r.getHoster().equalsIgnoreCase(hoster))
        .reduce((first, second) -> second)
        .orElseThrow(() -> new AssertionError(hoster + " holds no replica of " + job));
  }
}
