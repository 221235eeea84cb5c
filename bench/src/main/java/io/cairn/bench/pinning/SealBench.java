package io.cairn.bench.pinning;

import io.cairn.protocol.pinning.ChallengeIndices;
import io.cairn.protocol.pinning.NodeBuffer;
import io.cairn.protocol.pinning.ReplicaId;
import io.cairn.protocol.pinning.SealParameters;
import io.cairn.protocol.pinning.Sealer;
import io.cairn.protocol.pinning.StorageAnswer;
import io.cairn.protocol.pinning.StorageProofs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Single-thread cost of SDR-lite (PINNING.md §3.2, §3.4): label hashes per second while sealing a
 * sector with a fixed number of layers (the tree over R timed apart), then the time for the hoster
 * to answer a round of {@code k} indices from the sealed replica and for the cluster to verify it.
 * Prints each run and the medians.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.cairn.bench.pinning.SealBench \
 *     [--mib 64] [--layers 2] [--runs 3] [--k 8] [--rounds 2000]
 * </pre>
 */
public final class SealBench {
  public static void main(String[] args) {
    int mib = 64;
    int layers = 2;
    int runs = 3;
    int k = 8;
    int rounds = 2000;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--mib" -> mib = Integer.parseInt(args[i + 1]);
        case "--layers" -> layers = Integer.parseInt(args[i + 1]);
        case "--runs" -> runs = Integer.parseInt(args[i + 1]);
        case "--k" -> k = Integer.parseInt(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    long bytes = (long) mib << 20;
    // The sector is random bytes laid out directly: the layout's cost is not what is measured.
    byte[] data = new byte[(int) bytes];
    new Random(1).nextBytes(data);
    NodeBuffer layout = NodeBuffer.copyOf(data);
    data = null;
    Sealer sealer = new Sealer(new SealParameters(layers, 0, bytes));
    byte[] key = new byte[32];
    ReplicaId replicaId =
        ReplicaId.of("bench-hoster".getBytes(), key, 0, 1, key, "job".getBytes(), "a".getBytes());
    int nodes = layout.nodeCount();
    long labelHashes = sealer.labelHashes(nodes);
    System.out.printf(
        "sector %d MiB, %d nodes, %d layers, %d label hashes per seal%n",
        mib, nodes, layers, labelHashes);

    List<Double> hashesPerSecond = new ArrayList<>();
    List<Double> treeSeconds = new ArrayList<>();
    Sealer.SealedReplica sealed = null;
    for (int run = 0; run < runs; run++) {
      long start = System.nanoTime();
      sealed = sealer.seal(replicaId, layout);
      double sealSeconds = (System.nanoTime() - start) / 1e9;
      // The tree is built inside seal; time it again alone to split the two costs.
      long treeStart = System.nanoTime();
      io.cairn.protocol.pinning.ReplicaTree.build(sealed.replica());
      double tree = (System.nanoTime() - treeStart) / 1e9;
      double labelsPerSecond = labelHashes / (sealSeconds - tree);
      hashesPerSecond.add(labelsPerSecond);
      treeSeconds.add(tree);
      System.out.printf(
          "run %d: seal %.2f s (tree %.2f s), %.0f label hashes/s, %.3f µs per label%n",
          run, sealSeconds, tree, labelsPerSecond, 1e6 / labelsPerSecond);
    }

    byte[] epochSecret = new byte[32];
    double[] answerMicros = new double[rounds];
    double[] verifyMicros = new double[rounds];
    long answerBytes = 0;
    for (int round = 0; round < rounds; round++) {
      int[] indices = ChallengeIndices.derive(epochSecret, replicaId, round, k, nodes);
      long start = System.nanoTime();
      StorageAnswer answer = StorageProofs.answer(sealed.tree(), indices);
      long answered = System.nanoTime();
      boolean valid = StorageProofs.verify(sealed.commR(), nodes, indices, answer).valid();
      long verified = System.nanoTime();
      if (!valid) {
        throw new IllegalStateException("an honest answer failed at round " + round);
      }
      answerMicros[round] = (answered - start) / 1e3;
      verifyMicros[round] = (verified - answered) / 1e3;
      answerBytes =
          answer.openings().size() * 32L * (1 + answer.openings().get(0).siblings().size());
    }
    System.out.printf(
        "median over %d runs: %.0f label hashes/s (%.3f µs per label), tree over R %.2f s%n",
        runs, median(hashesPerSecond), 1e6 / median(hashesPerSecond), median(treeSeconds));
    System.out.printf(
        "k = %d, %d rounds (from the in-memory replica): answer median %.1f µs, verify median %.1f"
            + " µs (%.1f µs per index), %d bytes of leaves and siblings per round%n",
        k,
        rounds,
        median(answerMicros),
        median(verifyMicros),
        median(verifyMicros) / k,
        answerBytes);
  }

  private static double median(List<Double> values) {
    return median(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }
}
