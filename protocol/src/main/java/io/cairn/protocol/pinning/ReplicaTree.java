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
 * bytes) when it opens a node. The kept levels are one array of nodes, {@link #levels()}, level
 * {@code min(4, depth)} first and the root last, so that a hoster can write them to disk beside R
 * and {@link #open} the tree from there: a 4 GiB sector's tree is then read per opening, never held
 * in the heap. Not thread-safe.
 */
public final class ReplicaTree {
  /** Levels recomputed from R per opening rather than stored. */
  static final int RECOMPUTED_LEVELS = 4;

  private static final int NODE = NodeBuffer.NODE_BYTES;

  private final NodeSource replica;
  private final NodeSource levels;
  private final int depth;
  private final int groupLevel;
  // node offset in levels, and node count, of each kept level, from groupLevel up
  private final int[] levelStart;
  private final int[] levelSize;
  private final byte[][] zeroSubtrees;
  private final Blake2bDigest digest = new Blake2bDigest(256);
  private final byte[] group;

  private ReplicaTree(NodeSource replica, NodeSource levels) {
    this.replica = replica;
    this.levels = levels;
    this.depth = depthFor(replica.nodeCount());
    this.groupLevel = Math.min(RECOMPUTED_LEVELS, depth);
    this.zeroSubtrees = zeroSubtrees(depth);
    this.group = new byte[(1 << groupLevel) * NODE];
    this.levelStart = new int[depth - groupLevel + 1];
    this.levelSize = new int[depth - groupLevel + 1];
    int start = 0;
    int size = levelSize(replica.nodeCount(), groupLevel);
    for (int i = 0; i < levelSize.length; i++) {
      levelStart[i] = start;
      levelSize[i] = size;
      start += size;
      size = levelSize(size, 1);
    }
  }

  /**
   * Builds the tree over {@code replica}, which it keeps a reference to for later openings; its
   * kept levels are computed into the heap.
   */
  public static ReplicaTree build(NodeSource replica) {
    NodeBuffer levels = NodeBuffer.allocate(keptNodeCount(replica.nodeCount()));
    ReplicaTree tree = new ReplicaTree(replica, levels);
    tree.computeLevels(levels);
    return tree;
  }

  /**
   * The tree over {@code replica} whose kept levels are {@code levels}, as {@link #levels()} gave
   * them for the same replica; nothing is read until a node is opened.
   */
  public static ReplicaTree open(NodeSource replica, NodeSource levels) {
    int expected = keptNodeCount(replica.nodeCount());
    if (levels.nodeCount() != expected) {
      throw new IllegalArgumentException(
          "the tree of "
              + replica.nodeCount()
              + " leaves keeps "
              + expected
              + " nodes, not "
              + levels.nodeCount());
    }
    return new ReplicaTree(replica, levels);
  }

  /** The number of nodes the tree over {@code nodeCount} leaves keeps in {@link #levels()}. */
  public static int keptNodeCount(int nodeCount) {
    int depth = depthFor(nodeCount);
    int groupLevel = Math.min(RECOMPUTED_LEVELS, depth);
    long total = 0;
    for (int size = levelSize(nodeCount, groupLevel), level = groupLevel;
        level <= depth;
        level++, size = levelSize(size, 1)) {
      total += size;
    }
    return Math.toIntExact(total);
  }

  /** {@code CommR}, 32 bytes. */
  public byte[] root() {
    byte[] root = new byte[NODE];
    levels.read((long) (levels.nodeCount() - 1) * NODE, root, 0, NODE);
    return root;
  }

  public int depth() {
    return depth;
  }

  public NodeSource replica() {
    return replica;
  }

  /** The kept levels, {@link #keptNodeCount} nodes from level {@code min(4, depth)} to the root. */
  public NodeSource levels() {
    return levels;
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
      int kept = level - groupLevel;
      int sibling = (index >>> level) ^ 1;
      if (sibling < levelSize[kept]) {
        siblings[level] = new byte[NODE];
        levels.read((long) (levelStart[kept] + sibling) * NODE, siblings[level], 0, NODE);
      } else {
        siblings[level] = zeroSubtrees[level].clone();
      }
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

  private void computeLevels(NodeBuffer into) {
    for (int j = 0; j < levelSize[0]; j++) {
      loadGroup(j);
      reduceGroup(-1, null);
      into.writeNode(j, group, 0);
    }
    byte[] pair = new byte[2 * NODE];
    for (int kept = 0; kept + 1 < levelSize.length; kept++) {
      int level = groupLevel + kept;
      for (int i = 0; i < levelSize[kept]; i += 2) {
        into.readNode(levelStart[kept] + i, pair, 0);
        if (i + 1 < levelSize[kept]) {
          into.readNode(levelStart[kept] + i + 1, pair, NODE);
        } else {
          System.arraycopy(zeroSubtrees[level], 0, pair, NODE, NODE);
        }
        hashPair(pair, 0, pair, NODE, pair, 0);
        into.writeNode(levelStart[kept + 1] + i / 2, pair, 0);
      }
    }
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
