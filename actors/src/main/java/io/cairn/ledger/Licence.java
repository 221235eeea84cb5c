package io.cairn.ledger;

import io.cairn.protocol.EthereumAddress;

/**
 * A buyer's licence to a product: active while the ledger's time (Unix seconds; a block's timestamp
 * on a chain) is before {@code endsAt}; 0 for a buyer who never had one.
 */
public record Licence(long productId, EthereumAddress buyer, long endsAt) {

  /** Identifies a licence: one per product and buyer. */
  public record Key(long productId, EthereumAddress buyer) {}

  public Key key() {
    return new Key(productId, buyer);
  }

  public boolean activeAt(long nowSeconds) {
    return nowSeconds < endsAt;
  }
}
