package io.cairn.protocol.pinning;

/**
 * Filecoin's bucket-sampling DRG ({@code storage-proofs-core/src/drgraph.rs}, {@code BucketGraph},
 * after Alwen–Blocki–Pietrzak's DRSample), node for node:
 *
 * <ul>
 *   <li>nodes 0 and 1 have all parents 0 (Filecoin hashes no parent at all for node 0);
 *   <li>for node v ≥ 2, a ChaCha8 stream keyed by {@code seed[0, 28) ‖ u32le(v)} draws five parents
 *       in the metagraph of {@code 5v} nodes: bucket {@code b = 1 + r₁ mod ceil(log2(5v))},
 *       distance {@code d} uniform in {@code [max(2, min(5v, 2^b) / 2), min(5v, 2^b)]} by {@code
 *       r₂}, parent {@code (5v − d) / 5}; the sixth parent is {@code v − 1}.
 * </ul>
 *
 * <p>Filecoin computes {@code ceil(log2)} in floating point; here it is exact integer arithmetic,
 * which gives the same value for every metagraph size below 2^45 (far above the 4 GiB cap's
 * 5·2^27). The seed is derived as in {@link StackedGraph}.
 */
final class BucketGraph {
  private static final int SAMPLED = StackedGraph.DRG_DEGREE - 1;

  private final byte[] seed28;

  BucketGraph(byte[] seed) {
    this.seed28 = java.util.Arrays.copyOf(seed, 28);
  }

  int parents(int node, int[] out, StackedGraph.Scratch scratch) {
    if (node == 0) {
      return 0;
    }
    if (node == 1) {
      for (int i = 0; i < StackedGraph.DRG_DEGREE; i++) {
        out[i] = 0;
      }
      return StackedGraph.DRG_DEGREE;
    }
    byte[] key = scratch.key;
    System.arraycopy(seed28, 0, key, 0, 28);
    key[28] = (byte) node;
    key[29] = (byte) (node >>> 8);
    key[30] = (byte) (node >>> 16);
    key[31] = (byte) (node >>> 24);
    ChaCha8Stream stream = scratch.stream;
    stream.reset(key, 0);
    long metagraphNode = (long) node * SAMPLED;
    long buckets = 64 - Long.numberOfLeadingZeros(metagraphNode - 1);
    for (int i = 0; i < SAMPLED; i++) {
      long bucket = Long.remainderUnsigned(stream.nextLong(), buckets) + 1;
      long largest = Math.min(metagraphNode, 1L << bucket);
      long smallest = Math.max(2, largest >>> 1);
      long distances = largest - smallest + 1;
      long distance = smallest + Long.remainderUnsigned(stream.nextLong(), distances);
      int parent = (int) ((metagraphNode - distance) / SAMPLED);
      out[i] = parent == node ? node - 1 : parent;
    }
    out[SAMPLED] = node - 1;
    return StackedGraph.DRG_DEGREE;
  }
}
