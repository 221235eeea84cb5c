package io.cairn.bench.hypercore;

import io.cairn.protocol.hypercore.CoreIdentity;
import io.cairn.protocol.hypercore.Proof;
import io.cairn.protocol.hypercore.ProofBuilder;
import io.cairn.protocol.hypercore.ProofRequest;
import io.cairn.protocol.hypercore.ProofVerifier;
import io.cairn.protocol.hypercore.TreeHead;
import io.cairn.protocol.hypercore.VerificationResult;
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
 * Proof verification by {@link ProofVerifier}, which is given only the core's identity (its
 * manifest, hence its key), against a core of {@code length} blocks of {@code blockSize} bytes:
 *
 * <ul>
 *   <li>{@code fullProof}: a block proof with an upgrade from 0, checked against {@link
 *       TreeHead#EMPTY}: the block is hashed and folded with its uncles, the upgrade nodes build
 *       the roots, the tree hash is computed and the Ed25519 signature checked. The {@value
 *       #PROOFS} proofs are signed at {@value #PROOFS} different lengths (the last {@value #PROOFS}
 *       heads of the core), so each verification checks a signature over a different tree.
 *   <li>{@code fullProofSameHead}: the same, but all proofs are upgrades to one head (different
 *       blocks), as when several peers send the same upgrade: the verifier remembers the last
 *       signature it verified, so after the first one this is hashing plus a 180-byte comparison.
 *       Not a measure of signature checking; it shows what the cache saves.
 *   <li>{@code trustedBlock}: a block proof with its uncles up to a root, checked against the
 *       signed head the verifier has already accepted (from an upgrade proof verified once during
 *       set-up): hashing only, no Ed25519.
 * </ul>
 *
 * Every proof is verified once during set-up and must be accepted. One operation is one proof.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar ProofVerifyBenchmark -f 1 -wi 3 -i 5} (add
 * {@code -p blockSize=100} for small blocks)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class ProofVerifyBenchmark {
  private static final int PROOFS = 1024;

  @Param({"100000"})
  int length;

  @Param({"1024"})
  int blockSize;

  private ProofVerifier verifier;
  private TreeHead trusted;
  private Proof[] fullProofs;
  private Proof[] sameHeadProofs;
  private Proof[] blockProofs;
  private int next;

  @Setup(Level.Trial)
  public void proofs() {
    BenchCore core = BenchCore.build(length, blockSize, PROOFS, 1);
    ProofBuilder builder = new ProofBuilder(core.writer.store());
    verifier = new ProofVerifier(CoreIdentity.of(core.writer.identity().manifest()));
    SplittableRandom random = new SplittableRandom(11);

    fullProofs = new Proof[PROOFS];
    for (int i = 0; i < PROOFS; i++) {
      TreeHead head = core.heads[i];
      long index = random.nextLong(head.length());
      fullProofs[i] =
          builder.build(
              head,
              ProofRequest.blockAndUpgrade(index, 0, head.length()),
              core.blocks[(int) index]);
      accepted(verifier.verify(fullProofs[i], TreeHead.EMPTY));
    }

    TreeHead head = core.head();
    sameHeadProofs = new Proof[PROOFS];
    for (int i = 0; i < PROOFS; i++) {
      long index = random.nextLong(head.length());
      sameHeadProofs[i] =
          builder.build(
              head,
              ProofRequest.blockAndUpgrade(index, 0, head.length()),
              core.blocks[(int) index]);
      accepted(verifier.verify(sameHeadProofs[i], TreeHead.EMPTY));
    }

    trusted =
        accepted(
            verifier.verify(
                builder.build(head, ProofRequest.upgrade(0, head.length()), null), TreeHead.EMPTY));
    blockProofs = new Proof[PROOFS];
    for (int i = 0; i < PROOFS; i++) {
      long index = random.nextLong(head.length());
      blockProofs[i] =
          builder.build(
              head,
              ProofRequest.block(index, BenchCore.unclesToRoot(index, head.length())),
              core.blocks[(int) index]);
      accepted(verifier.verify(blockProofs[i], trusted));
    }
  }

  @Benchmark
  public VerificationResult fullProof() {
    return verifier.verify(fullProofs[next++ & (PROOFS - 1)], TreeHead.EMPTY);
  }

  @Benchmark
  public VerificationResult fullProofSameHead() {
    return verifier.verify(sameHeadProofs[next++ & (PROOFS - 1)], TreeHead.EMPTY);
  }

  @Benchmark
  public VerificationResult trustedBlock() {
    return verifier.verify(blockProofs[next++ & (PROOFS - 1)], trusted);
  }

  private static TreeHead accepted(VerificationResult result) {
    if (!(result instanceof VerificationResult.Accepted accepted)) {
      throw new IllegalStateException("set-up proof refused: " + result);
    }
    return accepted.head();
  }
}
