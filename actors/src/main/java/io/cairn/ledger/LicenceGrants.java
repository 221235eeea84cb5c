package io.cairn.ledger;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.stream.Permission;
import io.cairn.stream.Grantee;
import io.cairn.stream.Streams;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.pekko.Done;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Licences become access: a licence's new end (a purchase, an extension, an owner's grant or
 * revocation) becomes the end of the buyer's {@code subscribe} on each of the product's streams,
 * granted in the product owner's name, so the stream's own rules decide whether the owner could
 * give it. The stream's {@link io.cairn.stream.GrantExpiry} ends it on time and the key rotates.
 * The same ledger event applied twice grants the same end: every step is idempotent.
 *
 * <p>A product whose owner may not grant on one of its streams (it named a stream it does not
 * control, or the stream was deleted) gives no access there; that is logged, not retried.
 */
public final class LicenceGrants {
  private static final Logger log = LoggerFactory.getLogger(LicenceGrants.class);

  /** Refusals that asking again will not change. */
  private static final Set<ErrorCode> FINAL =
      EnumSet.of(
          ErrorCode.NOT_PERMITTED,
          ErrorCode.STREAM_NOT_FOUND,
          ErrorCode.STREAM_DELETED,
          ErrorCode.INVALID_STREAM_ID,
          ErrorCode.INVALID_PERMISSION);

  private final Ledger ledger;
  private final Streams streams;
  private final ConcurrentMap<Long, Product> products = new ConcurrentHashMap<>();

  public LicenceGrants(Ledger ledger, Streams streams) {
    this.ledger = ledger;
    this.streams = streams;
  }

  /** Applies {@code events} in order; completes when every grant they cause is made. */
  public CompletionStage<Done> apply(List<LedgerEvent> events) {
    CompletionStage<Done> done = CompletableFuture.completedFuture(Done.getInstance());
    for (LedgerEvent event : events) {
      if (event instanceof LedgerEvent.LicenceExtended extended) {
        done =
            done.thenCompose(
                previous -> grant(extended.productId(), extended.buyer(), extended.endsAt()));
      } else if (event instanceof LedgerEvent.LicenceRevoked revoked) {
        done =
            done.thenCompose(
                previous -> grant(revoked.productId(), revoked.buyer(), revoked.endedAt()));
      }
    }
    return done;
  }

  private CompletionStage<Done> grant(long productId, EthereumAddress buyer, long endsAt) {
    return product(productId)
        .thenCompose(
            product -> {
              CompletionStage<Done> done = CompletableFuture.completedFuture(Done.getInstance());
              for (String stream : product.terms().streams()) {
                done = done.thenCompose(previous -> grantOn(stream, product, buyer, endsAt));
              }
              return done;
            });
  }

  private CompletionStage<Done> grantOn(
      String stream, Product product, EthereumAddress buyer, long endsAt) {
    return streams
        .grant(
            stream,
            product.owner(),
            Grantee.of(buyer),
            Permission.SUBSCRIBE,
            Optional.of(Instant.ofEpochSecond(endsAt)))
        .handle(
            (state, failure) -> {
              if (failure == null) {
                return Done.getInstance();
              }
              Rejection refused = Rejection.of(failure);
              if (!FINAL.contains(refused.code())) {
                throw refused;
              }
              log.warn(
                  "licence to product {} gives {} no access to {}: {}",
                  product.id(),
                  buyer,
                  stream,
                  refused.getMessage());
              return Done.getInstance();
            });
  }

  /** Products never change once created, so each is read from the ledger once. */
  private CompletionStage<Product> product(long productId) {
    Product known = products.get(productId);
    if (known != null) {
      return CompletableFuture.completedFuture(known);
    }
    return ledger
        .product(productId)
        .thenApply(
            found -> {
              Product product =
                  found.orElseThrow(
                      () ->
                          new Rejection(
                              ErrorCode.PRODUCT_NOT_FOUND,
                              "a licence names product " + productId + ", which is not there"));
              products.put(productId, product);
              return product;
            });
  }
}
