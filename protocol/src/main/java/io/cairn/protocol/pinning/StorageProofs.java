package io.cairn.protocol.pinning;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.crypto.digests.Blake2bDigest;

/**
 * Both sides of a storage challenge (PINNING.md §3.4): the hoster opens the challenged nodes of its
 * replica, and the cluster checks each opening against the CommR it accepted at sealing. The rule
 * for folding a path is {@link ReplicaTree}'s: at level i the running hash is the left input when
 * bit i of the index is 0, the right input when it is 1.
 */
public final class StorageProofs {
  private static final int NODE = NodeBuffer.NODE_BYTES;

  private StorageProofs() {}

  /** The hoster's answer: node {@code R_idx} and its path, for each index in order. */
  public static StorageAnswer answer(ReplicaTree tree, int[] indices) {
    NodeSource replica = tree.replica();
    List<StorageAnswer.Opening> openings = new ArrayList<>(indices.length);
    for (int index : indices) {
      byte[][] path = tree.path(index);
      byte[] leaf = new byte[NODE];
      replica.read((long) index * NODE, leaf, 0, NODE);
      openings.add(new StorageAnswer.Opening(index, leaf, Arrays.asList(path)));
    }
    return new StorageAnswer(openings);
  }

  /**
   * Whether {@code answer} opens exactly {@code indices}, in order, of a replica of {@code
   * nodeCount} nodes committed to by {@code commR}; stops at the first failing opening.
   */
  public static StorageVerdict verify(
      byte[] commR, int nodeCount, int[] indices, StorageAnswer answer) {
    if (commR.length != NODE) {
      throw new IllegalArgumentException("CommR is 32 bytes, not " + commR.length);
    }
    int depth = ReplicaTree.depthFor(nodeCount);
    for (int index : indices) {
      if (index < 0 || index >= nodeCount) {
        throw new IllegalArgumentException(
            "challenged index " + index + " outside [0, " + nodeCount + ")");
      }
    }
    List<StorageAnswer.Opening> openings = answer.openings();
    if (openings.size() != indices.length) {
      return new StorageVerdict.Invalid(
          Math.min(openings.size(), indices.length),
          -1,
          StorageVerdict.Reason.WRONG_COUNT,
          openings.size() + " openings for " + indices.length + " indices");
    }
    Blake2bDigest digest = new Blake2bDigest(256);
    byte[] running = new byte[NODE];
    for (int position = 0; position < indices.length; position++) {
      StorageAnswer.Opening opening = openings.get(position);
      int index = indices[position];
      StorageVerdict failure = check(opening, position, index, depth, commR, digest, running);
      if (failure != null) {
        return failure;
      }
    }
    return new StorageVerdict.Valid();
  }

  private static StorageVerdict check(
      StorageAnswer.Opening opening,
      int position,
      int index,
      int depth,
      byte[] commR,
      Blake2bDigest digest,
      byte[] running) {
    if (opening.index() != index) {
      return new StorageVerdict.Invalid(
          position,
          index,
          StorageVerdict.Reason.WRONG_INDEX,
          "opens node " + opening.index() + " instead");
    }
    if (opening.leaf().length != NODE) {
      return new StorageVerdict.Invalid(
          position,
          index,
          StorageVerdict.Reason.WRONG_LEAF_LENGTH,
          "leaf of " + opening.leaf().length + " bytes");
    }
    List<byte[]> siblings = opening.siblings();
    if (siblings.size() != depth) {
      return new StorageVerdict.Invalid(
          position,
          index,
          StorageVerdict.Reason.WRONG_PATH_LENGTH,
          siblings.size() + " siblings for a tree of depth " + depth);
    }
    System.arraycopy(opening.leaf(), 0, running, 0, NODE);
    for (int level = 0; level < depth; level++) {
      byte[] sibling = siblings.get(level);
      if (sibling.length != NODE) {
        return new StorageVerdict.Invalid(
            position,
            index,
            StorageVerdict.Reason.WRONG_PATH_LENGTH,
            "sibling at level " + level + " is " + sibling.length + " bytes");
      }
      boolean runningIsLeft = ((index >>> level) & 1) == 0;
      digest.update(runningIsLeft ? running : sibling, 0, NODE);
      digest.update(runningIsLeft ? sibling : running, 0, NODE);
      digest.doFinal(running, 0);
    }
    if (!MessageDigest.isEqual(running, commR)) {
      return new StorageVerdict.Invalid(
          position, index, StorageVerdict.Reason.WRONG_ROOT, "leaf and path do not hash to CommR");
    }
    return null;
  }
}
