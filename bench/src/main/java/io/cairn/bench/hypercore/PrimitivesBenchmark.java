package io.cairn.bench.hypercore;

import io.cairn.protocol.hypercore.CoreKeyPair;
import io.cairn.protocol.hypercore.MerkleHasher;
import io.cairn.protocol.hypercore.TreeNode;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor under the Hypercore benchmarks: BouncyCastle's Ed25519 sign and verify of a 112-byte
 * tree signable; BouncyCastle's BLAKE2b-256 over a 73-byte parent input and a 1 KiB block; and the
 * same two hashes through {@link MerkleHasher} (Cairn's own BLAKE2b, plus the node objects). A full
 * proof verification cannot beat {@code ed25519Verify}; a trusted block verification is roughly one
 * {@code merkleLeaf1KiB} plus one {@code merkleParent} per tree level.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar PrimitivesBenchmark -f 1 -wi 3 -i 5}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class PrimitivesBenchmark {
  private CoreKeyPair keyPair;
  private Ed25519PublicKeyParameters publicKey;
  private byte[] signable;
  private byte[] signature;
  private byte[] parentInput;
  private byte[] block;
  private TreeNode left;
  private TreeNode right;
  private final Blake2bDigest digest = new Blake2bDigest(256);
  private final MerkleHasher hasher = new MerkleHasher();
  private final byte[] out = new byte[32];

  @Setup(Level.Trial)
  public void keys() {
    keyPair = CoreKeyPair.fromSeed(BenchCore.KEY_SEED);
    publicKey = new Ed25519PublicKeyParameters(keyPair.publicKey(), 0);
    SplittableRandom random = new SplittableRandom(3);
    signable = BenchCore.randomBytes(random, 112);
    signature = keyPair.sign(signable);
    parentInput = BenchCore.randomBytes(random, 73);
    block = BenchCore.randomBytes(random, 1024);
    left = hasher.leaf(0, BenchCore.randomBytes(random, 100));
    right = hasher.leaf(1, BenchCore.randomBytes(random, 100));
  }

  @Benchmark
  public byte[] ed25519Sign() {
    return keyPair.sign(signable);
  }

  @Benchmark
  public boolean ed25519Verify() {
    return publicKey.verify(
        Ed25519.Algorithm.Ed25519, null, signable, 0, signable.length, signature, 0);
  }

  @Benchmark
  public byte[] blake2bParent() {
    digest.update(parentInput, 0, parentInput.length);
    digest.doFinal(out, 0);
    return out;
  }

  @Benchmark
  public byte[] blake2b1KiB() {
    digest.update(block, 0, block.length);
    digest.doFinal(out, 0);
    return out;
  }

  @Benchmark
  public TreeNode merkleParent() {
    return hasher.parent(left, right);
  }

  @Benchmark
  public byte[] merkleLeaf1KiB() {
    return hasher.leafHash(block);
  }
}
