package io.cairn.protocol.hypercore;

import java.util.ArrayList;
import java.util.List;

/**
 * Blocks a writer appended at once and its signature over the tree after them: what a writer sends
 * a node that stores its core. {@code roots} may be empty (the node computes them anyway).
 */
public record SignedBatch(
    long fork, long start, List<byte[]> blocks, List<TreeNode> roots, byte[] signature) {
  public SignedBatch {
    blocks = List.copyOf(blocks);
    roots = List.copyOf(roots);
  }

  /**
   * The batch that took a writer from {@code start} blocks to {@code head} by appending {@code
   * blocks}.
   */
  public static SignedBatch of(TreeHead head, List<byte[]> blocks) {
    return new SignedBatch(
        head.fork(),
        head.length() - blocks.size(),
        new ArrayList<>(blocks),
        head.roots(),
        head.signature());
  }

  public long byteLength() {
    long total = 0;
    for (byte[] block : blocks) {
      total += block.length;
    }
    return total;
  }
}
