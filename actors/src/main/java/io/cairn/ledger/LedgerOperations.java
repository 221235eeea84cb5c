package io.cairn.ledger;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.Beneficiary;
import io.cairn.protocol.api.v1.BuyLicence;
import io.cairn.protocol.api.v1.CloseReportRound;
import io.cairn.protocol.api.v1.EscrowClose;
import io.cairn.protocol.api.v1.EscrowDeposit;
import io.cairn.protocol.api.v1.EscrowSettle;
import io.cairn.protocol.api.v1.FundReportPool;
import io.cairn.protocol.api.v1.LedgerRequest;
import io.cairn.protocol.api.v1.OpenReportRound;
import io.cairn.protocol.api.v1.ReportRoundKey;
import io.cairn.protocol.api.v1.SubmitReport;
import io.cairn.protocol.api.v1.TokenTransfer;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.ledger.TokenAmount;
import io.cairn.protocol.stream.StreamId;
import java.math.BigInteger;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Between the operations and the public {@link LedgerRequest}: every field is checked on the way
 * in, and a malformed one is refused with its own code before the ledger's rules see it.
 */
public final class LedgerOperations {
  private static final Pattern CORE_KEY = Pattern.compile("[0-9a-f]{64}");

  private LedgerOperations() {}

  public static LedgerOperation fromRequest(LedgerRequest request) {
    return switch (request.getOperationCase()) {
      case MINT ->
          new LedgerOperation.Mint(
              address(request.getMint().getTo(), "to"),
              TokenAmount.parse(request.getMint().getAmount(), "amount"));
      case TRANSFER ->
          new LedgerOperation.Transfer(
              address(request.getTransfer().getTo(), "to"),
              TokenAmount.parse(request.getTransfer().getAmount(), "amount"));
      case CREATE_PRODUCT ->
          new LedgerOperation.CreateProduct(terms(request.getCreateProduct().getTerms()));
      case BUY ->
          new LedgerOperation.Buy(
              request.getBuy().getProductId(), seconds(request.getBuy().getSeconds()));
      case GRANT_LICENCE ->
          new LedgerOperation.GrantLicence(
              request.getGrantLicence().getProductId(),
              address(request.getGrantLicence().getBuyer(), "buyer"),
              seconds(request.getGrantLicence().getSeconds()));
      case REVOKE_LICENCE ->
          new LedgerOperation.RevokeLicence(
              request.getRevokeLicence().getProductId(),
              address(request.getRevokeLicence().getBuyer(), "buyer"));
      case SET_PROTOCOL_FEE ->
          new LedgerOperation.SetProtocolFee(
              address(request.getSetProtocolFee().getRecipient(), "recipient"),
              request.getSetProtocolFee().getFeeBps());
      case DEPOSIT ->
          new LedgerOperation.Deposit(
              Bytes32.parse(request.getDeposit().getJobId(), "job id"),
              TokenAmount.parse(request.getDeposit().getAmount(), "amount"));
      case SETTLE -> settle(request.getSettle());
      case CLOSE ->
          new LedgerOperation.Close(Bytes32.parse(request.getClose().getJobId(), "job id"));
      case FUND_POOL ->
          new LedgerOperation.FundPool(
              TokenAmount.parse(request.getFundPool().getAmount(), "amount"));
      case OPEN_ROUND -> openRound(request.getOpenRound());
      case REPORT ->
          new LedgerOperation.Report(
              round(request.getReport().getRound()),
              request.getReport().getEventCount(),
              Bytes32.parse(request.getReport().getChecksum(), "checksum"));
      case CLOSE_ROUND -> new LedgerOperation.CloseRound(round(request.getCloseRound().getRound()));
      case STAKE ->
          new LedgerOperation.Stake(TokenAmount.parse(request.getStake().getAmount(), "amount"));
      case BEGIN_EXIT -> new LedgerOperation.BeginExit();
      case WITHDRAW -> new LedgerOperation.Withdraw();
      case SLASH ->
          new LedgerOperation.Slash(
              address(request.getSlash().getProvider(), "provider"),
              TokenAmount.parse(request.getSlash().getAmount(), "amount"),
              Bytes32.parse(request.getSlash().getSlashId(), "slash id"));
      case FREEZE ->
          new LedgerOperation.Freeze(
              address(request.getFreeze().getProvider(), "provider"),
              request.getFreeze().getUntil());
      case RELEASE_HELD ->
          new LedgerOperation.ReleaseHeld(
              address(request.getReleaseHeld().getProvider(), "provider"),
              TokenAmount.parse(request.getReleaseHeld().getAmount(), "amount"),
              Bytes32.parse(request.getReleaseHeld().getReleaseId(), "release id"));
      case PAY_REPAIR ->
          new LedgerOperation.PayRepair(
              address(request.getPayRepair().getRecipient(), "recipient"),
              TokenAmount.parse(request.getPayRepair().getAmount(), "amount"),
              Bytes32.parse(request.getPayRepair().getRepairId(), "repair id"));
      case OPERATION_NOT_SET ->
          throw new Rejection(ErrorCode.INVALID_LEDGER_REQUEST, "the request names no operation");
    };
  }

