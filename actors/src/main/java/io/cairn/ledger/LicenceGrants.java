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
 *
 * <p>A stream can be sold in several products, and one buyer can hold licences to more than one of
 * them: the grant's end is the latest end among the buyer's licences to every product selling the
 * stream, as the ledger holds them when the event is applied, so a short licence bought after a
 * long one, or the revocation of one of two, never cuts the buyer's access short. Applying the same
 * event again grants the same end (every step is idempotent), and applying the events in order
 * leaves each grant at what the ledger holds after the last of them.
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
        done = done.thenCompose(previous -> grant(extended.productId(), extended.buyer()));
      } else if (event instanceof LedgerEvent.LicenceRevoked revoked) {
        done = done.thenCompose(previous -> grant(revoked.productId(), revoked.buyer()));
      }
    }
    return done;
  }

  private CompletionStage<Done> grant(long productId, EthereumAddress buyer) {
    return product(productId)
        .thenCompose(
            product -> {
              CompletionStage<Done> done = CompletableFuture.completedFuture(Done.getInstance());
              for (String stream : product.terms().streams()) {
                done = done.thenCompose(previous -> grantOn(stream, buyer));
              }
              return done;
            });
  }

  /** The buyer's subscribe on {@code stream} until its latest licence to any product selling it. */
  private CompletionStage<Done> grantOn(String stream, EthereumAddress buyer) {
    return ledger
        .products()
        .thenCompose(
            all -> {
              List<Product> selling =
                  all.stream().filter(sold -> sold.terms().streams().contains(stream)).toList();
              List<CompletableFuture<Licence>> licences =
                  selling.stream()
                      .map(sold -> ledger.licence(sold.id(), buyer).toCompletableFuture())
                      .toList();
              return CompletableFuture.allOf(licences.toArray(CompletableFuture[]::new))
                  .thenCompose(
                      read -> {
                        int latest = 0;
                        for (int i = 1; i < selling.size(); i++) {
                          if (licences.get(i).join().endsAt()
                              > licences.get(latest).join().endsAt()) {
                            latest = i;
                          }
                        }
                        return grantOn(
                            stream,
                            selling.get(latest),
                            buyer,
                            licences.get(latest).join().endsAt());
                      });
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
