package io.cairn.protocol.hypercore;

/** Why a proof was refused. Each value names the first check that failed. */
public enum RejectReason {
  /** The bytes are not a valid encoding of a proof. */
  MALFORMED,
  /** The proof carries neither a block nor an upgrade. */
  EMPTY_PROOF,
  /** The proof's fork id is not the trusted one and no upgrade justifies a new fork. */
  FORK_MISMATCH,
  /** The upgrade's fork id is older than the trusted one. */
  STALE_FORK,
  /** The upgrade does not start where the trusted tree ends (or at 0 for a new fork). */
  UPGRADE_START_MISMATCH,
  /** A length of zero, or beyond {@link FlatTree#MAX_LENGTH}. */
  INVALID_LENGTH,
  /** The block lies outside the tree the proof establishes. */
  BLOCK_OUT_OF_RANGE,
  /** A node has a flat index other than the one the tree shape requires at that place. */
  UNEXPECTED_NODE,
  /** The upgrade ran out of nodes before all roots were built. */
  MISSING_NODE,
  /** Nodes were left over after all roots were built. */
  EXTRA_NODES,
  /** The block's path ends at a node the verifier neither rebuilt nor trusts. */
  BLOCK_NOT_CONNECTED,
  /** The block's path ends at a trusted node but hashes to something else. */
  HASH_MISMATCH,
  /** The signature is missing or is not a valid signature record. */
  SIGNATURE_MALFORMED,
  /** A multisig entry names an unknown or repeated signer, or too few signed. */
  SIGNER_INVALID,
  /** The signature record carries a patch, which this verifier does not accept. */
  PATCH_NOT_SUPPORTED,
  /** Ed25519 verification failed: the signed tree is not the one the proof describes. */
  SIGNATURE_INVALID
}
