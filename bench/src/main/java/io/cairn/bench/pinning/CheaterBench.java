package io.cairn.bench.pinning;

import io.cairn.protocol.hypercore.Blake2b;
import io.cairn.protocol.pinning.ChallengeIndices;
import io.cairn.protocol.pinning.NodeBuffer;
import io.cairn.protocol.pinning.ReplicaId;
import io.cairn.protocol.pinning.SealParameters;
import io.cairn.protocol.pinning.Sealer;
import io.cairn.protocol.pinning.SectorLayout;
import io.cairn.protocol.pinning.StorageAnswer;
import io.cairn.protocol.pinning.StorageProofs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Two cheating hosters against real SDR-lite seals and verification (PINNING.md §5, acceptance
 * points 1 and 2), one thread:
 *
 * <ol>
 *   <li><b>Deletion.</b> A hoster that deleted a fraction f of its replica's nodes but kept the
 *       whole tree answers rounds of {@code k} indices until one is invalid. Over {@code --runs}
 *       seeded runs (each its own epoch secret and deleted set) for f = 1, 5 and 10 %, it prints
 *       how many rounds detection took and the share caught within 9 and 24 rounds, beside the
 *       analytic {@code 1 − (1−f)^(k·n)}.
 *   <li><b>Re-seal on demand.</b> A hoster that keeps the plain blocks and deletes the replica must
 *       re-seal the sector (layout, labels, tree) before it can answer. It times that over {@code
 *       --reseal-runs} runs at {@code --mib} and {@code --layers} (or {@code --ops-min}) and
 *       compares it with the deadline Δ given as {@code --deadline-ms}: a round is missed when the
 *       re-seal takes longer than Δ.
 * </ol>
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.cairn.bench.pinning.CheaterBench \
 *     [--runs 10000] [--k 8] [--nodes 102400] \
 *     [--mib 16] [--layers 2] [--ops-min 0] [--reseal-runs 5] [--deadline-ms 33]
 * </pre>
 */
public final class CheaterBench {
  private static final double[] MISSING_FRACTIONS = {0.01, 0.05, 0.10};

  /** Rounds per day in PINNING.md §3.4, and the 9 rounds (72 indices) of acceptance point 1. */
  private static final int[] ROUND_MARKS = {9, 24};

  /** Per-round counts are printed up to here; slower runs are summed in one line. */
  private static final int ROUNDS_LISTED = 24;

  /** f = 1 % survives 2,000 rounds of 8 with probability 0.99^16000 ≈ 10^-70. */
  private static final int ROUND_LIMIT = 2000;

  public static void main(String[] args) {
    int runs = 10_000;
    int k = 8;
    int nodes = 102_400;
    int mib = 16;
    int layers = 2;
    long opsMin = 0;
    int resealRuns = 5;
    double deadlineMs = 33;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[i + 1]);
        case "--k" -> k = Integer.parseInt(args[i + 1]);
        case "--nodes" -> nodes = Integer.parseInt(args[i + 1]);
        case "--mib" -> mib = Integer.parseInt(args[i + 1]);
        case "--layers" -> layers = Integer.parseInt(args[i + 1]);
        case "--ops-min" -> opsMin = Long.parseLong(args[i + 1]);
        case "--reseal-runs" -> resealRuns = Integer.parseInt(args[i + 1]);
        case "--deadline-ms" -> deadlineMs = Double.parseDouble(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    deletion(runs, k, nodes);
    reseal(mib, layers, opsMin, resealRuns, deadlineMs);
  }

