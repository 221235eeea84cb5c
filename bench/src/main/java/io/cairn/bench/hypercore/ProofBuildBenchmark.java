package io.cairn.bench.hypercore;

import io.cairn.protocol.hypercore.ProofBuilder;
import io.cairn.protocol.hypercore.ProofRequest;
import io.cairn.protocol.hypercore.TreeHead;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Proof generation by {@link ProofBuilder} from a core of {@code length} blocks in an in-memory
 * tree store, for a block at a random index (fixed seed) of the current signed head:
 *
 * <ul>
 *   <li>{@code blockAndUpgrade}: the block, its uncles and an upgrade from 0 to the head, what a
 *       peer that knows nothing but the key asks first;
 *   <li>{@code block}: the block and its uncles up to the root that covers it, what a peer that
 *       already trusts the head asks.
 * </ul>
 *
 * Nothing is hashed: the builder only reads stored nodes. One operation is one proof.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar ProofBuildBenchmark -f 1 -wi 3 -i 5}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class ProofBuildBenchmark {
  private static final int INDEXES = 4096;

  @Param({"100000"})
  int length;

  @Param({"1024"})
  int blockSize;

  private BenchCore core;
  private TreeHead head;
  private ProofBuilder builder;
  private long[] indexes;
  private int[] uncles;
  private int next;

  @Setup(Level.Trial)
  public void core() {
    core = BenchCore.build(length, blockSize, 1, 1);
    head = core.head();
    builder = new ProofBuilder(core.writer.store());
    SplittableRandom random = new SplittableRandom(7);
    indexes = new long[INDEXES];
    uncles = new int[INDEXES];
    for (int i = 0; i < INDEXES; i++) {
      indexes[i] = random.nextLong(head.length());
      uncles[i] = BenchCore.unclesToRoot(indexes[i], head.length());
    }
  }

  @Benchmark
  public Object blockAndUpgrade() {
    int i = next++ & (INDEXES - 1);
    long index = indexes[i];
    return builder.build(
        head, ProofRequest.blockAndUpgrade(index, 0, head.length()), core.blocks[(int) index]);
  }

  @Benchmark
  public Object block() {
    int i = next++ & (INDEXES - 1);
    long index = indexes[i];
    return builder.build(head, ProofRequest.block(index, uncles[i]), core.blocks[(int) index]);
  }
}
