package io.cairn.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.ledger.LedgerEvent.Burned;
import io.cairn.ledger.LedgerEvent.Deposited;
import io.cairn.ledger.LedgerEvent.ExitBegun;
import io.cairn.ledger.LedgerEvent.Frozen;
import io.cairn.ledger.LedgerEvent.HeldBack;
import io.cairn.ledger.LedgerEvent.HeldReleased;
import io.cairn.ledger.LedgerEvent.LicenceExtended;
import io.cairn.ledger.LedgerEvent.LicenceRevoked;
import io.cairn.ledger.LedgerEvent.PaidOut;
import io.cairn.ledger.LedgerEvent.ProductCreated;
import io.cairn.ledger.LedgerEvent.Refunded;
import io.cairn.ledger.LedgerEvent.RepairPaid;
import io.cairn.ledger.LedgerEvent.ReportFinalised;
import io.cairn.ledger.LedgerEvent.Reported;
import io.cairn.ledger.LedgerEvent.ReporterRewarded;
import io.cairn.ledger.LedgerEvent.ReporterUnrewarded;
import io.cairn.ledger.LedgerEvent.RoundClosed;
import io.cairn.ledger.LedgerEvent.RoundOpened;
import io.cairn.ledger.LedgerEvent.SalePaid;
import io.cairn.ledger.LedgerEvent.Slashed;
import io.cairn.ledger.LedgerEvent.Staked;
import io.cairn.ledger.LedgerEvent.Transferred;
import io.cairn.ledger.LedgerEvent.Unrewarded;
import io.cairn.ledger.LedgerEvent.Withdrawn;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.event.EvmSigner;
import io.cairn.protocol.ledger.Bytes32;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The ledger's rules, scenario by scenario, on a backend a subclass gives: the embedded ledger
 * always, the contracts on a chain where one runs. Every scenario checks the events an operation
 * causes, the balances after it, and that a refused operation names its reason and moves nothing.
 */
public abstract class LedgerConformanceSuite {
  private static final Bytes32 TERMS = Bytes32.of(new byte[32]);

  /** The providers' unbonding time both backends are set up with: short, as time is advanced. */
  public static final long UNBONDING_SECONDS = 5;

  /** The backend under test, fresh for each test. */
  protected abstract Ledger ledger();

  /** The account holding the contracts' roles (minter, settler, round opener, market admin). */
  protected abstract EvmSigner operator();

  /** A new account the backend can act for (on a chain: with gas money, without tokens). */
  protected abstract EvmSigner newAccount();

  /** Moves the ledger's time on by {@code seconds}. */
  protected abstract void advance(long seconds);

  /** The coherence threshold the backend was set up with, in basis points. */
  protected int coherenceBps() {
    return 9000;
  }

  // ---- token ----

  @Test
  void mintsTransfersAndRefusesWhatItCannotDo() {
    EvmSigner alice = newAccount();
    EvmSigner bob = newAccount();
    BigInteger supplyBefore = await(ledger().totalSupply());

    assertEquals(
        List.of(new Transferred(Ledger.ZERO_ADDRESS, alice.address(), units(1000))),
        submit(operator(), new LedgerOperation.Mint(alice.address(), units(1000))));
    assertEquals(
        List.of(new Transferred(alice.address(), bob.address(), units(300))),
        submit(alice, new LedgerOperation.Transfer(bob.address(), units(300))));

    refused(
        ErrorCode.INSUFFICIENT_BALANCE,
        alice,
        new LedgerOperation.Transfer(bob.address(), units(701)));
    refused(
        ErrorCode.INVALID_ADDRESS,
        alice,
        new LedgerOperation.Transfer(Ledger.ZERO_ADDRESS, units(1)));
    refused(ErrorCode.NOT_PERMITTED, alice, new LedgerOperation.Mint(alice.address(), units(1)));

    assertEquals(units(700), balance(alice));
    assertEquals(units(300), balance(bob));
    assertEquals(supplyBefore.add(units(1000)), await(ledger().totalSupply()));
  }

  // ---- market ----