  private static void deletion(int runs, int k, int nodes) {
    // The number of layers does not change what a deleting hoster can answer: keep the seal quick.
    byte[] data = new byte[nodes * NodeBuffer.NODE_BYTES];
    new SplittableRandom(1).nextBytes(data);
    Sealer.SealedReplica sealed =
        new Sealer(new SealParameters(2, 0, data.length))
            .seal(replicaId("deleting-hoster"), NodeBuffer.copyOf(data));
    System.out.printf("deletion: %d nodes, k = %d, %d seeded runs per fraction%n", nodes, k, runs);
    for (double missing : MISSING_FRACTIONS) {
      int[] runsCaughtAt = new int[ROUND_LIMIT + 1];
      for (int run = 0; run < runs; run++) {
        DeletingHoster hoster = new DeletingHoster(sealed, missing, new SplittableRandom(run));
        runsCaughtAt[hoster.roundsUntilCaught(epochSecret(run), k)]++;
      }
      printDistribution(missing, k, runs, runsCaughtAt);
    }
  }

  private static void printDistribution(double missing, int k, int runs, int[] runsCaughtAt) {
    double passPerRound = Math.pow(1 - missing, k);
    System.out.printf(
        "f = %.0f %%: rounds until the first invalid verdict -> runs (analytic expectation)%n",
        missing * 100);
    for (int round = 1; round <= ROUNDS_LISTED; round++) {
      double expected = runs * Math.pow(passPerRound, round - 1) * (1 - passPerRound);
      System.out.printf("  %4d  %6d  (%.1f)%n", round, runsCaughtAt[round], expected);
    }
    int slower = Arrays.stream(runsCaughtAt, ROUNDS_LISTED + 1, runsCaughtAt.length).sum();
    System.out.printf(
        "  >%3d  %6d  (%.1f)%n",
        ROUNDS_LISTED, slower, runs * Math.pow(passPerRound, ROUNDS_LISTED));
    for (int mark : ROUND_MARKS) {
      int caught = Arrays.stream(runsCaughtAt, 1, mark + 1).sum();
      System.out.printf(
          "  caught within %d rounds: %.4f measured, %.6f analytic%n",
          mark, (double) caught / runs, 1 - Math.pow(passPerRound, mark));
    }
    System.out.printf("  median %d rounds%n", medianRound(runsCaughtAt, runs));
  }

  private static void reseal(int mib, int layers, long opsMin, int resealRuns, double deadlineMs) {
    SealParameters parameters = new SealParameters(layers, opsMin, (long) mib << 20);
    List<byte[]> blocks = plainBlocks(mib);
    int nodes = SectorLayout.encode(blocks, parameters.sectorCapBytes()).nodeCount();
    Sealer sealer = new Sealer(parameters);
    long labelHashes = sealer.labelHashes(nodes);
    ReplicaId replicaId = replicaId("resealing-hoster");
    System.out.printf(
        "re-seal on demand: %d MiB of blocks, %d nodes, %d layers, %d label hashes, Δ = %.1f ms%n",
        mib, nodes, parameters.layersFor(nodes), labelHashes, deadlineMs);
    // The cheater's JVM has sealed before: one untimed seal keeps JIT compilation out of the runs.
    sealer.seal(replicaId, SectorLayout.encode(blocks, parameters.sectorCapBytes()));
    double[] seconds = new double[resealRuns];
    int missed = 0;
    for (int run = 0; run < resealRuns; run++) {
      // All the hoster still has is the blocks: it must lay them out, seal and build the tree.
      long start = System.nanoTime();
      sealer.seal(replicaId, SectorLayout.encode(blocks, parameters.sectorCapBytes()));
      seconds[run] = (System.nanoTime() - start) / 1e9;
      boolean missesDeadline = seconds[run] * 1e3 > deadlineMs;
      if (missesDeadline) {
        missed++;
      }
      System.out.printf(
          "run %d: re-seal %.3f s, %.1f × Δ, %s%n",
          run,
          seconds[run],
          seconds[run] * 1e3 / deadlineMs,
          missesDeadline ? "misses Δ" : "within Δ");
    }
    double median = median(seconds);
    System.out.printf(
        "median re-seal %.3f s (%.3f µs per label hash, the tree included), %.1f × Δ;"
            + " rounds missed: %d of %d (%.0f %%)%n",
        median,
        median * 1e6 / labelHashes,
        median * 1e3 / deadlineMs,
        missed,
        resealRuns,
        100.0 * missed / resealRuns);
  }