  /** The request for {@code operation}, without ledger id, nonce and expiry. */
  public static LedgerRequest.Builder toRequest(LedgerOperation operation) {
    LedgerRequest.Builder request = LedgerRequest.newBuilder();
    if (operation instanceof LedgerOperation.Mint mint) {
      request.setMint(
          io.cairn.protocol.api.v1.Mint.newBuilder()
              .setTo(mint.to().value())
              .setAmount(mint.amount().toString()));
    } else if (operation instanceof LedgerOperation.Transfer transfer) {
      request.setTransfer(
          TokenTransfer.newBuilder()
              .setTo(transfer.to().value())
              .setAmount(transfer.amount().toString()));
    } else if (operation instanceof LedgerOperation.CreateProduct create) {
      request.setCreateProduct(
          io.cairn.protocol.api.v1.CreateProduct.newBuilder().setTerms(toProto(create.terms())));
    } else if (operation instanceof LedgerOperation.Buy buy) {
      request.setBuy(
          BuyLicence.newBuilder().setProductId(buy.productId()).setSeconds(buy.seconds()));
    } else if (operation instanceof LedgerOperation.GrantLicence grant) {
      request.setGrantLicence(
          io.cairn.protocol.api.v1.GrantLicence.newBuilder()
              .setProductId(grant.productId())
              .setBuyer(grant.buyer().value())
              .setSeconds(grant.seconds()));
    } else if (operation instanceof LedgerOperation.RevokeLicence revoke) {
      request.setRevokeLicence(
          io.cairn.protocol.api.v1.RevokeLicence.newBuilder()
              .setProductId(revoke.productId())
              .setBuyer(revoke.buyer().value()));
    } else if (operation instanceof LedgerOperation.SetProtocolFee fee) {
      request.setSetProtocolFee(
          io.cairn.protocol.api.v1.SetProtocolFee.newBuilder()
              .setRecipient(fee.recipient().value())
              .setFeeBps(fee.feeBps()));
    } else if (operation instanceof LedgerOperation.Deposit deposit) {
      request.setDeposit(
          EscrowDeposit.newBuilder()
              .setJobId(deposit.jobId().toString())
              .setAmount(deposit.amount().toString()));
    } else if (operation instanceof LedgerOperation.Settle settle) {
      request.setSettle(
          EscrowSettle.newBuilder()
              .setJobId(settle.jobId().toString())
              .setSettlementId(settle.settlementId().toString())
              .addAllPayouts(payoutsToProto(settle.payouts()))
              .addAllHeld(payoutsToProto(settle.held()))
              .setBurn(settle.burn().toString()));
    } else if (operation instanceof LedgerOperation.Close close) {
      request.setClose(EscrowClose.newBuilder().setJobId(close.jobId().toString()));
    } else if (operation instanceof LedgerOperation.FundPool fund) {
      request.setFundPool(FundReportPool.newBuilder().setAmount(fund.amount().toString()));
    } else if (operation instanceof LedgerOperation.OpenRound open) {
      request.setOpenRound(
          OpenReportRound.newBuilder()
              .setRound(toProto(open.round()))
              .addAllReporters(open.reporters().stream().map(EthereumAddress::value).toList())
              .setRewardPerReporter(open.rewardPerReporter().toString()));
    } else if (operation instanceof LedgerOperation.Report report) {
      request.setReport(
          SubmitReport.newBuilder()
              .setRound(toProto(report.round()))
              .setEventCount(report.eventCount())
              .setChecksum(report.checksum().toString()));
    } else if (operation instanceof LedgerOperation.CloseRound close) {
      request.setCloseRound(CloseReportRound.newBuilder().setRound(toProto(close.round())));
    } else {
      stakeToRequest(operation, request);
    }
    return request;
  }

  private static void stakeToRequest(LedgerOperation operation, LedgerRequest.Builder request) {
    if (operation instanceof LedgerOperation.Stake stake) {
      request.setStake(
          io.cairn.protocol.api.v1.Stake.newBuilder().setAmount(stake.amount().toString()));
    } else if (operation instanceof LedgerOperation.BeginExit) {
      request.setBeginExit(io.cairn.protocol.api.v1.BeginExit.getDefaultInstance());
    } else if (operation instanceof LedgerOperation.Withdraw) {
      request.setWithdraw(io.cairn.protocol.api.v1.WithdrawStake.getDefaultInstance());
    } else if (operation instanceof LedgerOperation.Slash slash) {
      request.setSlash(
          io.cairn.protocol.api.v1.Slash.newBuilder()
              .setProvider(slash.provider().value())
              .setAmount(slash.amount().toString())
              .setSlashId(slash.slashId().toString()));
    } else if (operation instanceof LedgerOperation.Freeze freeze) {
      request.setFreeze(
          io.cairn.protocol.api.v1.FreezeStake.newBuilder()
              .setProvider(freeze.provider().value())
              .setUntil(freeze.until()));
    } else if (operation instanceof LedgerOperation.ReleaseHeld release) {
      request.setReleaseHeld(
          io.cairn.protocol.api.v1.ReleaseHeld.newBuilder()
              .setProvider(release.provider().value())
              .setAmount(release.amount().toString())
              .setReleaseId(release.releaseId().toString()));
    } else if (operation instanceof LedgerOperation.PayRepair repair) {
      request.setPayRepair(
          io.cairn.protocol.api.v1.PayRepair.newBuilder()
              .setRecipient(repair.recipient().value())
              .setAmount(repair.amount().toString())
              .setRepairId(repair.repairId().toString()));
    }
  }