  @Test
  void aPurchasePaysTheFeeAndTheBeneficiariesByShareAndStartsOrExtendsTheLicence() {
    EvmSigner seller = newAccount();
    EvmSigner persistor = newAccount();
    EvmSigner buyer = newAccount();
    EthereumAddress feeRecipient = newAccount().address();
    submit(operator(), new LedgerOperation.SetProtocolFee(feeRecipient, 250));
    submit(operator(), new LedgerOperation.Mint(buyer.address(), BigInteger.valueOf(100_000)));
    Product product =
        createProduct(
            seller,
            BigInteger.valueOf(7),
            60,
            List.of(
                new ProductTerms.Beneficiary(seller.address(), 2),
                new ProductTerms.Beneficiary(persistor.address(), 1)));

    long before = await(ledger().now());
    List<LedgerEvent> bought = submit(buyer, new LedgerOperation.Buy(product.id(), 100));
    long after = await(ledger().now());
    // price 700; fee 700 * 250 / 10000 = 17; rest 683 split 2:1 -> 455 and 227, remainder 1 to
    // the first beneficiary
    LicenceExtended extended = (LicenceExtended) bought.get(0);
    assertEquals(
        List.of(
            new LicenceExtended(
                product.id(), buyer.address(), extended.endsAt(), 100, BigInteger.valueOf(700)),
            new SalePaid(product.id(), feeRecipient, BigInteger.valueOf(17)),
            new SalePaid(product.id(), seller.address(), BigInteger.valueOf(456)),
            new SalePaid(product.id(), persistor.address(), BigInteger.valueOf(227))),
        bought);
    assertTrue(
        extended.endsAt() >= before + 100 && extended.endsAt() <= after + 100,
        "a new licence runs from the purchase: "
            + extended.endsAt()
            + " in "
            + before
            + ".."
            + after);
    assertEquals(BigInteger.valueOf(99_300), balance(buyer));
    assertEquals(BigInteger.valueOf(456), balance(seller));
    assertEquals(BigInteger.valueOf(227), await(ledger().balanceOf(persistor.address())));
    assertEquals(BigInteger.valueOf(17), await(ledger().balanceOf(feeRecipient)));

    List<LedgerEvent> extendedAgain = submit(buyer, new LedgerOperation.Buy(product.id(), 5));
    assertEquals(
        extended.endsAt() + 5,
        ((LicenceExtended) extendedAgain.get(0)).endsAt(),
        "an active licence is extended from its end, even below the minimum");
    assertEquals(
        new Licence(product.id(), buyer.address(), extended.endsAt() + 5),
        await(ledger().licence(product.id(), buyer.address())));

    refused(ErrorCode.PRODUCT_NOT_FOUND, buyer, new LedgerOperation.Buy(product.id() + 1000, 60));
    EvmSigner poor = newAccount();
    refused(ErrorCode.INSUFFICIENT_BALANCE, poor, new LedgerOperation.Buy(product.id(), 60));
    submit(operator(), new LedgerOperation.Mint(poor.address(), BigInteger.valueOf(10_000)));
    refused(ErrorCode.BELOW_MINIMUM_SECONDS, poor, new LedgerOperation.Buy(product.id(), 59));
    assertEquals(BigInteger.valueOf(10_000), balance(poor), "a refused purchase takes nothing");
    assertEquals(0, await(ledger().licence(product.id(), poor.address())).endsAt());
  }

  @Test
  void aLapsedLicenceStartsAgainFromNowAndTheOwnerGrantsAndRevokes() {
    EvmSigner seller = newAccount();
    EvmSigner buyer = newAccount();
    EvmSigner friend = newAccount();
    submit(operator(), new LedgerOperation.Mint(buyer.address(), BigInteger.valueOf(1_000)));
    Product product =
        createProduct(
            seller, BigInteger.ONE, 10, List.of(new ProductTerms.Beneficiary(seller.address(), 1)));

    long firstEnd =
        ((LicenceExtended) submit(buyer, new LedgerOperation.Buy(product.id(), 10)).get(0))
            .endsAt();
    advance(30);
    long now = await(ledger().now());
    assertFalse(await(ledger().licence(product.id(), buyer.address())).activeAt(now));
    long secondEnd =
        ((LicenceExtended) submit(buyer, new LedgerOperation.Buy(product.id(), 10)).get(0))
            .endsAt();
    assertTrue(secondEnd >= firstEnd + 30, "a lapsed licence starts again from now");

    List<LedgerEvent> granted =
        submit(seller, new LedgerOperation.GrantLicence(product.id(), friend.address(), 20));
    long grantedEnd = ((LicenceExtended) granted.get(0)).endsAt();
    assertEquals(
        List.of(
            new LicenceExtended(product.id(), friend.address(), grantedEnd, 20, BigInteger.ZERO)),
        granted);
    assertTrue(grantedEnd >= now + 20);
    refused(
        ErrorCode.NOT_PERMITTED,
        buyer,
        new LedgerOperation.GrantLicence(product.id(), buyer.address(), 20));
    refused(
        ErrorCode.NOT_PERMITTED,
        buyer,
        new LedgerOperation.RevokeLicence(product.id(), friend.address()));

    List<LedgerEvent> revoked =
        submit(seller, new LedgerOperation.RevokeLicence(product.id(), friend.address()));
    long endedAt = ((LicenceRevoked) revoked.get(0)).endedAt();
    assertEquals(List.of(new LicenceRevoked(product.id(), friend.address(), endedAt)), revoked);
    assertTrue(endedAt < grantedEnd && endedAt >= now, "a revoked licence ends now");
    assertFalse(
        await(ledger().licence(product.id(), friend.address())).activeAt(await(ledger().now())));
    assertEquals(BigInteger.valueOf(980), balance(buyer), "a grant and a revoke move no tokens");
  }

