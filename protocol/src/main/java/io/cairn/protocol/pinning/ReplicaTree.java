package io.cairn.protocol.pinning;

import org.bouncycastle.crypto.digests.Blake2bDigest;

/**
 * The binary BLAKE2b-256 Merkle tree over a replica {@code R} whose root is {@code CommR}.
 *
 * <p>Rule: the leaves are R's 32-byte nodes themselves (not hashed), padded with all-zero leaves to
 * the next power of two {@code P ≥ N}; a parent is {@code BLAKE2b-256(left ‖ right)}, 64 bytes in;
 * the depth is {@code log2 P} (0 for N = 1, where the root is the only leaf). The padding is never
 * stored: the missing right sibling at level k is the root of an all-zero subtree of height k. No
 * leaf/parent prefix is needed because the verifier knows N, hence the depth of every path.
 *
 * <p>As PINNING.md §3.2 suggests, the hoster keeps only the levels from {@code min(4, depth)} up
 * (about N/8 nodes, 12.5% of R) and recomputes the lowest four from 16 contiguous leaves (512
 * bytes) when it opens a node. Not thread-safe.
 */
public final class ReplicaTree {
  /** Levels recomputed from R per opening rather than stored. */
  static final int RECOMPUTED_LEVELS = 4;

  private static final int NODE = NodeBuffer.NODE_BYTES;

  private final NodeBuffer replica;
  private final int depth;
  private final int groupLevel;
  private final byte[][] storedLevels;
  private final byte[][] zeroSubtrees;
  private final Blake2bDigest digest = new Blake2bDigest(256);
  private final byte[] group;

  private ReplicaTree(NodeBuffer replica) {
    this.replica = replica;
    this.depth = depthFor(replica.nodeCount());
    this.groupLevel = Math.min(RECOMPUTED_LEVELS, depth);
    this.zeroSubtrees = zeroSubtrees(depth);
    this.group = new byte[(1 << groupLevel) * NODE];
    this.storedLevels = new byte[depth - groupLevel + 1][];
    int groups = levelSize(replica.nodeCount(), groupLevel);
    byte[] bottom = new byte[groups * NODE];
    for (int j = 0; j < groups; j++) {
      loadGroup(j);
      reduceGroup(-1, null);
      System.arraycopy(group, 0, bottom, j * NODE, NODE);
    }
    storedLevels[0] = bottom;
    for (int level = groupLevel; level < depth; level++) {
      byte[] below = storedLevels[level - groupLevel];
      int size = below.length / NODE;
      byte[] above = new byte[levelSize(size, 1) * NODE];
      for (int i = 0; i < size; i += 2) {
        byte[] right = i + 1 < size ? below : zeroSubtrees[level];
        int rightOffset = i + 1 < size ? (i + 1) * NODE : 0;
        hashPair(below, i * NODE, right, rightOffset, above, (i / 2) * NODE);
      }
      storedLevels[level - groupLevel + 1] = above;
    }
  }

  /** Builds the tree over {@code replica}, which it keeps a reference to for later openings. */
  public static ReplicaTree build(NodeBuffer replica) {
    return new ReplicaTree(replica);
  }

  /** {@code CommR}, 32 bytes. */
  public byte[] root() {
    return storedLevels[storedLevels.length - 1].clone();
  }

  public int depth() {
    return depth;
  }

  public NodeBuffer replica() {
    return replica;
  }

  /** The depth of the tree over {@code nodeCount} leaves: {@code ceil(log2 nodeCount)}. */
  public static int depthFor(int nodeCount) {
    if (nodeCount < 1) {
      throw new IllegalArgumentException("a tree has at least 1 leaf, not " + nodeCount);
    }
    return 32 - Integer.numberOfLeadingZeros(nodeCount - 1);
  }

  /** The {@link #depth()} siblings of leaf {@code index}, bottom-up. */
  public byte[][] path(int index) {
    if (index < 0 || index >= replica.nodeCount()) {
      throw new IndexOutOfBoundsException(
          "leaf " + index + " outside [0, " + replica.nodeCount() + ")");
    }
    byte[][] siblings = new byte[depth][];
    loadGroup(index >>> groupLevel);
    reduceGroup(index & ((1 << groupLevel) - 1), siblings);
    for (int level = groupLevel; level < depth; level++) {
      byte[] nodes = storedLevels[level - groupLevel];
      int sibling = (index >>> level) ^ 1;
      siblings[level] =
          sibling * NODE < nodes.length
              ? java.util.Arrays.copyOfRange(nodes, sibling * NODE, (sibling + 1) * NODE)
              : zeroSubtrees[level].clone();
    }
    return siblings;
  }

  /** {@code BLAKE2b-256(left ‖ right)} into {@code out}; out may overlap either input. */
  void hashPair(byte[] left, int leftOffset, byte[] right, int rightOffset, byte[] out, int at) {
    digest.update(left, leftOffset, NODE);
    digest.update(right, rightOffset, NODE);
    digest.doFinal(out, at);
  }

  static byte[][] zeroSubtrees(int depth) {
    Blake2bDigest digest = new Blake2bDigest(256);
    byte[][] zeros = new byte[depth + 1][];
    zeros[0] = new byte[NODE];
    for (int level = 0; level < depth; level++) {
      zeros[level + 1] = new byte[NODE];
      digest.update(zeros[level], 0, NODE);
      digest.update(zeros[level], 0, NODE);
      digest.doFinal(zeros[level + 1], 0);
    }
    return zeros;
  }

  private static int levelSize(int size, int levels) {
    return (int) (((long) size + (1L << levels) - 1) >>> levels);
  }

  private void loadGroup(int groupIndex) {
    long first = (long) groupIndex << groupLevel;
    int present = (int) Math.min(1L << groupLevel, replica.nodeCount() - first);
    replica.read(first * NODE, group, 0, present * NODE);
    java.util.Arrays.fill(group, present * NODE, group.length, (byte) 0);
  }

  /**
   * Folds the loaded group to its root in {@code group[0, 32)}; when {@code position ≥ 0}, records
   * the siblings of that leaf on the way up into {@code siblings[0, groupLevel)}.
   */
  private void reduceGroup(int position, byte[][] siblings) {
    for (int level = 0, width = 1 << groupLevel; level < groupLevel; level++, width >>>= 1) {
      if (position >= 0) {
        int sibling = (position >>> level) ^ 1;
        siblings[level] = java.util.Arrays.copyOfRange(group, sibling * NODE, (sibling + 1) * NODE);
      }
      for (int i = 0; i < width; i += 2) {
        hashPair(group, i * NODE, group, (i + 1) * NODE, group, (i / 2) * NODE);
      }
    }
  }
}
