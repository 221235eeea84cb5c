package io.cairn.core;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.hypercore.FlatTree;
import io.cairn.protocol.hypercore.Proof;
import io.cairn.protocol.hypercore.ProofBuilder;
import io.cairn.protocol.hypercore.ProofRequest;
import io.cairn.protocol.hypercore.RangeProof;
import io.cairn.protocol.hypercore.TreeHead;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The proofs a registered {@link Core} answers reads with, built from its state: each either a
 * proof a reader checks against the writer's signature, or a refusal saying which bound was passed.
 */
final class CoreProofs {
  private CoreProofs() {}

  /**
   * Block {@code index} with what a reader who trusts the first {@code trustedLength} blocks needs
   * to check it, including the upgrade to the current length when it trusts fewer.
   */
  static Proof block(Core.State state, long index, long trustedLength) {
    TreeHead head = state.head();
    if (index < 0 || index >= head.length()) {
      throw new Rejection(
          ErrorCode.BLOCK_NOT_FOUND,
          "block " + index + " does not exist: the core has " + head.length() + " blocks");
    }
    if (trustedLength < 0 || trustedLength > head.length()) {
      throw new Rejection(
          ErrorCode.INVALID_RANGE,
          "trusted length " + trustedLength + " is beyond the core's " + head.length() + " blocks");
    }
    // a block inside the reader's trusted tree needs its uncles up to a root the reader holds
    int uncles = index < trustedLength ? unclesToRoot(index, trustedLength) : 0;
    ProofRequest request =
        trustedLength == head.length()
            ? ProofRequest.block(index, uncles)
            : new ProofRequest(
                new ProofRequest.Block(index, uncles),
                new ProofRequest.Upgrade(trustedLength, head.length() - trustedLength));
    return new ProofBuilder(state.tree().store()).build(head, request, new byte[0]);
  }

  /**
   * How many steps lead from block {@code index}'s leaf up to its root in a tree of {@code length}
   * blocks.
   */
  static int unclesToRoot(long index, long length) {
    long[] roots = FlatTree.fullRoots(length);
    long node = 2 * index;
    int steps = 0;
    while (Arrays.binarySearch(roots, node) < 0) {
      node = FlatTree.parent(node);
      steps++;
    }
    return steps;
  }

  /** The tree nodes proving blocks [start, end) at the current length; at most {@code max}. */
  static RangeProof range(Core.State state, long start, long end, int max) {
    TreeHead head = state.head();
    if (start < 0 || end <= start || end > head.length()) {
      throw new Rejection(
          ErrorCode.INVALID_RANGE,
          "blocks "
              + start
              + " to "
              + end
              + " are not a range of the core's "
              + head.length()
              + " blocks");
    }
    if (end - start > max) {
      throw new Rejection(ErrorCode.INVALID_RANGE, "a range holds at most " + max + " blocks");
    }
    List<byte[]> placeholders = Collections.nCopies((int) (end - start), new byte[0]);
    return new ProofBuilder(state.tree().store()).buildRange(head, start, placeholders);
  }

  /** How the signed tree at length {@code from} grew into the signed tree at {@code to}. */
  static Proof upgrade(Core.State state, long from, long to) {
    byte[] signature = state.signatureAt(to);
    if (signature == null) {
      throw new Rejection(
          ErrorCode.INVALID_RANGE,
          "length "
              + to
              + " was never signed; signed lengths end each appended batch, the latest is "
              + state.head().length());
    }
    if (from < 0 || from >= to) {
      throw new Rejection(
          ErrorCode.INVALID_RANGE, "cannot upgrade from length " + from + " to " + to);
    }
    TreeHead head = state.headAt(state.head().fork(), to, signature);
    return new ProofBuilder(state.tree().store())
        .build(head, ProofRequest.upgrade(from, to - from), null);
  }
}