  @Test
  void aProductNeedsItemsAPriceAndBeneficiariesWithShares() {
    EvmSigner seller = newAccount();
    ProductTerms.Beneficiary self = new ProductTerms.Beneficiary(seller.address(), 1);
    String stream = seller.address() + "/sold";
    refusedProduct(
        seller, new ProductTerms(List.of(), List.of(), BigInteger.ONE, 0, TERMS, List.of(self)));
    refusedProduct(
        seller,
        new ProductTerms(List.of(stream), List.of(), BigInteger.ZERO, 0, TERMS, List.of(self)));
    refusedProduct(
        seller, new ProductTerms(List.of(stream), List.of(), BigInteger.ONE, 0, TERMS, List.of()));
    refusedProduct(
        seller,
        new ProductTerms(
            List.of(stream),
            List.of(),
            BigInteger.ONE,
            0,
            TERMS,
            List.of(new ProductTerms.Beneficiary(seller.address(), 0))));
  }

  private void refusedProduct(EvmSigner seller, ProductTerms terms) {
    refused(ErrorCode.INVALID_PRODUCT, seller, new LedgerOperation.CreateProduct(terms));
  }

  // ---- escrow ----

  @Test
  void anEscrowPaysBurnsAndRefundsOnlyWhatWasDepositedAndEachSettlementOnce() {
    Random random = new Random(7);
    EvmSigner supporter = newAccount();
    EvmSigner hoster = newAccount();
    EvmSigner other = newAccount();
    Bytes32 job = randomId(random);
    submit(operator(), new LedgerOperation.Mint(supporter.address(), units(100)));
    submit(operator(), new LedgerOperation.Mint(other.address(), units(10)));
    BigInteger supply = await(ledger().totalSupply());

    assertEquals(
        List.of(new Deposited(job, supporter.address(), units(60), units(60))),
        submit(supporter, new LedgerOperation.Deposit(job, units(60))));
    refused(ErrorCode.NOT_PERMITTED, other, new LedgerOperation.Deposit(job, units(1)));
    refused(ErrorCode.INVALID_AMOUNT, supporter, new LedgerOperation.Deposit(job, BigInteger.ZERO));
    refused(ErrorCode.INSUFFICIENT_BALANCE, supporter, new LedgerOperation.Deposit(job, units(41)));

    Bytes32 settlement = randomId(random);
    LedgerOperation.Settle settle =
        new LedgerOperation.Settle(
            job, settlement, List.of(new Payout(hoster.address(), units(20))), List.of(), units(5));
    refused(ErrorCode.NOT_PERMITTED, supporter, settle);
    assertEquals(
        List.of(
            new PaidOut(job, hoster.address(), units(20), settlement),
            new Burned(job, units(5), settlement)),
        submit(operator(), settle));
    refused(ErrorCode.SETTLEMENT_APPLIED, operator(), settle);
    refused(
        ErrorCode.ESCROW_INSUFFICIENT,
        operator(),
        new LedgerOperation.Settle(
            job,
            randomId(random),
            List.of(new Payout(hoster.address(), units(35))),
            List.of(),
            units(1)));
    refused(
        ErrorCode.JOB_NOT_FOUND,
        operator(),
        new LedgerOperation.Settle(
            randomId(random), randomId(random), List.of(), List.of(), units(1)));

    assertEquals(
        List.of(new Refunded(job, supporter.address(), units(35))),
        submit(operator(), new LedgerOperation.Close(job)));
    refused(ErrorCode.JOB_CLOSED, supporter, new LedgerOperation.Deposit(job, units(1)));
    refused(ErrorCode.JOB_CLOSED, operator(), new LedgerOperation.Close(job));

    assertEquals(
        new EscrowJob(
            job,
            supporter.address(),
            BigInteger.ZERO,
            units(60),
            units(20),
            units(5),
            BigInteger.ZERO,
            units(35),
            true),
        await(ledger().escrowJob(job)));
    assertEquals(units(75), balance(supporter));
    assertEquals(units(20), balance(hoster));
    assertEquals(supply.subtract(units(5)), await(ledger().totalSupply()), "the burn is gone");
  }

  // ---- provider stakes ----

