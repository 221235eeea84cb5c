package io.cairn.protocol.hypercore;

/**
 * What a peer asks a proof for, as in Hypercore's request message. At least one part is set.
 *
 * @param block the block wanted, or {@code null}
 * @param upgrade the upgrade wanted, or {@code null}
 */
public record ProofRequest(Block block, Upgrade upgrade) {
  public ProofRequest {
    if (block == null && upgrade == null) {
      throw new IllegalArgumentException("a proof request needs a block or an upgrade");
    }
  }

  /**
   * @param index block index
   * @param nodes how many uncles of the leaf the peer lacks; used only when the block is proven
   *     against roots the peer already has (no upgrade, or a block before the upgrade's start).
   *     With an upgrade covering the block, the path always goes up to the node the upgrade needs.
   */
  public record Block(long index, int nodes) {}

  /**
   * @param start the peer's current length
   * @param length how many blocks to add; the proof then carries additional nodes up to the
   *     writer's own length, which is the length that is signed
   */
  public record Upgrade(long start, long length) {}

  public static ProofRequest block(long index, int nodes) {
    return new ProofRequest(new Block(index, nodes), null);
  }

  public static ProofRequest upgrade(long start, long length) {
    return new ProofRequest(null, new Upgrade(start, length));
  }

  public static ProofRequest blockAndUpgrade(long index, long start, long length) {
    return new ProofRequest(new Block(index, 0), new Upgrade(start, length));
  }
}
