package io.cairn.protocol.pinning;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The parents of every node of the stacked graph the seal walks (PINNING.md §3.2): within a layer a
 * depth-robust graph of {@value #DRG_DEGREE} parents per node ({@link BucketGraph}), between layers
 * an expander of {@value #EXPANDER_DEGREE} parents per node in the previous layer ({@link
 * FeistelExpander}). It depends only on the node count and the constant {@link #POREP_ID}, so every
 * replica of one size is sealed over the same graph and the witness needs no input from the hoster.
 * Parents are computed per node and never stored, so memory stays at the two label layers.
 * Immutable; the parent methods are safe to call from several threads only with their own scratch.
 *
 * <p>Seeds follow Filecoin's {@code derive_porep_domain_seed}: SHA-256 of an ASCII tag followed by
 * the 32-byte PorepID. Cairn's tags are {@code "cairn/drg/v1"} and {@code "cairn/feistel/v1"}
 * (Filecoin's are {@code Filecoin_DRSample} and {@code Filecoin_Feistel}), and its PorepID is
 * SHA-256 of {@code "cairn/porep/sdr-lite/v1"} (Filecoin's encodes the registered proof type).
 */
public final class StackedGraph {
  /** Parents within a layer, the previous node among them. */
  public static final int DRG_DEGREE = 6;

  /** Parents in the previous layer, for every layer but the first. */
  public static final int EXPANDER_DEGREE = 8;

  /** The graph's constant seed: SHA-256("cairn/porep/sdr-lite/v1"). */
  public static final byte[] POREP_ID = sha256(ascii("cairn/porep/sdr-lite/v1"));

  private final int nodeCount;
  private final BucketGraph drg;
  private final FeistelExpander expander;

  private StackedGraph(int nodeCount) {
    this.nodeCount = nodeCount;
    byte[] drgSeed = sha256(ascii("cairn/drg/v1"), POREP_ID);
    byte[] feistelSeed = sha256(ascii("cairn/feistel/v1"), POREP_ID);
    this.drg = new BucketGraph(drgSeed);
    this.expander = new FeistelExpander(nodeCount, feistelSeed);
  }

  /** The graph for sectors of {@code nodeCount} nodes. */
  public static StackedGraph forNodes(int nodeCount) {
    if (nodeCount < 1) {
      throw new IllegalArgumentException("a graph has at least 1 node, not " + nodeCount);
    }
    return new StackedGraph(nodeCount);
  }

  public int nodeCount() {
    return nodeCount;
  }

  /** Scratch a caller passes to the parent methods; one per thread. */
  public static final class Scratch {
    final ChaCha8Stream stream = new ChaCha8Stream();
    final byte[] key = new byte[32];
  }

  /**
   * Writes the {@value #DRG_DEGREE} DRG parents of {@code node} into {@code out} and returns how
   * many there are: none for node 0, six copies of node 0 for node 1, otherwise five sampled
   * parents below {@code node} followed by {@code node − 1}. Parents may repeat.
   */
  public int drgParents(int node, int[] out, Scratch scratch) {
    checkNode(node);
    return drg.parents(node, out, scratch);
  }

  /**
   * Writes the {@value #EXPANDER_DEGREE} expander parents of {@code node} (nodes of the previous
   * layer, anywhere in {@code [0, N)}, possibly repeated) into {@code out}.
   */
  public void expanderParents(int node, int[] out) {
    checkNode(node);
    expander.parents(node, out);
  }

  private void checkNode(int node) {
    if (node < 0 || node >= nodeCount) {
      throw new IndexOutOfBoundsException("node " + node + " outside [0, " + nodeCount + ")");
    }
  }

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (byte[] part : parts) {
        digest.update(part);
      }
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