  @Test
  void aProviderStakesBeginsToExitAndWithdrawsOnlyOnceUnbonded() {
    EvmSigner provider = newAccount();
    submit(operator(), new LedgerOperation.Mint(provider.address(), units(100)));

    assertEquals(
        List.of(new Staked(provider.address(), units(60), units(60))),
        submit(provider, new LedgerOperation.Stake(units(60))));
    assertEquals(
        List.of(new Staked(provider.address(), units(5), units(65))),
        submit(provider, new LedgerOperation.Stake(units(5))));
    refused(ErrorCode.INVALID_AMOUNT, provider, new LedgerOperation.Stake(BigInteger.ZERO));
    refused(ErrorCode.INSUFFICIENT_BALANCE, provider, new LedgerOperation.Stake(units(36)));
    assertEquals(
        new ProviderStake(provider.address(), units(65), BigInteger.ZERO, false, 0, 0),
        await(ledger().providerStake(provider.address())));
    refused(ErrorCode.STAKE_NOT_EXITING, provider, new LedgerOperation.Withdraw());
    refused(ErrorCode.STAKE_NOT_FOUND, newAccount(), new LedgerOperation.BeginExit());

    long before = await(ledger().now());
    List<LedgerEvent> begun = submit(provider, new LedgerOperation.BeginExit());
    long after = await(ledger().now());
    long withdrawableAt = ((ExitBegun) begun.get(0)).withdrawableAt();
    assertEquals(List.of(new ExitBegun(provider.address(), withdrawableAt)), begun);
    assertTrue(
        withdrawableAt >= before + UNBONDING_SECONDS && withdrawableAt <= after + UNBONDING_SECONDS,
        "unbonding runs from the exit: " + withdrawableAt + " in " + before + ".." + after);
    refused(ErrorCode.STAKE_EXITING, provider, new LedgerOperation.BeginExit());
    refused(ErrorCode.STAKE_EXITING, provider, new LedgerOperation.Stake(units(1)));
    refused(ErrorCode.STAKE_UNBONDING, provider, new LedgerOperation.Withdraw());
    assertEquals(
        new ProviderStake(provider.address(), units(65), BigInteger.ZERO, true, withdrawableAt, 0),
        await(ledger().providerStake(provider.address())));

    advance(UNBONDING_SECONDS + 1);
    assertEquals(
        List.of(new Withdrawn(provider.address(), units(65), BigInteger.ZERO)),
        submit(provider, new LedgerOperation.Withdraw()));
    assertEquals(units(100), balance(provider));
    assertEquals(
        ProviderStake.none(provider.address()), await(ledger().providerStake(provider.address())));
    refused(ErrorCode.STAKE_NOT_EXITING, provider, new LedgerOperation.Withdraw());
  }