  /**
   * A hoster that deleted {@code f·N} nodes of its replica, chosen at random, and kept every
   * internal node of the tree: the strongest such cheater, since only a challenged deleted leaf can
   * give it away. It answers a kept node honestly and guesses a deleted one on the true path.
   */
  private static final class DeletingHoster {
    private final Sealer.SealedReplica sealed;
    private final BitSet deleted;
    private final SplittableRandom random;

    DeletingHoster(Sealer.SealedReplica sealed, double missing, SplittableRandom random) {
      this.sealed = sealed;
      this.random = random;
      int nodeCount = sealed.replica().nodeCount();
      int toDelete = (int) Math.round(missing * nodeCount);
      this.deleted = new BitSet(nodeCount);
      while (deleted.cardinality() < toDelete) {
        deleted.set(random.nextInt(nodeCount));
      }
    }

    /** The number of the first round (from 1) whose answer the cluster finds invalid. */
    int roundsUntilCaught(byte[] epochSecret, int k) {
      int nodeCount = sealed.replica().nodeCount();
      byte[] commR = sealed.commR();
      for (int round = 1; round <= ROUND_LIMIT; round++) {
        int[] indices =
            ChallengeIndices.derive(epochSecret, sealed.replicaId(), round, k, nodeCount);
        if (!StorageProofs.verify(commR, nodeCount, indices, answer(indices)).valid()) {
          return round;
        }
      }
      throw new IllegalStateException("not caught in " + ROUND_LIMIT + " rounds");
    }

    private StorageAnswer answer(int[] indices) {
      StorageAnswer honest = StorageProofs.answer(sealed.tree(), indices);
      List<StorageAnswer.Opening> openings = new ArrayList<>(honest.openings());
      for (int position = 0; position < indices.length; position++) {
        if (deleted.get(indices[position])) {
          byte[] guess = new byte[NodeBuffer.NODE_BYTES];
          random.nextBytes(guess);
          StorageAnswer.Opening opening = openings.get(position);
          openings.set(
              position, new StorageAnswer.Opening(opening.index(), guess, opening.siblings()));
        }
      }
      return new StorageAnswer(openings);
    }
  }

  /**
   * Blocks of 64 KiB minus their 3-byte length prefix, so that {@code mib} MiB of layout hold them
   * with no padding node.
   */
  private static List<byte[]> plainBlocks(int mib) {
    SplittableRandom random = new SplittableRandom(2);
    int blockCount = mib * 16;
    List<byte[]> blocks = new ArrayList<>(blockCount);
    for (int i = 0; i < blockCount; i++) {
      byte[] block = new byte[(64 << 10) - 3];
      random.nextBytes(block);
      blocks.add(block);
    }
    return blocks;
  }

  private static byte[] epochSecret(int run) {
    return Blake2b.hash(
        "cheater-bench".getBytes(StandardCharsets.US_ASCII),
        ByteBuffer.allocate(4).putInt(run).array());
  }

  private static ReplicaId replicaId(String hoster) {
    byte[] key = new byte[32];
    return ReplicaId.of(
        hoster.getBytes(StandardCharsets.US_ASCII),
        key,
        0,
        1,
        key,
        "job".getBytes(StandardCharsets.US_ASCII),
        "a".getBytes(StandardCharsets.US_ASCII));
  }

  /** The first round by which at least half the runs were caught. */
  private static int medianRound(int[] runsCaughtAt, int runs) {
    int seen = 0;
    for (int round = 1; round < runsCaughtAt.length; round++) {
      seen += runsCaughtAt[round];
      if (2 * seen >= runs) {
        return round;
      }
    }
    throw new IllegalStateException("fewer runs counted than " + runs);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }
}
