package io.cairn.ledger;

import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.LedgerRequest;
import io.cairn.protocol.api.v1.SignedLedgerRequest;
import io.cairn.protocol.event.AddressRecovery;
import io.cairn.protocol.event.EvmSigner;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.ledger.LedgerRequests;
import java.math.BigInteger;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * The embedded ledger as the cluster's parts and the API use it: the ask facade of {@link
 * LedgerBook}. A signed request's signer is recovered here, on the node that received it, so the
 * one ledger entity spends no time on signatures.
 */
public final class EmbeddedLedger implements Ledger {
  private final ActorSystem<?> system;
  private final LedgerSettings settings;
  private final EthereumAddress operator;
  private final String ledgerId;
  private final AddressRecovery recovery;
  private final Clock clock;
  private final ConcurrentMap<EthereumAddress, AtomicLong> lastNonces = new ConcurrentHashMap<>();
  private final ActorRef<LedgerSubmitter.Message> submitter;

  public EmbeddedLedger(
      ActorSystem<?> system,
      LedgerSettings settings,
      EthereumAddress operator,
      AddressRecovery recovery,
      Clock clock) {
    this.system = system;
    this.settings = settings;
    this.operator = operator;
    this.ledgerId = LedgerBook.ledgerId(operator);
    this.recovery = recovery;
    this.clock = clock;
    this.submitter =
        system.systemActorOf(
            LedgerSubmitter.create(book(), settings.askTimeout()),
            "ledger-submitter",
            Props.empty());
  }

  /** The id every request to this ledger names. */
  public String ledgerId() {
    return ledgerId;
  }

  /** The address holding the contracts' roles: the cluster's service address. */
  public EthereumAddress operator() {
    return operator;
  }

  /** Carries out a request signed elsewhere (by an SDK); fails with the refusal. */
  public CompletionStage<LedgerBook.Receipt> submitSigned(SignedLedgerRequest signed) {
    LedgerRequests.Opened opened;
    try {
      opened = LedgerRequests.open(signed, recovery);
    } catch (Rejection refused) {
      return CompletableFuture.failedFuture(refused);
    }
    return AskPattern.<LedgerSubmitter.Message, StatusReply<LedgerBook.Receipt>>ask(
            submitter,
            replyTo ->
                new LedgerSubmitter.Enqueue(
                    new LedgerBook.Submit(signed, opened.signer(), replyTo)),
            settings.askTimeout(),
            system.scheduler())
        .thenApply(StatusReply::getValue);
  }

  @Override
  public CompletionStage<List<LedgerEvent>> submit(EvmSigner signer, LedgerOperation operation) {
    LedgerRequest request =
        LedgerOperations.toRequest(operation)
            .setLedgerId(ledgerId)
            .setNonce(nextNonce(signer.address()))
            .build();
    return submitSigned(LedgerRequests.sign(signer, request))
        .thenApply(LedgerBook.Receipt::contractEvents);
  }

  /**
   * A nonce above every one this node gave the signer, and above the time in microseconds, so a
   * signer whose requests come from several processes rarely repeats one.
   */
  private long nextNonce(EthereumAddress signer) {
    long floor = System.currentTimeMillis() * 1000;
    return lastNonces
        .computeIfAbsent(signer, any -> new AtomicLong())
        .updateAndGet(last -> Math.max(last + 1, floor));
  }

  public CompletionStage<LedgerBook.View> read(LedgerBook.Selection selection) {
    return book()
        .askWithStatus(replyTo -> new LedgerBook.Read(selection, replyTo), settings.askTimeout());
  }

  @Override
  public CompletionStage<BigInteger> totalSupply() {
    return read(LedgerBook.Selection.totals()).thenApply(view -> view.slice().totalSupply());
  }

  @Override
  public CompletionStage<BigInteger> balanceOf(EthereumAddress account) {
    return read(selection(Set.of(account), Set.of(), Set.of(), Set.of(), Set.of()))
        .thenApply(view -> view.slice().balanceOf(account));
  }

  @Override
  public CompletionStage<Optional<Product>> product(long productId) {
    return read(selection(Set.of(), Set.of(productId), Set.of(), Set.of(), Set.of()))
        .thenApply(view -> Optional.ofNullable(view.slice().products().get(productId)));
  }

  @Override
  public CompletionStage<List<Product>> products() {
    return read(new LedgerBook.Selection(
            Set.of(), Set.of(), true, Set.of(), Set.of(), Set.of(), Set.of(), Set.of()))
        .thenApply(
            view ->
                view.slice().products().values().stream()
                    .sorted(Comparator.comparingLong(Product::id))
                    .toList());
  }

  @Override
  public CompletionStage<Licence> licence(long productId, EthereumAddress buyer) {
    Licence.Key key = new Licence.Key(productId, buyer);
    return read(selection(Set.of(), Set.of(), Set.of(key), Set.of(), Set.of()))
        .thenApply(view -> view.slice().licence(productId, buyer));
  }

  @Override
  public CompletionStage<EscrowJob> escrowJob(Bytes32 jobId) {
    return read(selection(Set.of(), Set.of(), Set.of(), Set.of(jobId), Set.of()))
        .thenApply(view -> view.slice().job(jobId));
  }

  @Override
  public CompletionStage<BigInteger> reportPool() {
    return read(LedgerBook.Selection.totals()).thenApply(view -> view.slice().reportPool());
  }

  @Override
  public CompletionStage<BigInteger> heldForReports() {
    return read(LedgerBook.Selection.totals()).thenApply(LedgerBook.View::heldForReports);
  }

  @Override
  public CompletionStage<RoundOutcome> outcome(RoundKey round) {
    Bytes32 id = round.id();
    return read(selection(Set.of(), Set.of(), Set.of(), Set.of(), Set.of(id)))
        .thenApply(view -> view.slice().outcome(id));
  }

  @Override
  public CompletionStage<ProviderStake> providerStake(EthereumAddress provider) {
    return read(LedgerBook.Selection.providerStake(provider))
        .thenApply(view -> view.slice().stakes().of(provider));
  }

  @Override
  public CompletionStage<BigInteger> repairFund() {
    return read(LedgerBook.Selection.totals())
        .thenApply(view -> view.slice().stakes().repairFund());
  }

  @Override
  public CompletionStage<Long> now() {
    return CompletableFuture.completedFuture(clock.instant().getEpochSecond());
  }

  private static LedgerBook.Selection selection(
      Set<EthereumAddress> accounts,
      Set<Long> products,
      Set<Licence.Key> licences,
      Set<Bytes32> jobs,
      Set<Bytes32> rounds) {
    return new LedgerBook.Selection(
        accounts, products, false, licences, Set.of(), jobs, rounds, Set.of());
  }

  private EntityRef<LedgerBook.Command> book() {
    return ClusterSharding.get(system).entityRefFor(LedgerBook.ENTITY_KEY, LedgerBook.ENTITY_ID);
  }
}
