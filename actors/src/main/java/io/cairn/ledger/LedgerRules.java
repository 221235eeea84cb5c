package io.cairn.ledger;

import io.cairn.ledger.LedgerEvent.Burned;
import io.cairn.ledger.LedgerEvent.Deposited;
import io.cairn.ledger.LedgerEvent.ExitBegun;
import io.cairn.ledger.LedgerEvent.Frozen;
import io.cairn.ledger.LedgerEvent.HeldBack;
import io.cairn.ledger.LedgerEvent.HeldReleased;
import io.cairn.ledger.LedgerEvent.LicenceExtended;
import io.cairn.ledger.LedgerEvent.LicenceRevoked;
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
import io.cairn.ledger.LedgerEvent.Unrewarded;
import io.cairn.ledger.LedgerEvent.Withdrawn;
import io.cairn.ledger.LedgerOperation.BeginExit;
import io.cairn.ledger.LedgerOperation.Buy;
import io.cairn.ledger.LedgerOperation.Close;
import io.cairn.ledger.LedgerOperation.CloseRound;
import io.cairn.ledger.LedgerOperation.CreateProduct;
import io.cairn.ledger.LedgerOperation.Deposit;
import io.cairn.ledger.LedgerOperation.Freeze;
import io.cairn.ledger.LedgerOperation.FundPool;
import io.cairn.ledger.LedgerOperation.GrantLicence;
import io.cairn.ledger.LedgerOperation.Mint;
import io.cairn.ledger.LedgerOperation.OpenRound;
import io.cairn.ledger.LedgerOperation.PayRepair;
import io.cairn.ledger.LedgerOperation.ReleaseHeld;
import io.cairn.ledger.LedgerOperation.Report;
import io.cairn.ledger.LedgerOperation.RevokeLicence;
import io.cairn.ledger.LedgerOperation.SetProtocolFee;
import io.cairn.ledger.LedgerOperation.Settle;
import io.cairn.ledger.LedgerOperation.Slash;
import io.cairn.ledger.LedgerOperation.Stake;
import io.cairn.ledger.LedgerOperation.Transfer;
import io.cairn.ledger.LedgerOperation.Withdraw;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.ledger.Bytes32;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The contracts' rules in Java (contracts/src/main/solidity: CairnToken, Marketplace, Escrow,
 * ChecksumReports, ProviderStakes), checked in the same order, refused with the same codes, and
 * answered with the same events in the same order. Pure: the embedded ledger calls it before it
 * persists, and the conformance suite holds it to the contracts on a chain.
 *
 * @param operator the address holding every role the contracts give their deployer (minter, market
 *     admin, settler, round opener, the stakes' settler): the cluster's service address
 * @param coherenceBps the share of a round's reporters that must agree for a final report
 * @param unbondingSeconds how long after beginning to exit a provider can withdraw
 */
public record LedgerRules(EthereumAddress operator, int coherenceBps, long unbondingSeconds) {
  public static final int MAX_PROTOCOL_FEE_BPS = 1000;
  public static final int MAX_RECIPIENTS = 64;
  public static final int MAX_REPORTERS = 64;

  /** The events {@code operation} by {@code signer} causes at {@code now}, or its refusal. */
  public List<LedgerEvent> decide(
      LedgerState state, EthereumAddress signer, LedgerOperation operation, long now) {
    if (operation instanceof Mint mint) {
      operatorOnly(signer, "mints");
      return List.of(new Transferred(Ledger.ZERO_ADDRESS, mint.to(), mint.amount()));
    } else if (operation instanceof Transfer transfer) {
      if (transfer.to().equals(Ledger.ZERO_ADDRESS)) {
        throw new Rejection(ErrorCode.INVALID_ADDRESS, "cannot transfer to the zero address");
      }
      requireBalance(state, signer, transfer.amount());
      return List.of(new Transferred(signer, transfer.to(), transfer.amount()));
    } else if (operation instanceof CreateProduct create) {
      checkTerms(create.terms());
      long id = state.productCount() + 1;
      return List.of(new ProductCreated(new Product(id, signer, create.terms())));
    } else if (operation instanceof Buy buy) {
      Product product = product(state, buy.productId());
      BigInteger price =
          product.terms().pricePerSecond().multiply(BigInteger.valueOf(buy.seconds()));
      LicenceExtended extended = extend(state, product, signer, buy.seconds(), price, now);
      requireBalance(state, signer, price);
      List<LedgerEvent> events = new ArrayList<>();
      events.add(extended);
      events.addAll(salePayments(state, product, price));
      return events;
    } else if (operation instanceof GrantLicence grant) {
      Product product = ownedProduct(state, grant.productId(), signer);
      return List.of(extend(state, product, grant.buyer(), grant.seconds(), BigInteger.ZERO, now));
    } else if (operation instanceof RevokeLicence revoke) {
      ownedProduct(state, revoke.productId(), signer);
      long end = state.licence(revoke.productId(), revoke.buyer()).endsAt();
      return List.of(new LicenceRevoked(revoke.productId(), revoke.buyer(), Math.min(end, now)));
    } else if (operation instanceof SetProtocolFee fee) {
      operatorOnly(signer, "sets the protocol fee");
      if (fee.feeBps() < 0 || fee.feeBps() > MAX_PROTOCOL_FEE_BPS) {
        throw new Rejection(
            ErrorCode.INVALID_AMOUNT,
            "protocol fee " + fee.feeBps() + " bps is above " + MAX_PROTOCOL_FEE_BPS);
      }
      return List.of(new ProtocolFeeChanged(fee.recipient(), fee.feeBps()));
    } else if (operation instanceof Deposit deposit) {
      positive(deposit.amount(), "deposit");
      EscrowJob job = state.job(deposit.jobId());
      if (job.closed()) {
        throw jobClosed(deposit.jobId());
      }
      if (job.exists() && !job.supporter().equals(signer)) {
        throw new Rejection(
            ErrorCode.NOT_PERMITTED,
            "job " + deposit.jobId() + " is supported by " + job.supporter() + ", not " + signer);
      }
      requireBalance(state, signer, deposit.amount());
      return List.of(
          new Deposited(
              deposit.jobId(), signer, deposit.amount(), job.balance().add(deposit.amount())));
    } else if (operation instanceof Settle settle) {
      return settle(state, signer, settle);
    } else if (operation instanceof Close close) {
      operatorOnly(signer, "closes escrow jobs");
      EscrowJob job = openJob(state, close.jobId());
      return List.of(new Refunded(close.jobId(), job.supporter(), job.balance()));
    } else if (operation instanceof FundPool fund) {
      positive(fund.amount(), "pool funding");
      requireBalance(state, signer, fund.amount());
      return List.of(new PoolFunded(signer, fund.amount(), state.reportPool().add(fund.amount())));
    } else if (operation instanceof OpenRound open) {
      return openRound(state, signer, open);
    } else if (operation instanceof Report report) {
      return report(state, signer, report);
    } else if (operation instanceof CloseRound close) {
      return closeRound(state, signer, close);
    }
    return decideStake(state, signer, operation, now);
  }

  /** The ProviderStakes operations. */
  private List<LedgerEvent> decideStake(
      LedgerState state, EthereumAddress signer, LedgerOperation operation, long now) {
    StakeBook stakes = state.stakes();
    if (operation instanceof Stake stake) {
      // a stake is a transferAndCall on a chain: the transfer is checked before the contract
      requireBalance(state, signer, stake.amount());
      positive(stake.amount(), "a stake");
      ProviderStake current = stakes.of(signer);
      if (current.exiting()) {
        throw new Rejection(
            ErrorCode.STAKE_EXITING, signer + " began exiting and cannot add to its stake");
      }
      return List.of(new Staked(signer, stake.amount(), current.stake().add(stake.amount())));
    } else if (operation instanceof BeginExit) {
      ProviderStake current = stakes.of(signer);
      if (current.exiting()) {
        throw new Rejection(ErrorCode.STAKE_EXITING, signer + " already began exiting");
      }
      if (current.total().signum() == 0) {
        throw new Rejection(ErrorCode.STAKE_NOT_FOUND, signer + " has no stake to exit with");
      }
      return List.of(new ExitBegun(signer, now + unbondingSeconds));
    } else if (operation instanceof Withdraw) {
      ProviderStake current = stakes.of(signer);
      if (!current.exiting()) {
        throw new Rejection(
            ErrorCode.STAKE_NOT_EXITING, signer + " withdraws only after beginning to exit");
      }
      if (now < current.withdrawableAt()) {
        throw new Rejection(
            ErrorCode.STAKE_UNBONDING,
            signer + "'s stake unbonds at " + current.withdrawableAt() + "; it is " + now);
      }
      if (now < current.frozenUntil()) {
        throw new Rejection(
            ErrorCode.STAKE_FROZEN,
            signer + "'s stake is frozen until " + current.frozenUntil() + "; it is " + now);
      }
      return List.of(new Withdrawn(signer, current.stake(), current.held()));
    } else if (operation instanceof Slash slash) {
      operatorOnly(signer, "slashes stakes");
      applyOnce(stakes.slashes(), slash.slashId(), "slash");
      positive(slash.amount(), "a slash");
      ProviderStake current = stakes.of(slash.provider());
      BigInteger fromHeld = slash.amount().min(current.held());
      BigInteger fromStake = slash.amount().subtract(fromHeld).min(current.stake());
      return List.of(new Slashed(slash.provider(), fromHeld, fromStake, slash.slashId()));
    } else if (operation instanceof Freeze freeze) {
      operatorOnly(signer, "freezes stakes");
      long until = Math.max(stakes.of(freeze.provider()).frozenUntil(), freeze.until());
      return List.of(new Frozen(freeze.provider(), until));
    } else if (operation instanceof ReleaseHeld release) {
      operatorOnly(signer, "releases held earnings");
      applyOnce(stakes.releases(), release.releaseId(), "release");
      positive(release.amount(), "a release");
      BigInteger held = stakes.of(release.provider()).held();
      if (held.compareTo(release.amount()) < 0) {
        throw new Rejection(
            ErrorCode.HELD_INSUFFICIENT,
            release.provider() + " has " + held + " held; the release needs " + release.amount());
      }
      return List.of(new HeldReleased(release.provider(), release.amount(), release.releaseId()));
    } else if (operation instanceof PayRepair repair) {
      operatorOnly(signer, "pays repairs");
      applyOnce(stakes.repairs(), repair.repairId(), "repair payment");
      positive(repair.amount(), "a repair payment");
      if (repair.recipient().equals(Ledger.ZERO_ADDRESS)) {
        throw new Rejection(ErrorCode.INVALID_ADDRESS, "a repair is not paid to the zero address");
      }
      if (stakes.repairFund().compareTo(repair.amount()) < 0) {
        throw new Rejection(
            ErrorCode.REPAIR_FUND_INSUFFICIENT,
            "the repair fund holds " + stakes.repairFund() + "; " + repair.amount() + " needed");
      }
      return List.of(new RepairPaid(repair.recipient(), repair.amount(), repair.repairId()));
    }
    throw new IllegalStateException("unknown " + operation);
  }

  private static void applyOnce(Set<Bytes32> applied, Bytes32 id, String what) {
    if (applied.contains(id)) {
      throw new Rejection(ErrorCode.SETTLEMENT_APPLIED, what + " " + id + " was already applied");
    }
  }

  private List<LedgerEvent> settle(LedgerState state, EthereumAddress signer, Settle settle) {
    operatorOnly(signer, "settles escrow jobs");
    EscrowJob job = openJob(state, settle.jobId());
    if (state.settlements().contains(settle.settlementId())) {
      throw new Rejection(
          ErrorCode.SETTLEMENT_APPLIED,
          "settlement " + settle.settlementId() + " was already applied");
    }
    if (settle.payouts().size() + settle.held().size() > MAX_RECIPIENTS) {
      throw new Rejection(
          ErrorCode.INVALID_SETTLEMENT,
          "a settlement pays and holds back at most " + MAX_RECIPIENTS + " amounts");
    }
    BigInteger total = settle.burn();
    for (Payout payout : settle.payouts()) {
      if (payout.recipient().equals(Ledger.ZERO_ADDRESS)) {
        throw new Rejection(ErrorCode.INVALID_SETTLEMENT, "a payout names the zero address");
      }
      total = total.add(payout.amount());
    }
    for (Payout held : settle.held()) {
      if (held.recipient().equals(Ledger.ZERO_ADDRESS)) {
        throw new Rejection(ErrorCode.INVALID_SETTLEMENT, "a held amount names the zero address");
      }
      total = total.add(held.amount());
    }
    if (total.compareTo(job.balance()) > 0) {
      throw new Rejection(
          ErrorCode.ESCROW_INSUFFICIENT,
          "job " + settle.jobId() + " holds " + job.balance() + "; the settlement needs " + total);
    }
    List<LedgerEvent> events = new ArrayList<>();
    for (Payout payout : settle.payouts()) {
      if (payout.amount().signum() > 0) {
        events.add(
            new PaidOut(
                settle.jobId(), payout.recipient(), payout.amount(), settle.settlementId()));
      }
    }
    for (Payout held : settle.held()) {
      if (held.amount().signum() > 0) {
        events.add(
            new HeldBack(settle.jobId(), held.recipient(), held.amount(), settle.settlementId()));
      }
    }
    if (settle.burn().signum() > 0) {
      events.add(new Burned(settle.jobId(), settle.burn(), settle.settlementId()));
    }
    events.add(new Settled(settle.jobId(), settle.settlementId()));
    return events;
  }

  private List<LedgerEvent> openRound(LedgerState state, EthereumAddress signer, OpenRound open) {
    operatorOnly(signer, "opens report rounds");
    Bytes32 id = open.round().id();
    if (state.rounds().containsKey(id)) {
      throw new Rejection(ErrorCode.ROUND_EXISTS, "round " + id + " is already open");
    }
    int count = open.reporters().size();
    if (count == 0 || count > MAX_REPORTERS) {
      throw new Rejection(
          ErrorCode.INVALID_ROUND, "a round has 1 to " + MAX_REPORTERS + " reporters");
    }
    BigInteger reserved = open.rewardPerReporter().multiply(BigInteger.valueOf(count));
    if (reserved.compareTo(state.reportPool()) > 0) {
      throw new Rejection(
          ErrorCode.POOL_INSUFFICIENT,
          "the report pool holds " + state.reportPool() + "; the round reserves " + reserved);
    }
    if (new HashSet<>(open.reporters()).size() != count) {
      throw new Rejection(ErrorCode.INVALID_ROUND, "a reporter is named twice");
    }
    return List.of(new RoundOpened(open.round(), open.reporters(), open.rewardPerReporter()));
  }

  private List<LedgerEvent> report(LedgerState state, EthereumAddress signer, Report report) {
    Bytes32 id = report.round().id();
    ReportRound round = openRound(state, id);
    if (!round.reporters().contains(signer)) {
      throw new Rejection(ErrorCode.NOT_PERMITTED, signer + " is not a reporter of round " + id);
    }
    if (round.reports().containsKey(signer)) {
      throw new Rejection(ErrorCode.ALREADY_REPORTED, signer + " already reported in round " + id);
    }
    RoundOutcome.Report submitted = new RoundOutcome.Report(report.eventCount(), report.checksum());
    List<LedgerEvent> events = new ArrayList<>();
    events.add(new Reported(id, signer, report.eventCount(), report.checksum()));
    long votes = round.votesFor(submitted) + 1;
    if (round.finalReport().isEmpty()
        && votes * 10_000 >= (long) coherenceBps * round.reporters().size()) {
      events.add(new ReportFinalised(id, report.eventCount(), report.checksum()));
    }
    return events;
  }

  private List<LedgerEvent> closeRound(
      LedgerState state, EthereumAddress signer, CloseRound close) {
    operatorOnly(signer, "closes report rounds");
    Bytes32 id = close.round().id();
    ReportRound round = openRound(state, id);
    List<LedgerEvent> events = new ArrayList<>();
    for (EthereumAddress reporter : round.reporters()) {
      RoundOutcome.Report submitted = round.reports().get(reporter);
      if (submitted == null) {
        events.add(new ReporterUnrewarded(id, reporter, Unrewarded.MISSING));
      } else if (!round.finalReport().equals(Optional.of(submitted))) {
        events.add(new ReporterUnrewarded(id, reporter, Unrewarded.DISAGREED));
      } else if (round.rewardPerReporter().signum() > 0) {
        events.add(new ReporterRewarded(id, reporter, round.rewardPerReporter()));
      }
    }
    events.add(new RoundClosed(id, round.finalReport().isPresent()));
    return events;
  }

  private static ReportRound openRound(LedgerState state, Bytes32 id) {
    ReportRound round = state.rounds().get(id);
    if (round == null) {
      throw new Rejection(ErrorCode.ROUND_NOT_FOUND, "no report round " + id);
    }
    if (round.closed()) {
      throw new Rejection(ErrorCode.ROUND_CLOSED, "report round " + id + " is closed");
    }
    return round;
  }

  /** The licence's new end: from its end while active, else from now and at least the minimum. */
  private static LicenceExtended extend(
      LedgerState state,
      Product product,
      EthereumAddress buyer,
      long seconds,
      BigInteger price,
      long now) {
    long end = state.licence(product.id(), buyer).endsAt();
    if (seconds <= 0) {
      throw new Rejection(ErrorCode.INVALID_AMOUNT, "a licence is bought for at least 1 second");
    }
    long from;
    if (end > now) {
      from = end;
    } else {
      if (seconds < product.terms().minimumSeconds()) {
        throw new Rejection(
            ErrorCode.BELOW_MINIMUM_SECONDS,
            "a new licence to product "
                + product.id()
                + " is at least "
                + product.terms().minimumSeconds()
                + " seconds, not "
                + seconds);
      }
      from = now;
    }
    try {
      return new LicenceExtended(product.id(), buyer, Math.addExact(from, seconds), seconds, price);
    } catch (ArithmeticException overflow) {
      throw new Rejection(ErrorCode.INVALID_AMOUNT, seconds + " seconds is too long a licence");
    }
  }

  /**
   * The protocol fee first, then the rest by shares; the rounding remainder goes to the first
   * beneficiary. Parts of 0 are not paid.
   */
  private static List<LedgerEvent> salePayments(
      LedgerState state, Product product, BigInteger price) {
    List<LedgerEvent> events = new ArrayList<>();
    BigInteger fee =
        price
            .multiply(BigInteger.valueOf(state.protocolFeeBps()))
            .divide(BigInteger.valueOf(10_000));
    if (fee.signum() > 0) {
      events.add(new SalePaid(product.id(), state.protocolFeeRecipient(), fee));
    }
    BigInteger rest = price.subtract(fee);
    BigInteger total = BigInteger.valueOf(product.terms().totalShares());
    List<ProductTerms.Beneficiary> beneficiaries = product.terms().beneficiaries();
    List<BigInteger> parts = new ArrayList<>();
    BigInteger paid = BigInteger.ZERO;
    for (ProductTerms.Beneficiary beneficiary : beneficiaries) {
      BigInteger part = rest.multiply(BigInteger.valueOf(beneficiary.shares())).divide(total);
      parts.add(part);
      paid = paid.add(part);
    }
    parts.set(0, parts.get(0).add(rest.subtract(paid)));
    for (int i = 0; i < parts.size(); i++) {
      if (parts.get(i).signum() > 0) {
        events.add(new SalePaid(product.id(), beneficiaries.get(i).address(), parts.get(i)));
      }
    }
    return events;
  }

  private static void checkTerms(ProductTerms terms) {
    int items = terms.streams().size() + terms.cores().size();
    if (items == 0) {
      throw invalidProduct("no streams or cores");
    }
    if (items > ProductTerms.MAX_ITEMS) {
      throw invalidProduct("too many streams or cores");
    }
    if (terms.pricePerSecond().signum() <= 0) {
      throw invalidProduct("price per second is zero");
    }
    if (terms.beneficiaries().isEmpty()
        || terms.beneficiaries().size() > ProductTerms.MAX_BENEFICIARIES) {
      throw invalidProduct("beneficiaries must be 1 to 16");
    }
    for (ProductTerms.Beneficiary beneficiary : terms.beneficiaries()) {
      if (beneficiary.address().equals(Ledger.ZERO_ADDRESS)) {
        throw invalidProduct("zero beneficiary");
      }
      if (beneficiary.shares() <= 0) {
        throw invalidProduct("zero share");
      }
    }
  }

  private static Rejection invalidProduct(String reason) {
    return new Rejection(ErrorCode.INVALID_PRODUCT, "invalid product: " + reason);
  }

  private static Product product(LedgerState state, long productId) {
    Product product = state.products().get(productId);
    if (product == null) {
      throw new Rejection(ErrorCode.PRODUCT_NOT_FOUND, "no product " + productId);
    }
    return product;
  }

  private static Product ownedProduct(LedgerState state, long productId, EthereumAddress signer) {
    Product product = product(state, productId);
    if (!product.owner().equals(signer)) {
      throw new Rejection(
          ErrorCode.NOT_PERMITTED,
          "product " + productId + " belongs to " + product.owner() + ", not " + signer);
    }
    return product;
  }

  private static EscrowJob openJob(LedgerState state, Bytes32 jobId) {
    EscrowJob job = state.job(jobId);
    if (!job.exists()) {
      throw new Rejection(ErrorCode.JOB_NOT_FOUND, "no escrow for job " + jobId);
    }
    if (job.closed()) {
      throw jobClosed(jobId);
    }
    return job;
  }

  private static Rejection jobClosed(Bytes32 jobId) {
    return new Rejection(ErrorCode.JOB_CLOSED, "job " + jobId + " is closed");
  }

  private static void requireBalance(LedgerState state, EthereumAddress account, BigInteger need) {
    BigInteger balance = state.balanceOf(account);
    if (balance.compareTo(need) < 0) {
      throw new Rejection(
          ErrorCode.INSUFFICIENT_BALANCE, account + " holds " + balance + "; " + need + " needed");
    }
  }

  private static void positive(BigInteger amount, String what) {
    if (amount.signum() <= 0) {
      throw new Rejection(ErrorCode.INVALID_AMOUNT, what + " must be above zero");
    }
  }

  private void operatorOnly(EthereumAddress signer, String what) {
    if (!signer.equals(operator)) {
      throw new Rejection(
          ErrorCode.NOT_PERMITTED, "only the ledger's operator " + operator + " " + what);
    }
  }
}