  @Test
  void aSettlementHoldsBackEarningsAndASlashTakesThemFirstIntoTheRepairFund() {
    Random random = new Random(17);
    EvmSigner provider = newAccount();
    EvmSigner supporter = newAccount();
    EthereumAddress witness = newAccount().address();
    Bytes32 job = randomId(random);
    submit(operator(), new LedgerOperation.Mint(provider.address(), units(50)));
    submit(operator(), new LedgerOperation.Mint(supporter.address(), units(100)));
    submit(provider, new LedgerOperation.Stake(units(50)));
    submit(supporter, new LedgerOperation.Deposit(job, units(100)));
    BigInteger fundBefore = await(ledger().repairFund());

    Bytes32 settlement = randomId(random);
    assertEquals(
        List.of(
            new PaidOut(job, provider.address(), units(10), settlement),
            new HeldBack(job, provider.address(), units(30), settlement),
            new Burned(job, units(2), settlement)),
        submit(
            operator(),
            new LedgerOperation.Settle(
                job,
                settlement,
                List.of(new Payout(provider.address(), units(10))),
                List.of(new Payout(provider.address(), units(30))),
                units(2))));
    assertEquals(
        new EscrowJob(
            job,
            supporter.address(),
            units(58),
            units(100),
            units(10),
            units(2),
            units(30),
            BigInteger.ZERO,
            false),
        await(ledger().escrowJob(job)));
    assertEquals(
        new ProviderStake(provider.address(), units(50), units(30), false, 0, 0),
        await(ledger().providerStake(provider.address())));
    refused(
        ErrorCode.INVALID_SETTLEMENT,
        operator(),
        new LedgerOperation.Settle(
            job,
            randomId(random),
            List.of(),
            List.of(new Payout(Ledger.ZERO_ADDRESS, units(1))),
            BigInteger.ZERO));
    List<Payout> many = new ArrayList<>();
    for (int i = 0; i < LedgerRules.MAX_RECIPIENTS / 2 + 1; i++) {
      many.add(new Payout(provider.address(), BigInteger.ONE));
    }
    refused(
        ErrorCode.INVALID_SETTLEMENT,
        operator(),
        new LedgerOperation.Settle(job, randomId(random), many, many, BigInteger.ZERO));

    Bytes32 slash = randomId(random);
    LedgerOperation.Slash slashing =
        new LedgerOperation.Slash(provider.address(), units(40), slash);
    refused(ErrorCode.NOT_PERMITTED, supporter, slashing);
    assertEquals(
        List.of(new Slashed(provider.address(), units(30), units(10), slash)),
        submit(operator(), slashing));
    refused(ErrorCode.SETTLEMENT_APPLIED, operator(), slashing);
    refused(
        ErrorCode.INVALID_AMOUNT,
        operator(),
        new LedgerOperation.Slash(provider.address(), BigInteger.ZERO, randomId(random)));
    Bytes32 beyond = randomId(random);
    assertEquals(
        List.of(new Slashed(provider.address(), BigInteger.ZERO, units(40), beyond)),
        submit(operator(), new LedgerOperation.Slash(provider.address(), units(1000), beyond)),
        "a slash takes at most what there is");
    assertEquals(
        ProviderStake.none(provider.address()), await(ledger().providerStake(provider.address())));
    assertEquals(fundBefore.add(units(80)), await(ledger().repairFund()));

    Bytes32 repair = randomId(random);
    LedgerOperation.PayRepair paying = new LedgerOperation.PayRepair(witness, units(20), repair);
    refused(ErrorCode.NOT_PERMITTED, supporter, paying);
    assertEquals(List.of(new RepairPaid(witness, units(20), repair)), submit(operator(), paying));
    refused(ErrorCode.SETTLEMENT_APPLIED, operator(), paying);
    refused(
        ErrorCode.REPAIR_FUND_INSUFFICIENT,
        operator(),
        new LedgerOperation.PayRepair(
            witness, await(ledger().repairFund()).add(BigInteger.ONE), randomId(random)));
    refused(
        ErrorCode.INVALID_ADDRESS,
        operator(),
        new LedgerOperation.PayRepair(Ledger.ZERO_ADDRESS, units(1), randomId(random)));
    assertEquals(units(20), await(ledger().balanceOf(witness)));
    assertEquals(fundBefore.add(units(60)), await(ledger().repairFund()));
  }

  @Test
  void heldEarningsAreReleasedAndAFreezeHoldsAWithdrawalBackAndIsNeverShortened() {
    Random random = new Random(19);
    EvmSigner provider = newAccount();
    EvmSigner supporter = newAccount();
    Bytes32 job = randomId(random);
    submit(operator(), new LedgerOperation.Mint(supporter.address(), units(30)));
    submit(supporter, new LedgerOperation.Deposit(job, units(30)));
    submit(
        operator(),
        new LedgerOperation.Settle(
            job,
            randomId(random),
            List.of(),
            List.of(new Payout(provider.address(), units(30))),
            BigInteger.ZERO));

    refused(
        ErrorCode.HELD_INSUFFICIENT,
        operator(),
        new LedgerOperation.ReleaseHeld(provider.address(), units(31), randomId(random)));
    Bytes32 release = randomId(random);
    LedgerOperation.ReleaseHeld releasing =
        new LedgerOperation.ReleaseHeld(provider.address(), units(10), release);
    refused(ErrorCode.NOT_PERMITTED, provider, releasing);
    assertEquals(
        List.of(new HeldReleased(provider.address(), units(10), release)),
        submit(operator(), releasing));
    refused(ErrorCode.SETTLEMENT_APPLIED, operator(), releasing);
    assertEquals(units(10), balance(provider));

    long frozenUntil = await(ledger().now()) + UNBONDING_SECONDS + 60;
    refused(
        ErrorCode.NOT_PERMITTED,
        provider,
        new LedgerOperation.Freeze(provider.address(), frozenUntil));
    assertEquals(
        List.of(new Frozen(provider.address(), frozenUntil)),
        submit(operator(), new LedgerOperation.Freeze(provider.address(), frozenUntil)));
    assertEquals(
        List.of(new Frozen(provider.address(), frozenUntil)),
        submit(operator(), new LedgerOperation.Freeze(provider.address(), frozenUntil - 30)),
        "a freeze is never shortened");

    long withdrawableAt =
        ((ExitBegun) submit(provider, new LedgerOperation.BeginExit()).get(0)).withdrawableAt();
    assertEquals(
        new ProviderStake(
            provider.address(), BigInteger.ZERO, units(20), true, withdrawableAt, frozenUntil),
        await(ledger().providerStake(provider.address())));
    advance(UNBONDING_SECONDS + 1);
    refused(ErrorCode.STAKE_FROZEN, provider, new LedgerOperation.Withdraw());
    advance(60);
    assertEquals(
        List.of(new Withdrawn(provider.address(), BigInteger.ZERO, units(20))),
        submit(provider, new LedgerOperation.Withdraw()));
    assertEquals(units(30), balance(provider));
  }