  private static List<io.cairn.protocol.api.v1.Payout> payoutsToProto(List<Payout> payouts) {
    return payouts.stream()
        .map(
            payout ->
                io.cairn.protocol.api.v1.Payout.newBuilder()
                    .setRecipient(payout.recipient().value())
                    .setAmount(payout.amount().toString())
                    .build())
        .toList();
  }

  public static io.cairn.protocol.api.v1.ProductTerms toProto(ProductTerms terms) {
    return io.cairn.protocol.api.v1.ProductTerms.newBuilder()
        .addAllStreams(terms.streams())
        .addAllCores(terms.cores())
        .setPricePerSecond(terms.pricePerSecond().toString())
        .setMinimumSeconds(terms.minimumSeconds())
        .setTermsHash(terms.termsHash().toString())
        .addAllBeneficiaries(
            terms.beneficiaries().stream()
                .map(
                    beneficiary ->
                        Beneficiary.newBuilder()
                            .setAddress(beneficiary.address().value())
                            .setShares((int) beneficiary.shares())
                            .build())
                .toList())
        .build();
  }

  public static ProductTerms terms(io.cairn.protocol.api.v1.ProductTerms terms) {
    for (String stream : terms.getStreamsList()) {
      StreamId.parse(stream);
    }
    for (String core : terms.getCoresList()) {
      if (!CORE_KEY.matcher(core).matches()) {
        throw new Rejection(
            ErrorCode.INVALID_CORE_KEY,
            "core '" + core + "' is not a public key (64 lower-case hex digits)");
      }
    }
    return new ProductTerms(
        terms.getStreamsList(),
        terms.getCoresList(),
        TokenAmount.parse(terms.getPricePerSecond(), "price per second"),
        terms.getMinimumSeconds(),
        Bytes32.parse(terms.getTermsHash(), "terms hash"),
        terms.getBeneficiariesList().stream()
            .map(
                beneficiary ->
                    new ProductTerms.Beneficiary(
                        address(beneficiary.getAddress(), "beneficiary"),
                        Integer.toUnsignedLong(beneficiary.getShares())))
            .toList());
  }

  public static ReportRoundKey toProto(RoundKey round) {
    return ReportRoundKey.newBuilder()
        .setStreamId(round.streamId())
        .setPartition(round.partition())
        .setInterval(round.interval())
        .build();
  }

  public static RoundKey round(ReportRoundKey round) {
    StreamId.parse(round.getStreamId());
    return new RoundKey(round.getStreamId(), round.getPartition(), round.getInterval());
  }

  private static LedgerOperation.Settle settle(EscrowSettle settle) {
    BigInteger burn =
        settle.getBurn().isEmpty() ? BigInteger.ZERO : TokenAmount.parse(settle.getBurn(), "burn");
    return new LedgerOperation.Settle(
        Bytes32.parse(settle.getJobId(), "job id"),
        Bytes32.parse(settle.getSettlementId(), "settlement id"),
        payouts(settle.getPayoutsList(), "recipient", "payout"),
        payouts(settle.getHeldList(), "provider", "held amount"),
        burn);
  }

  private static List<Payout> payouts(
      List<io.cairn.protocol.api.v1.Payout> payouts, String whom, String what) {
    return payouts.stream()
        .map(
            payout ->
                new Payout(
                    address(payout.getRecipient(), whom),
                    TokenAmount.parse(payout.getAmount(), what)))
        .toList();
  }

  private static LedgerOperation.OpenRound openRound(OpenReportRound open) {
    return new LedgerOperation.OpenRound(
        round(open.getRound()),
        open.getReportersList().stream().map(reporter -> address(reporter, "reporter")).toList(),
        TokenAmount.parse(open.getRewardPerReporter(), "reward per reporter"));
  }

  /** Seconds travel as uint64; above Java's long they cannot be a licence. */
  private static long seconds(long seconds) {
    if (seconds < 0) {
      throw new Rejection(
          ErrorCode.INVALID_AMOUNT,
          "seconds " + Long.toUnsignedString(seconds) + " is too long a licence");
    }
    return seconds;
  }

  private static EthereumAddress address(String text, String what) {
    try {
      return EthereumAddress.parse(text);
    } catch (Rejection invalid) {
      throw new Rejection(invalid.code(), what + ": " + invalid.getMessage());
    }
  }
}
