package io.cairn.protocol.hypercore;

import java.util.List;

/**
 * The three Merkle hash rules of Hypercore. One instance reuses one BLAKE2b-256 state and one
 * scratch buffer, so it is not thread-safe: give each writer, builder or verifier its own.
 */
public final class MerkleHasher {
  static final byte LEAF_TYPE = 0;
  static final byte PARENT_TYPE = 1;
  static final byte ROOT_TYPE = 2;

  private final Blake2b.Digest digest = new Blake2b.Digest();
  // One BLAKE2b block: the 73-byte parent input is hashed in place from it, so bytes 73 to 127
  // are never written and stay zero; the leaf header and root entries use a shorter prefix.
  private final byte[] scratch = new byte[128];

  /**
   * Hash of a block: {@code BLAKE2b-256(0x00 || u64le(n) || data)} for a block of {@code n} bytes,
   * {@code 9 + n} bytes in. An empty block is valid.
   */
  public byte[] leafHash(byte[] data) {
    byte[] out = new byte[Blake2b.HASH_LENGTH];
    leafHash(data, out);
    return out;
  }

  /** {@link #leafHash(byte[])} into {@code out}. */
  void leafHash(byte[] data, byte[] out) {
    scratch[0] = LEAF_TYPE;
    putU64(scratch, 1, data.length);
    digest.update(scratch, 0, 9);
    digest.update(data, 0, data.length);
    digest.doFinal(out, 0);
  }

  /** The leaf node of block {@code blockIndex}: flat index {@code 2 * blockIndex}. */
  public TreeNode leaf(long blockIndex, byte[] data) {
    return new TreeNode(2 * blockIndex, data.length, leafHash(data));
  }

  /**
   * The parent of two sibling nodes, either order: {@code BLAKE2b-256(0x01 || u64le(a.size +
   * b.size) || a.hash || b.hash)}, 73 bytes in, where {@code a} is the child with the smaller flat
   * index.
   */
  public TreeNode parent(TreeNode x, TreeNode y) {
    TreeNode left = x.index() < y.index() ? x : y;
    TreeNode right = left == x ? y : x;
    long size = left.size() + right.size();
    byte[] hash = new byte[Blake2b.HASH_LENGTH];
    parentHash(left.hash(), right.hash(), size, hash);
    return new TreeNode(FlatTree.parent(left.index()), size, hash);
  }

  /**
   * The parent hash rule on bare hashes, for callers that fold a path without building a node per
   * level: writes into {@code out}, which may be one of the inputs.
   */
  void parentHash(byte[] leftHash, byte[] rightHash, long size, byte[] out) {
    scratch[0] = PARENT_TYPE;
    putU64(scratch, 1, size);
    System.arraycopy(leftHash, 0, scratch, 9, 32);
    System.arraycopy(rightHash, 0, scratch, 41, 32);
    digest.hashBlock(scratch, 73, out, 0);
  }

  /**
   * The tree hash (root hash) of the roots of a tree, left to right: {@code BLAKE2b-256(0x02 || for
   * each root: hash (32) || u64le(index) || u64le(size))}, {@code 1 + 48k} bytes in. It is never a
   * node hash, even for a single root.
   */
  public byte[] treeHash(List<TreeNode> roots) {
    digest.update(ROOT_TYPE);
    for (int i = 0; i < roots.size(); i++) {
      TreeNode root = roots.get(i);
      digest.update(root.hash(), 0, 32);
      putU64(scratch, 0, root.index());
      putU64(scratch, 8, root.size());
      digest.update(scratch, 0, 16);
    }
    return finish();
  }

  private byte[] finish() {
    byte[] out = new byte[Blake2b.HASH_LENGTH];
    digest.doFinal(out, 0);
    return out;
  }

  static void putU64(byte[] buffer, int offset, long value) {
    for (int i = 0; i < 8; i++) {
      buffer[offset + i] = (byte) (value >>> (8 * i));
    }
  }
}
