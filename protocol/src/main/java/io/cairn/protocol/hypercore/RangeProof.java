package io.cairn.protocol.hypercore;

import java.util.Arrays;
import java.util.List;

/**
 * Several consecutive blocks proven at once against the roots of one signed length.
 *
 * @param fork fork id of the proven tree
 * @param length the signed length
 * @param start index of the first block
 * @param values the blocks {@code start, start + 1, ...}
 * @param nodes the subtrees of the roots wholly outside the range, depth-first, left to right
 * @param signature stored signature form for (roots, length, fork); may be {@code null} when the
 *     receiver already trusts that length
 */
public record RangeProof(
    long fork,
    long length,
    long start,
    List<byte[]> values,
    List<TreeNode> nodes,
    byte[] signature) {
  public RangeProof {
    values = List.copyOf(values);
    nodes = List.copyOf(nodes);
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof RangeProof p)
        || p.fork != fork
        || p.length != length
        || p.start != start
        || p.values.size() != values.size()
        || !p.nodes.equals(nodes)
        || !Arrays.equals(p.signature, signature)) {
      return false;
    }
    for (int i = 0; i < values.size(); i++) {
      if (!Arrays.equals(p.values.get(i), values.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(start) * 31 + nodes.hashCode();
  }
}
