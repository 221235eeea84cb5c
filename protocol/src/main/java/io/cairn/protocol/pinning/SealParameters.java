package io.cairn.protocol.pinning;

/**
 * How much work a seal costs and how large a sector may be (PINNING.md §3.2). The number of layers
 * is {@code L = max(minLayers, ceil(opsMin / N))}: the floor on layers keeps the graph deep enough
 * to be depth-robust, and the floor on label hashes keeps small sectors as slow to regenerate as
 * large ones. Every replica and its witness must be sealed with the same parameters, or their
 * {@code CommR} differ.
 *
 * @param minLayers the least number of label layers, at least 1
 * @param opsMin the least number of label hashes per seal, at least 0
 * @param sectorCapBytes the largest layout {@code D} in bytes, a positive multiple of 32 of at most
 *     2^31 − 1 nodes
 */
public record SealParameters(int minLayers, long opsMin, long sectorCapBytes) {
  /**
   * L ≥ 8, a 4 GiB sector cap, and OPS_MIN = 6.4·10^8 label hashes. The design asks for an honest
   * seal of at least 10 minutes on one JDK thread, and wrote 4·10^8 from 1.5 µs per label; these
   * labels take 0.97 µs here (SealBench, docs/benchmarks.md), so 6.4·10^8 keeps the 10 minutes.
   */
  public static final SealParameters PRODUCTION = new SealParameters(8, 640_000_000L, 4L << 30);

  public SealParameters {
    if (minLayers < 1) {
      throw new IllegalArgumentException("minLayers must be at least 1, not " + minLayers);
    }
    if (opsMin < 0) {
      throw new IllegalArgumentException("opsMin must not be negative, not " + opsMin);
    }
    if (sectorCapBytes < NodeBuffer.NODE_BYTES
        || sectorCapBytes % NodeBuffer.NODE_BYTES != 0
        || sectorCapBytes / NodeBuffer.NODE_BYTES > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "sectorCapBytes must be a positive multiple of 32 of at most 2^31 - 1 nodes, not "
              + sectorCapBytes);
    }
  }

  /** The number of layers a sector of {@code nodeCount} nodes is sealed with. */
  public int layersFor(int nodeCount) {
    if (nodeCount < 1) {
      throw new IllegalArgumentException("a sector has at least 1 node, not " + nodeCount);
    }
    long forOps = (opsMin + nodeCount - 1) / nodeCount;
    if (forOps > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          opsMin + " label hashes over " + nodeCount + " nodes need too many layers");
    }
    return Math.max(minLayers, (int) forOps);
  }
}
