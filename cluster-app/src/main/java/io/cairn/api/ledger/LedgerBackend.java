package io.cairn.api.ledger;

import io.cairn.ledger.EmbeddedLedger;
import io.cairn.ledger.Ledger;
import io.cairn.ledger.LedgerBook;
import io.cairn.ledger.LedgerModule;
import io.cairn.ledger.Licence;
import io.cairn.ledger.ReportRound;
import io.cairn.ledger.RoundKey;
import io.cairn.ledger.evm.EvmLedger;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.LedgerInfo;
import io.cairn.protocol.api.v1.LedgerReceipt;
import io.cairn.protocol.api.v1.ReportRoundView;
import io.cairn.protocol.api.v1.SignedLedgerRequest;
import io.cairn.protocol.api.v1.TokenAccount;
import io.cairn.protocol.ledger.Bytes32;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the ledger's routes do differently on the two backends: what {@code GET /ledger} tells a
 * client, whether {@code POST /ledger/requests} is taken, and the reads the embedded ledger answers
 * from one read of its entity, with more than its port gives (an account's nonce, a round's
 * reporters), where a chain is asked through the port, entry by entry. Every other read goes
 * through {@link #ledger()} alike.
 */
public sealed interface LedgerBackend {

  /** The backend of {@code module}; {@code operator} is the cluster's service address. */
  static LedgerBackend of(LedgerModule module, EthereumAddress operator) {
    if (module.embedded().isPresent()) {
      return new Embedded(module.embedded().get());
    }
    if (module.ledger() instanceof EvmLedger chain) {
      return new OnChain(chain, operator);
    }
    throw new IllegalArgumentException("the ledger's routes know no backend " + module.ledger());
  }

  Ledger ledger();

  CompletionStage<LedgerInfo> info();

  /** Carries out a signed request, or refuses it without changing anything. */
  CompletionStage<LedgerReceipt> submit(SignedLedgerRequest signed);

  CompletionStage<TokenAccount> account(EthereumAddress address);

  /** Every licence {@code buyer} ever held (an end above 0), in any order. */
  CompletionStage<List<Licence>> licencesEverHeld(EthereumAddress buyer);

  /** The round, or {@code ROUND_NOT_FOUND} when it was never opened. */
  CompletionStage<ReportRoundView> round(RoundKey key);

  private static Rejection roundNotFound(RoundKey key) {
    return new Rejection(
        ErrorCode.ROUND_NOT_FOUND,
        "no report round for "
            + key.streamId()
            + " partition "
            + key.partition()
            + " interval "
            + key.interval());
  }

  /** The ledger in the cluster's journal: signed requests, and reads of just the entries named. */
  record Embedded(EmbeddedLedger ledger) implements LedgerBackend {
    @Override
    public CompletionStage<LedgerInfo> info() {
      return ledger
          .now()
          .thenApply(now -> LedgerApiMapper.info(ledger.ledgerId(), ledger.operator(), now));
    }

    @Override
    public CompletionStage<LedgerReceipt> submit(SignedLedgerRequest signed) {
      return ledger.submitSigned(signed).thenApply(LedgerApiMapper::receipt);
    }

    @Override
    public CompletionStage<TokenAccount> account(EthereumAddress address) {
      return ledger
          .read(only(Set.of(address), Set.of(), Set.of()))
          .thenApply(view -> LedgerApiMapper.account(address, view.slice()));
    }

    @Override
    public CompletionStage<List<Licence>> licencesEverHeld(EthereumAddress buyer) {
      return ledger
          .read(only(Set.of(), Set.of(buyer), Set.of()))
          .thenApply(
              view ->
                  view.slice().licenceEnds().entrySet().stream()
                      .map(
                          entry ->
                              new Licence(
                                  entry.getKey().productId(),
                                  entry.getKey().buyer(),
                                  entry.getValue()))
                      .toList());
    }

    @Override
    public CompletionStage<ReportRoundView> round(RoundKey key) {
      Bytes32 id = key.id();
      return ledger
          .read(only(Set.of(), Set.of(), Set.of(id)))
          .thenApply(
              view -> {
                ReportRound round = view.slice().rounds().get(id);
                if (round == null) {
                  throw roundNotFound(key);
                }
                return LedgerApiMapper.round(round);
              });
    }

    /** A read of just these entries (and the totals, always). */
    private static LedgerBook.Selection only(
        Set<EthereumAddress> accounts, Set<EthereumAddress> licencesOf, Set<Bytes32> rounds) {
      return new LedgerBook.Selection(
          accounts, Set.of(), false, Set.of(), licencesOf, Set.of(), rounds, Set.of());
    }
  }

  /**
   * The contracts on a chain: a client sends its transactions there itself, so a signed request is
   * refused with where to send them instead; reads are view calls.
   */
  record OnChain(EvmLedger ledger, EthereumAddress operator) implements LedgerBackend {
    @Override
    public CompletionStage<LedgerInfo> info() {
      return ledger
          .chainId()
          .thenCombine(
              ledger.now(),
              (chainId, now) ->
                  LedgerApiMapper.chainInfo(chainId, ledger.addresses(), operator, now));
    }

    @Override
    public CompletionStage<LedgerReceipt> submit(SignedLedgerRequest signed) {
      return ledger
          .chainId()
          .thenApply(
              chainId -> {
                throw new Rejection(
                    ErrorCode.LEDGER_ON_CHAIN,
                    "this node's ledger is on chain "
                        + chainId
                        + " at "
                        + ledger.addresses().marketplace()
                        + "; sign a transaction to the contracts instead");
              });
    }

    @Override
    public CompletionStage<TokenAccount> account(EthereumAddress address) {
      return ledger
          .balanceOf(address)
          .thenApply(balance -> LedgerApiMapper.account(address, balance));
    }

    /**
     * The marketplace keeps licences by product, not by buyer: each product's licence for the
     * buyer, asked at once.
     */
    @Override
    public CompletionStage<List<Licence>> licencesEverHeld(EthereumAddress buyer) {
      return ledger
          .products()
          .thenCompose(
              products -> {
                List<CompletableFuture<Licence>> asks =
                    products.stream()
                        .map(product -> ledger.licence(product.id(), buyer).toCompletableFuture())
                        .toList();
                return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
                    .thenApply(
                        allAnswered ->
                            asks.stream()
                                .map(CompletableFuture::join)
                                .filter(licence -> licence.endsAt() > 0)
                                .toList());
              });
    }

    @Override
    public CompletionStage<ReportRoundView> round(RoundKey key) {
      return ledger
          .outcome(key)
          .thenApply(
              outcome -> {
                if (!outcome.opened()) {
                  throw roundNotFound(key);
                }
                return LedgerApiMapper.round(key, outcome);
              });
    }
  }
}