  // ---- checksum reports ----

  @Test
  void aReportIsFinalWhenTheCoherentShareAgreesAndOnlyAgreeingReportersArePaid() {
    Random random = new Random(11);
    EvmSigner funder = newAccount();
    List<EvmSigner> reporters = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      reporters.add(newAccount());
    }
    submit(operator(), new LedgerOperation.Mint(funder.address(), units(100)));
    BigInteger poolBefore = await(ledger().reportPool());
    submit(funder, new LedgerOperation.FundPool(units(100)));
    assertEquals(poolBefore.add(units(100)), await(ledger().reportPool()));

    RoundKey round =
        new RoundKey(funder.address() + "/reported", 0, 1_000 + random.nextInt(1_000_000));
    List<EthereumAddress> named = reporters.stream().map(EvmSigner::address).toList();
    refused(
        ErrorCode.POOL_INSUFFICIENT,
        operator(),
        new LedgerOperation.OpenRound(round, named, poolBefore.add(units(11))));
    refused(ErrorCode.NOT_PERMITTED, funder, new LedgerOperation.OpenRound(round, named, units(1)));
    assertEquals(
        List.of(new RoundOpened(round, named, units(1))),
        submit(operator(), new LedgerOperation.OpenRound(round, named, units(1))));
    refused(
        ErrorCode.ROUND_EXISTS, operator(), new LedgerOperation.OpenRound(round, named, units(1)));

    Bytes32 agreed = randomId(random);
    Bytes32 wrong = randomId(random);
    for (int i = 0; i < 8; i++) {
      List<LedgerEvent> reported =
          submit(reporters.get(i), new LedgerOperation.Report(round, 500, agreed));
      assertEquals(
          List.of(new Reported(round.id(), named.get(i), 500, agreed)),
          reported,
          "8 of 10 is below 90 %");
    }
    assertEquals(
        List.of(new Reported(round.id(), named.get(8), 499, wrong)),
        submit(reporters.get(8), new LedgerOperation.Report(round, 499, wrong)));
    refused(
        ErrorCode.ALREADY_REPORTED,
        reporters.get(0),
        new LedgerOperation.Report(round, 500, agreed));
    refused(ErrorCode.NOT_PERMITTED, funder, new LedgerOperation.Report(round, 500, agreed));
    assertTrue(await(ledger().outcome(round)).finalReport().isEmpty());

    // the ninth agreeing report is 90 %: final
    assertEquals(
        List.of(
            new Reported(round.id(), named.get(9), 500, agreed),
            new ReportFinalised(round.id(), 500, agreed)),
        submit(reporters.get(9), new LedgerOperation.Report(round, 500, agreed)));
    RoundOutcome outcome = await(ledger().outcome(round));
    assertEquals(Optional.of(new RoundOutcome.Report(500, agreed)), outcome.finalReport());
    assertFalse(outcome.closed());

