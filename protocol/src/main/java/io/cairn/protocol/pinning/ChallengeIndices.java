package io.cairn.protocol.pinning;

import io.cairn.protocol.hypercore.Blake2b;
import java.nio.ByteBuffer;

/**
 * The nodes a storage-challenge round asks for (PINNING.md §3.4), replayable by anyone holding the
 * revealed epoch secret:
 *
 * <pre>
 * seed_r = BLAKE2b-256( epochSecret (32) ‖ replicaId (32) ‖ u64be(roundNo) )
 * idx_j  = u64be( BLAKE2b-256( seed_r ‖ u32be(j) )[0, 8) ) mod N      for j = 1..k
 * </pre>
 *
 * The remainder is taken over the unsigned 64-bit value; its bias is below N / 2^64, under 2^-37
 * for the 4 GiB cap. Indices are drawn with replacement, so a round may repeat one; the detection
 * figures of §1 assume exactly that.
 */
public final class ChallengeIndices {
  /** Bytes in an epoch secret. */
  public static final int SECRET_LENGTH = 32;

  private ChallengeIndices() {}

  /** The {@code k} indices of round {@code roundNo} of a replica of {@code nodeCount} nodes. */
  public static int[] derive(
      byte[] epochSecret, ReplicaId replicaId, long roundNo, int k, int nodeCount) {
    if (epochSecret.length != SECRET_LENGTH) {
      throw new IllegalArgumentException("an epoch secret is 32 bytes, not " + epochSecret.length);
    }
    if (k < 1) {
      throw new IllegalArgumentException("a round asks for at least 1 index, not " + k);
    }
    if (nodeCount < 1) {
      throw new IllegalArgumentException("a replica has at least 1 node, not " + nodeCount);
    }
    if (roundNo < 0) {
      throw new IllegalArgumentException("round numbers are not negative: " + roundNo);
    }
    byte[] seed =
        Blake2b.hash(
            epochSecret, replicaId.bytes(), ByteBuffer.allocate(8).putLong(roundNo).array());
    int[] indices = new int[k];
    for (int j = 1; j <= k; j++) {
      byte[] draw = Blake2b.hash(seed, ByteBuffer.allocate(4).putInt(j).array());
      long value = ByteBuffer.wrap(draw, 0, 8).getLong();
      indices[j - 1] = (int) Long.remainderUnsigned(value, nodeCount);
    }
    return indices;
  }
}
