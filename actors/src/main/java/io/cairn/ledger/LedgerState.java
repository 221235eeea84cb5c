package io.cairn.ledger;

import io.cairn.ledger.LedgerEvent.Burned;
import io.cairn.ledger.LedgerEvent.Deposited;
import io.cairn.ledger.LedgerEvent.ExitBegun;
import io.cairn.ledger.LedgerEvent.Frozen;
import io.cairn.ledger.LedgerEvent.HeldBack;
import io.cairn.ledger.LedgerEvent.HeldReleased;
import io.cairn.ledger.LedgerEvent.LicenceExtended;
import io.cairn.ledger.LedgerEvent.LicenceRevoked;
import io.cairn.ledger.LedgerEvent.NonceUsed;
import io.cairn.ledger.LedgerEvent.PaidOut;
import io.cairn.ledger.LedgerEvent.PoolFunded;
import io.cairn.ledger.LedgerEvent.ProductCreated;
import io.cairn.ledger.LedgerEvent.ProtocolFeeChanged;
import io.cairn.ledger.LedgerEvent.Refunded;
import io.cairn.ledger.LedgerEvent.RepairPaid;
import io.cairn.ledger.LedgerEvent.ReportFinalised;
import io.cairn.ledger.LedgerEvent.Reported;
import io.cairn.ledger.LedgerEvent.ReporterRewarded;
import io.cairn.ledger.LedgerEvent.ReporterUnrewarded;
import io.cairn.ledger.LedgerEvent.RoundClosed;
import io.cairn.ledger.LedgerEvent.RoundOpened;
import io.cairn.ledger.LedgerEvent.SalePaid;
import io.cairn.ledger.LedgerEvent.Settled;
import io.cairn.ledger.LedgerEvent.Slashed;
import io.cairn.ledger.LedgerEvent.Staked;
import io.cairn.ledger.LedgerEvent.Transferred;
import io.cairn.ledger.LedgerEvent.Withdrawn;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.ledger.Bytes32;
import java.math.BigInteger;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The embedded ledger's state: balances, nonces, products, licences, escrow jobs, applied
 * settlements, report rounds and the providers' stakes. Immutable; {@link #apply} is the one way it
 * changes, event by event, so a replay of the journal rebuilds it exactly. A sale's price leaves
 * the buyer with {@link LicenceExtended} and reaches its recipients with {@link SalePaid}; tokens
 * enter an escrow with {@link Deposited} and leave it only with {@link PaidOut}, {@link HeldBack}
 * (into a provider's held earnings), {@link Burned} and {@link Refunded}; they enter the stakes
 * with {@link Staked} and {@link HeldBack} and leave them only with {@link Withdrawn}, {@link
 * HeldReleased} and {@link RepairPaid}.
 *
 * @param reportPool the checksum reports' pool not reserved for an open round
 */
public record LedgerState(
    BigInteger totalSupply,
    Map<EthereumAddress, BigInteger> balances,
    Map<EthereumAddress, Long> nonces,
    long productCount,
    Map<Long, Product> products,
    Map<Licence.Key, Long> licenceEnds,
    EthereumAddress protocolFeeRecipient,
    int protocolFeeBps,
    Map<Bytes32, EscrowJob> jobs,
    Set<Bytes32> settlements,
    BigInteger reportPool,
    Map<Bytes32, ReportRound> rounds,
    StakeBook stakes) {

  public LedgerState {
    balances = Collections.unmodifiableMap(balances);
    nonces = Collections.unmodifiableMap(nonces);
    products = Collections.unmodifiableMap(products);
    licenceEnds = Collections.unmodifiableMap(licenceEnds);
    jobs = Collections.unmodifiableMap(jobs);
    settlements = Collections.unmodifiableSet(settlements);
    rounds = Collections.unmodifiableMap(rounds);
  }

  /**
   * A new ledger: no tokens, the protocol fee (0) going to the operator, as the contract starts.
   */
  public static LedgerState empty(EthereumAddress operator) {
    return new LedgerState(
        BigInteger.ZERO,
        Map.of(),
        Map.of(),
        0,
        Map.of(),
        Map.of(),
        operator,
        0,
        Map.of(),
        Set.of(),
        BigInteger.ZERO,
        Map.of(),
        StakeBook.empty());
  }

  public BigInteger balanceOf(EthereumAddress account) {
    return balances.getOrDefault(account, BigInteger.ZERO);
  }

  public long nonceOf(EthereumAddress signer) {
    return nonces.getOrDefault(signer, 0L);
  }

  public Licence licence(long productId, EthereumAddress buyer) {
    return new Licence(
        productId, buyer, licenceEnds.getOrDefault(new Licence.Key(productId, buyer), 0L));
  }

  public EscrowJob job(Bytes32 jobId) {
    return jobs.getOrDefault(jobId, EscrowJob.unknown(jobId));
  }

  public RoundOutcome outcome(Bytes32 roundId) {
    ReportRound round = rounds.get(roundId);
    return round == null ? RoundOutcome.unopened(roundId) : round.outcome();
  }

  /** The pool and the rewards reserved for rounds not yet closed. */
  public BigInteger heldForReports() {
    return rounds.values().stream().map(ReportRound::reserved).reduce(reportPool, BigInteger::add);
  }

  /** The totals and just the entries {@code selection} names, for a read. */
  public LedgerState select(LedgerBook.Selection selection) {
    Map<EthereumAddress, BigInteger> someBalances = new HashMap<>();
    Map<EthereumAddress, Long> someNonces = new HashMap<>();
    for (EthereumAddress account : selection.accounts()) {
      someBalances.put(account, balanceOf(account));
      someNonces.put(account, nonceOf(account));
    }
    Map<Long, Product> someProducts = new HashMap<>();
    for (Product product : products.values()) {
      if (selection.allProducts() || selection.products().contains(product.id())) {
        someProducts.put(product.id(), product);
      }
    }
    Map<Licence.Key, Long> someLicences = new HashMap<>();
    for (Map.Entry<Licence.Key, Long> licence : licenceEnds.entrySet()) {
      if (selection.licences().contains(licence.getKey())
          || selection.licencesOf().contains(licence.getKey().buyer())) {
        someLicences.put(licence.getKey(), licence.getValue());
      }
    }
    Map<Bytes32, EscrowJob> someJobs = new HashMap<>();
    for (Bytes32 jobId : selection.jobs()) {
      if (jobs.containsKey(jobId)) {
        someJobs.put(jobId, jobs.get(jobId));
      }
    }
    Map<Bytes32, ReportRound> someRounds = new HashMap<>();
    for (Bytes32 roundId : selection.rounds()) {
      if (rounds.containsKey(roundId)) {
        someRounds.put(roundId, rounds.get(roundId));
      }
    }
    return new LedgerState(
        totalSupply,
        someBalances,
        someNonces,
        productCount,
        someProducts,
        someLicences,
        protocolFeeRecipient,
        protocolFeeBps,
        someJobs,
        Set.of(),
        reportPool,
        someRounds,
        stakes.select(selection.providers()));
  }

  /** The state after {@code event}; pure. */
  public LedgerState apply(LedgerEvent event) {
    if (event instanceof Transferred e) {
      return withTransfer(e);
    } else if (event instanceof ProductCreated e) {
      return with(
          totalSupply,
          balances,
          nonces,
          Math.max(productCount, e.product().id()),
          put(products, e.product().id(), e.product()),
          licenceEnds,
          jobs,
          settlements,
          reportPool,
          rounds);
    } else if (event instanceof LicenceExtended e) {
      return with(
          totalSupply,
          add(balances, e.buyer(), e.price().negate()),
          nonces,
          productCount,
          products,
          put(licenceEnds, new Licence.Key(e.productId(), e.buyer()), e.endsAt()),
          jobs,
          settlements,
          reportPool,
          rounds);
    } else if (event instanceof LicenceRevoked e) {
      return with(
          totalSupply,
          balances,
          nonces,
          productCount,
          products,
          put(licenceEnds, new Licence.Key(e.productId(), e.buyer()), e.endedAt()),
          jobs,
          settlements,
          reportPool,
          rounds);
    } else if (event instanceof SalePaid e) {
      return withBalances(add(balances, e.recipient(), e.amount()));
    } else if (event instanceof ProtocolFeeChanged e) {
      return new LedgerState(
          totalSupply,
          balances,
          nonces,
          productCount,
          products,
          licenceEnds,
          e.recipient(),
          e.feeBps(),
          jobs,
          settlements,
          reportPool,
          rounds,
          stakes);
    } else if (event instanceof Deposited e) {
      return withDeposit(e);
    } else if (event instanceof PaidOut e) {
      return withJob(
          e.jobId(),
          job -> job.balance().subtract(e.amount()),
          add(balances, e.recipient(), e.amount()),
          totalSupply,
          JobDelta.PAID_OUT,
          e.amount());
    } else if (event instanceof HeldBack e) {
      return withJob(
              e.jobId(),
              job -> job.balance().subtract(e.amount()),
              balances,
              totalSupply,
              JobDelta.HELD,
              e.amount())
          .withStakes(stakes.apply(e), balances);
    } else if (event instanceof Staked e) {
      return withStakes(stakes.apply(e), add(balances, e.provider(), e.amount().negate()));
    } else if (event instanceof Withdrawn e) {
      return withStakes(stakes.apply(e), add(balances, e.provider(), e.stake().add(e.held())));
    } else if (event instanceof HeldReleased e) {
      return withStakes(stakes.apply(e), add(balances, e.provider(), e.amount()));
    } else if (event instanceof RepairPaid e) {
      return withStakes(stakes.apply(e), add(balances, e.recipient(), e.amount()));
    } else if (event instanceof ExitBegun || event instanceof Slashed || event instanceof Frozen) {
      return withStakes(stakes.apply(event), balances);
    } else if (event instanceof Burned e) {
      return withJob(
          e.jobId(),
          job -> job.balance().subtract(e.amount()),
          balances,
          totalSupply.subtract(e.amount()),
          JobDelta.BURNED,
          e.amount());
    } else if (event instanceof Refunded e) {
      return withRefund(e);
    } else if (event instanceof Settled e) {
      return withSettlement(e.settlementId());
    } else if (event instanceof PoolFunded e) {
      return with(
          totalSupply,
          add(balances, e.from(), e.amount().negate()),
          nonces,
          productCount,
          products,
          licenceEnds,
          jobs,
          settlements,
          reportPool.add(e.amount()),
          rounds);
    } else if (event instanceof RoundOpened e) {
      return withRounds(
          reportPool.subtract(
              e.rewardPerReporter().multiply(BigInteger.valueOf(e.reporters().size()))),
          put(
              rounds,
              e.round().id(),
              ReportRound.opened(e.round(), e.reporters(), e.rewardPerReporter())));
    } else if (event instanceof Reported e) {
      return withRounds(
          reportPool,
          put(
              rounds,
              e.roundId(),
              rounds
                  .get(e.roundId())
                  .withReport(
                      e.reporter(), new RoundOutcome.Report(e.eventCount(), e.checksum()))));
    } else if (event instanceof ReportFinalised e) {
      return withRounds(
          reportPool,
          put(
              rounds,
              e.roundId(),
              rounds
                  .get(e.roundId())
                  .withFinal(new RoundOutcome.Report(e.eventCount(), e.checksum()))));
    } else if (event instanceof ReporterRewarded e) {
      return with(
          totalSupply,
          add(balances, e.reporter(), e.amount()),
          nonces,
          productCount,
          products,
          licenceEnds,
          jobs,
          settlements,
          reportPool,
          put(rounds, e.roundId(), rounds.get(e.roundId()).withPaid(e.amount())));
    } else if (event instanceof ReporterUnrewarded e) {
      return this;
    } else if (event instanceof RoundClosed e) {
      ReportRound round = rounds.get(e.roundId());
      return withRounds(
          reportPool.add(round.reserved()), put(rounds, e.roundId(), round.withClosed()));
    } else if (event instanceof NonceUsed e) {
      return with(
          totalSupply,
          balances,
          put(nonces, e.signer(), e.nonce()),
          productCount,
          products,
          licenceEnds,
          jobs,
          settlements,
          reportPool,
          rounds);
    }
    throw new IllegalStateException("unknown " + event);
  }

  private LedgerState withTransfer(Transferred e) {
    Map<EthereumAddress, BigInteger> moved = balances;
    BigInteger supply = totalSupply;
    if (e.from().equals(Ledger.ZERO_ADDRESS)) {
      supply = supply.add(e.amount());
    } else {
      moved = add(moved, e.from(), e.amount().negate());
    }
    if (e.to().equals(Ledger.ZERO_ADDRESS)) {
      supply = supply.subtract(e.amount());
    } else {
      moved = add(moved, e.to(), e.amount());
    }
    return with(
        supply,
        moved,
        nonces,
        productCount,
        products,
        licenceEnds,
        jobs,
        settlements,
        reportPool,
        rounds);
  }

  private LedgerState withDeposit(Deposited e) {
    EscrowJob job = job(e.jobId());
    EscrowJob credited =
        new EscrowJob(
            e.jobId(),
            e.supporter(),
            job.balance().add(e.amount()),
            job.deposited().add(e.amount()),
            job.paidOut(),
            job.burned(),
            job.held(),
            job.refunded(),
            false);
    return with(
        totalSupply,
        add(balances, e.supporter(), e.amount().negate()),
        nonces,
        productCount,
        products,
        licenceEnds,
        put(jobs, e.jobId(), credited),
        settlements,
        reportPool,
        rounds);
  }

  private LedgerState withRefund(Refunded e) {
    EscrowJob job = job(e.jobId());
    EscrowJob closed =
        new EscrowJob(
            e.jobId(),
            job.supporter(),
            BigInteger.ZERO,
            job.deposited(),
            job.paidOut(),
            job.burned(),
            job.held(),
            job.refunded().add(e.amount()),
            true);
    return with(
        totalSupply,
        add(balances, e.supporter(), e.amount()),
        nonces,
        productCount,
        products,
        licenceEnds,
        put(jobs, e.jobId(), closed),
        settlements,
        reportPool,
        rounds);
  }

  private enum JobDelta {
    PAID_OUT,
    BURNED,
    HELD
  }

  private LedgerState withJob(
      Bytes32 jobId,
      java.util.function.Function<EscrowJob, BigInteger> newBalance,
      Map<EthereumAddress, BigInteger> newBalances,
      BigInteger supply,
      JobDelta delta,
      BigInteger amount) {
    EscrowJob job = job(jobId);
    EscrowJob changed =
        new EscrowJob(
            jobId,
            job.supporter(),
            newBalance.apply(job),
            job.deposited(),
            delta == JobDelta.PAID_OUT ? job.paidOut().add(amount) : job.paidOut(),
            delta == JobDelta.BURNED ? job.burned().add(amount) : job.burned(),
            delta == JobDelta.HELD ? job.held().add(amount) : job.held(),
            job.refunded(),
            job.closed());
    return with(
        supply,
        newBalances,
        nonces,
        productCount,
        products,
        licenceEnds,
        put(jobs, jobId, changed),
        settlements,
        reportPool,
        rounds);
  }

  private LedgerState withSettlement(Bytes32 settlementId) {
    Set<Bytes32> more = new HashSet<>(settlements);
    more.add(settlementId);
    return with(
        totalSupply,
        balances,
        nonces,
        productCount,
        products,
        licenceEnds,
        jobs,
        more,
        reportPool,
        rounds);
  }

  private LedgerState withBalances(Map<EthereumAddress, BigInteger> newBalances) {
    return with(
        totalSupply,
        newBalances,
        nonces,
        productCount,
        products,
        licenceEnds,
        jobs,
        settlements,
        reportPool,
        rounds);
  }

  private LedgerState withStakes(
      StakeBook newStakes, Map<EthereumAddress, BigInteger> newBalances) {
    return new LedgerState(
        totalSupply,
        newBalances,
        nonces,
        productCount,
        products,
        licenceEnds,
        protocolFeeRecipient,
        protocolFeeBps,
        jobs,
        settlements,
        reportPool,
        rounds,
        newStakes);
  }

  private LedgerState withRounds(BigInteger pool, Map<Bytes32, ReportRound> newRounds) {
    return with(
        totalSupply,
        balances,
        nonces,
        productCount,
        products,
        licenceEnds,
        jobs,
        settlements,
        pool,
        newRounds);
  }

  private LedgerState with(
      BigInteger supply,
      Map<EthereumAddress, BigInteger> newBalances,
      Map<EthereumAddress, Long> newNonces,
      long newProductCount,
      Map<Long, Product> newProducts,
      Map<Licence.Key, Long> newLicenceEnds,
      Map<Bytes32, EscrowJob> newJobs,
      Set<Bytes32> newSettlements,
      BigInteger pool,
      Map<Bytes32, ReportRound> newRounds) {
    return new LedgerState(
        supply,
        newBalances,
        newNonces,
        newProductCount,
        newProducts,
        newLicenceEnds,
        protocolFeeRecipient,
        protocolFeeBps,
        newJobs,
        newSettlements,
        pool,
        newRounds,
        stakes);
  }

  private static <K, V> Map<K, V> put(Map<K, V> map, K key, V value) {
    Map<K, V> copy = new HashMap<>(map);
    copy.put(key, value);
    return copy;
  }

  private static Map<EthereumAddress, BigInteger> add(
      Map<EthereumAddress, BigInteger> balances, EthereumAddress account, BigInteger amount) {
    return put(balances, account, balances.getOrDefault(account, BigInteger.ZERO).add(amount));
  }
}