    List<LedgerEvent> expected = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      expected.add(
          i == 8
              ? new ReporterUnrewarded(round.id(), named.get(i), Unrewarded.DISAGREED)
              : new ReporterRewarded(round.id(), named.get(i), units(1)));
    }
    expected.add(new RoundClosed(round.id(), true));
    assertEquals(expected, submit(operator(), new LedgerOperation.CloseRound(round)));
    refused(ErrorCode.ROUND_CLOSED, operator(), new LedgerOperation.CloseRound(round));
    assertEquals(units(1), balance(reporters.get(0)));
    assertEquals(BigInteger.ZERO, balance(reporters.get(8)));
    assertEquals(
        poolBefore.add(units(91)), await(ledger().reportPool()), "the unpaid reward returns");
    refused(
        ErrorCode.ROUND_NOT_FOUND,
        operator(),
        new LedgerOperation.CloseRound(new RoundKey(round.streamId(), 1, round.interval())));
  }

  @Test
  void aRoundWithoutEnoughAgreementPaysNobodyAndRecordsTheMissing() {
    Random random = new Random(13);
    EvmSigner funder = newAccount();
    EvmSigner first = newAccount();
    EvmSigner second = newAccount();
    submit(operator(), new LedgerOperation.Mint(funder.address(), units(10)));
    submit(funder, new LedgerOperation.FundPool(units(10)));
    RoundKey round =
        new RoundKey(funder.address() + "/split", 2, 1_000 + random.nextInt(1_000_000));
    submit(
        operator(),
        new LedgerOperation.OpenRound(round, List.of(first.address(), second.address()), units(2)));
    submit(first, new LedgerOperation.Report(round, 10, randomId(random)));
    assertEquals(
        List.of(
            new ReporterUnrewarded(round.id(), first.address(), Unrewarded.DISAGREED),
            new ReporterUnrewarded(round.id(), second.address(), Unrewarded.MISSING),
            new RoundClosed(round.id(), false)),
        submit(operator(), new LedgerOperation.CloseRound(round)));
    assertEquals(BigInteger.ZERO, balance(first));
  }

  // ---- conservation ----

  /**
   * Any sequence of operations, refused or not, keeps every token accounted for after every step:
   * the supply is the accounts' balances plus what escrows, the stakes (stake and held earnings),
   * the repair fund and the report pool hold, and each escrow's deposits equal its balance,
   * payouts, burns, held amounts and refunds, in integer units.
   */
  @Test
  void aRandomSequenceOfOperationsCreatesAndLosesNothing() {
    Random random = new Random(20261207L);
    List<EvmSigner> accounts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      accounts.add(newAccount());
    }
    List<EthereumAddress> everyone =
        new ArrayList<>(accounts.stream().map(EvmSigner::address).toList());
    everyone.add(operator().address());
    Product product =
        createProduct(
            accounts.get(0),
            BigInteger.valueOf(3),
            1,
            List.of(
                new ProductTerms.Beneficiary(accounts.get(0).address(), 3),
                new ProductTerms.Beneficiary(accounts.get(1).address(), 2)));
    submit(operator(), new LedgerOperation.SetProtocolFee(operator().address(), 100));
    List<Bytes32> jobs = List.of(randomId(random), randomId(random), randomId(random));
    List<RoundKey> rounds = new ArrayList<>();
    Holdings start = holdings(everyone, jobs);
    BigInteger outside = start.supply().subtract(start.accounted());
    int applied = 0;
    for (int step = 0; step < operationSteps(); step++) {
      EvmSigner actor = accounts.get(random.nextInt(accounts.size()));
      EthereumAddress target = accounts.get(random.nextInt(accounts.size())).address();
      BigInteger amount = BigInteger.valueOf(random.nextInt(2_000));
      Bytes32 job = jobs.get(random.nextInt(jobs.size()));
      LedgerOperation operation;
      EvmSigner signer = actor;
      switch (random.nextInt(16)) {
        case 0 -> {
          signer = operator();
          operation = new LedgerOperation.Mint(target, amount);
        }
        case 1 -> operation = new LedgerOperation.Transfer(target, amount);
        case 2 -> operation = new LedgerOperation.Buy(product.id(), 1 + random.nextInt(100));
        case 3 -> operation = new LedgerOperation.Deposit(job, amount);
        case 4 -> {
          signer = operator();
          operation =
              new LedgerOperation.Settle(
                  job,
                  randomId(random),
                  List.of(new Payout(target, amount.divide(BigInteger.TWO))),
                  List.of(new Payout(actor.address(), amount.divide(BigInteger.valueOf(5)))),
                  amount.divide(BigInteger.TEN));
        }
        case 5 -> {
          signer = operator();
          operation = new LedgerOperation.Close(job);
        }
        case 6 -> operation = new LedgerOperation.FundPool(amount);
        case 7 -> {
          signer = operator();
          RoundKey round =
              new RoundKey(target + "/sums", random.nextInt(3), random.nextInt(1_000_000));
          rounds.add(round);
          operation =
              new LedgerOperation.OpenRound(
                  round,
                  accounts.subList(0, 3).stream().map(EvmSigner::address).toList(),
                  amount.divide(BigInteger.valueOf(50)));
        }
        case 8 -> operation = new LedgerOperation.Stake(amount);
        case 9 -> operation = new LedgerOperation.BeginExit();
        case 10 -> operation = new LedgerOperation.Withdraw();
        case 11 -> {
          signer = operator();
          operation = new LedgerOperation.Slash(target, amount, randomId(random));
        }
        case 12 -> {
          signer = operator();
          operation =
              random.nextBoolean()
                  ? new LedgerOperation.ReleaseHeld(
                      target, amount.divide(BigInteger.valueOf(4)), randomId(random))
                  : new LedgerOperation.PayRepair(
                      target, amount.divide(BigInteger.valueOf(4)), randomId(random));
        }
        case 13 -> {
          signer = operator();
          operation =
              new LedgerOperation.Freeze(
                  target, await(ledger().now()) + random.nextInt(2 * (int) UNBONDING_SECONDS));
        }
        case 14 -> {
          advance(1 + random.nextInt((int) UNBONDING_SECONDS));
          continue;
        }
        default -> {
          if (rounds.isEmpty()) {
            continue;
          }
          RoundKey round = rounds.get(random.nextInt(rounds.size()));
          if (random.nextBoolean()) {
            operation = new LedgerOperation.Report(round, 7, Bytes32.of(new byte[32]));
            signer = accounts.get(random.nextInt(3));
          } else {
            signer = operator();
            operation = new LedgerOperation.CloseRound(round);
          }
        }
      }
      try {
        ledger().submit(signer, operation).toCompletableFuture().join();
        applied++;
      } catch (CompletionException refused) {
        assertTrue(Rejection.of(refused).code() != ErrorCode.INTERNAL, refused.toString());
      }
      Holdings now = holdings(everyone, jobs);
      assertEquals(
          now.supply(),
          outside.add(now.accounted()),
          "step "
              + step
              + ", "
              + operation
              + ": total supply = balances + escrowed + stakes +"
              + " held + repair fund + held for reports");
      for (EscrowJob state : now.jobs()) {
        assertEquals(
            state.deposited().subtract(state.balance()),
            state.paidOut().add(state.burned()).add(state.held()).add(state.refunded()),
            "step " + step + ": escrow debits = payouts + burns + held + refunds for " + state);
      }
    }
    assertTrue(applied > operationSteps() / 3, "most operations apply: " + applied);
  }

  /**
   * The supply, and where the tokens of {@code accounts} and {@code jobs} are: read at once, as the
   * conservation test reads them after every step.
   */
  private record Holdings(BigInteger supply, BigInteger accounted, List<EscrowJob> jobs) {}

  private Holdings holdings(List<EthereumAddress> accounts, List<Bytes32> jobIds) {
    CompletableFuture<BigInteger> supply = ledger().totalSupply().toCompletableFuture();
    List<CompletableFuture<BigInteger>> parts = new ArrayList<>();
    parts.add(ledger().heldForReports().toCompletableFuture());
    parts.add(ledger().repairFund().toCompletableFuture());
    for (EthereumAddress account : accounts) {
      parts.add(ledger().balanceOf(account).toCompletableFuture());
      parts.add(
          ledger().providerStake(account).thenApply(ProviderStake::total).toCompletableFuture());
    }
    List<CompletableFuture<EscrowJob>> jobs =
        jobIds.stream().map(id -> ledger().escrowJob(id).toCompletableFuture()).toList();
    BigInteger accounted = BigInteger.ZERO;
    for (CompletableFuture<BigInteger> part : parts) {
      accounted = accounted.add(await(part));
    }
    List<EscrowJob> states = new ArrayList<>();
    for (CompletableFuture<EscrowJob> job : jobs) {
      EscrowJob state = await(job);
      states.add(state);
      accounted = accounted.add(state.balance());
    }
    return new Holdings(await(supply), accounted, states);
  }

  /** How many random operations the conservation test makes. */
  protected int operationSteps() {
    return 300;
  }

  // ---- helpers ----

  protected Product createProduct(
      EvmSigner seller,
      BigInteger pricePerSecond,
      long minimumSeconds,
      List<ProductTerms.Beneficiary> beneficiaries) {
    ProductTerms terms =
        new ProductTerms(
            List.of(seller.address() + "/sold"),
            List.of(),
            pricePerSecond,
            minimumSeconds,
            TERMS,
            beneficiaries);
    List<LedgerEvent> created = submit(seller, new LedgerOperation.CreateProduct(terms));
    assertEquals(1, created.size());
    Product product = ((ProductCreated) created.get(0)).product();
    assertEquals(seller.address(), product.owner());
    assertEquals(terms, product.terms());
    assertEquals(Optional.of(product), await(ledger().product(product.id())));
    return product;
  }

  protected List<LedgerEvent> submit(EvmSigner signer, LedgerOperation operation) {
    return await(ledger().submit(signer, operation));
  }

  protected void refused(ErrorCode expected, EvmSigner signer, LedgerOperation operation) {
    CompletionException failure =
        assertThrows(
            CompletionException.class,
            () -> ledger().submit(signer, operation).toCompletableFuture().join(),
            () -> operation + " should be refused with " + expected);
    Rejection rejection = Rejection.of(failure);
    assertEquals(expected, rejection.code(), rejection.getMessage());
  }

  protected BigInteger balance(EvmSigner account) {
    return await(ledger().balanceOf(account.address()));
  }

  protected static BigInteger units(long tokens) {
    return BigInteger.TEN.pow(18).multiply(BigInteger.valueOf(tokens));
  }

  protected static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  protected static Bytes32 randomId(Random random) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Bytes32.of(bytes);
  }
}
