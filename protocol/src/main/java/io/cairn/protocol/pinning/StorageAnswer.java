package io.cairn.protocol.pinning;

import java.util.List;

/**
 * A hoster's answer to one storage-challenge round: one opening per challenged index, in the order
 * of the indices. The bytes are carried as received, unchecked; {@link StorageProofs#verify} judges
 * them.
 */
public record StorageAnswer(List<Opening> openings) {
  public StorageAnswer {
    openings = List.copyOf(openings);
  }

  /**
   * Replica node {@code index}: its 32 bytes {@code R_index} and the siblings on its path to {@code
   * CommR}, bottom-up.
   */
  public record Opening(long index, byte[] leaf, List<byte[]> siblings) {
    public Opening {
      siblings = List.copyOf(siblings);
    }
  }
}
