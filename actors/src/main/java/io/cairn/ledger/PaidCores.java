package io.cairn.ledger;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Who may read a core's blocks: the one rule for cores that products sell (Dazaar's paid
 * Hypercores). A core no product names is free to read; a core some product names is read only by
 * an address holding an active licence to one of those products, or by a product's owner. Every
 * transport that serves blocks (HTTP, WebSocket) asks here.
 *
 * <p>Which products name which cores is read from the ledger and kept for {@code refresh}: a
 * product created less than that ago may still be read freely, never the other way round (a
 * licence's end is read from the ledger on each check).
 */
public final class PaidCores {
  private record Snapshot(long takenAtNanos, Map<String, List<Product>> byCore) {}

  private final Ledger ledger;
  private final Duration refresh;
  private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();

  public PaidCores(Ledger ledger, Duration refresh) {
    this.ledger = ledger;
    this.refresh = refresh;
  }

  /**
   * Completes when {@code reader} may read the blocks of the core whose public key is {@code key};
   * fails with {@code UNAUTHENTICATED} (a paid core and no session) or {@code NOT_PERMITTED} (no
   * active licence).
   */
  public CompletionStage<Void> requireReader(byte[] key, Optional<EthereumAddress> reader) {
    String core = HexFormat.of().formatHex(key);
    return products()
        .thenCompose(
            byCore -> {
              List<Product> selling = byCore.getOrDefault(core, List.of());
              if (selling.isEmpty()) {
                return CompletableFuture.completedFuture(null);
              }
              EthereumAddress who =
                  reader.orElseThrow(
                      () ->
                          new Rejection(
                              ErrorCode.UNAUTHENTICATED,
                              "authenticate first: core "
                                  + core
                                  + " is sold by product "
                                  + selling.get(0).id()));
              if (selling.stream().anyMatch(product -> product.owner().equals(who))) {
                return CompletableFuture.completedFuture(null);
              }
              return activeLicence(selling, who)
                  .thenAccept(
                      licensed -> {
                        if (!licensed) {
                          throw new Rejection(
                              ErrorCode.NOT_PERMITTED,
                              who
                                  + " holds no active licence to product "
                                  + selling.get(0).id()
                                  + ", which sells core "
                                  + core);
                        }
                      });
            });
  }

  private CompletionStage<Boolean> activeLicence(List<Product> selling, EthereumAddress who) {
    return ledger
        .now()
        .thenCompose(
            now -> {
              List<CompletableFuture<Licence>> licences = new ArrayList<>();
              for (Product product : selling) {
                licences.add(ledger.licence(product.id(), who).toCompletableFuture());
              }
              return CompletableFuture.allOf(licences.toArray(CompletableFuture[]::new))
                  .thenApply(
                      all -> licences.stream().anyMatch(licence -> licence.join().activeAt(now)));
            });
  }

  private CompletionStage<Map<String, List<Product>>> products() {
    Snapshot known = snapshot.get();
    if (known != null && System.nanoTime() - known.takenAtNanos() < refresh.toNanos()) {
      return CompletableFuture.completedFuture(known.byCore());
    }
    long taken = System.nanoTime();
    return ledger
        .products()
        .thenApply(
            products -> {
              Map<String, List<Product>> byCore = new HashMap<>();
              for (Product product : products) {
                for (String core : product.terms().cores()) {
                  byCore.computeIfAbsent(core, any -> new ArrayList<>()).add(product);
                }
              }
              snapshot.set(new Snapshot(taken, Map.copyOf(byCore)));
              return byCore;
            });
  }
}
