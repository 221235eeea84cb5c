package io.cairn.bench.hypercore;

import io.cairn.protocol.hypercore.CoreKeyPair;
import io.cairn.protocol.hypercore.CoreWriter;
import io.cairn.protocol.hypercore.InMemoryTreeStore;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Append throughput of {@link CoreWriter} with signing: every append hashes the leaves and the
 * parents they complete, stores them in an {@link InMemoryTreeStore}, hashes the roots and signs
 * the new length with Ed25519. One operation is one block: each invocation appends {@value
 * #BLOCKS_PER_INVOCATION} blocks, as {@value #BLOCKS_PER_INVOCATION} single appends ({@code batch =
 * 1}, one signature per block) or one batch ({@code batch = 100}, one signature per 100 blocks).
 * MB/s is the score times {@code blockSize}. The block bytes are not stored (the writer keeps only
 * the tree), so this is the in-memory cost of the format, without any disk.
 *
 * <p>To bound memory and keep the tree depth comparable across runs, the benchmark starts a new
 * core every iteration and whenever the current one reaches {@value #ROLLOVER} blocks.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar CoreAppendBenchmark -f 1 -wi 3 -i 5}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class CoreAppendBenchmark {
  static final int BLOCKS_PER_INVOCATION = 100;
  static final long ROLLOVER = 1L << 20;

  @Param({"100", "4096"})
  int blockSize;

  @Param({"1", "100"})
  int batch;

  private CoreKeyPair keyPair;
  private List<List<byte[]>> batches;
  private CoreWriter writer;

  @Setup(Level.Trial)
  public void blocks() {
    keyPair = CoreKeyPair.fromSeed(BenchCore.KEY_SEED);
    SplittableRandom random = new SplittableRandom(42);
    List<byte[]> blocks = new ArrayList<>(BLOCKS_PER_INVOCATION);
    for (int i = 0; i < BLOCKS_PER_INVOCATION; i++) {
      blocks.add(BenchCore.randomBytes(random, blockSize));
    }
    if (BLOCKS_PER_INVOCATION % batch != 0) {
      throw new IllegalArgumentException("batch must divide " + BLOCKS_PER_INVOCATION);
    }
    batches = BenchCore.partition(blocks, batch);
  }

  @Setup(Level.Iteration)
  public void newCore() {
    writer = CoreWriter.create(keyPair, new InMemoryTreeStore());
  }

  @Benchmark
  @OperationsPerInvocation(BLOCKS_PER_INVOCATION)
  public void append(Blackhole blackhole) {
    if (writer.head().length() >= ROLLOVER) {
      newCore();
    }
    for (List<byte[]> blocks : batches) {
      blackhole.consume(writer.append(blocks));
    }
  }
}
