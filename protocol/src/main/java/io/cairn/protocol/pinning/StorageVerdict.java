package io.cairn.protocol.pinning;

/**
 * What {@link StorageProofs#verify} found: the answer holds, or the first opening that does not.
 */
public sealed interface StorageVerdict {
  boolean valid();

  /** Every opening is the challenged node of a replica with this CommR. */
  record Valid() implements StorageVerdict {
    @Override
    public boolean valid() {
      return true;
    }
  }

  /**
   * Opening {@code position} (0-based, in challenge order), for challenged node {@code index},
   * fails for {@code reason}; {@code detail} says how, for the log.
   */
  record Invalid(int position, long index, Reason reason, String detail) implements StorageVerdict {
    @Override
    public boolean valid() {
      return false;
    }
  }

  /** Why an opening fails. */
  enum Reason {
    /** The answer has a different number of openings than indices were asked. */
    WRONG_COUNT,
    /** The opening is for another node than the one challenged at its position. */
    WRONG_INDEX,
    /** The leaf is not 32 bytes. */
    WRONG_LEAF_LENGTH,
    /** The path does not have one sibling per tree level, or a sibling is not 32 bytes. */
    WRONG_PATH_LENGTH,
    /** Leaf and path do not hash to CommR: the leaf or a sibling is not the replica's. */
    WRONG_ROOT
  }
}
