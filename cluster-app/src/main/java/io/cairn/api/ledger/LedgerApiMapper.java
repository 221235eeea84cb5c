package io.cairn.api.ledger;

import io.cairn.ledger.EscrowJob;
import io.cairn.ledger.LedgerBook;
import io.cairn.ledger.LedgerEvent;
import io.cairn.ledger.LedgerOperations;
import io.cairn.ledger.LedgerState;
import io.cairn.ledger.Licence;
import io.cairn.ledger.Product;
import io.cairn.ledger.ReportRound;
import io.cairn.ledger.RoundKey;
import io.cairn.ledger.RoundOutcome;
import io.cairn.ledger.evm.ContractAddresses;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.EscrowJobView;
import io.cairn.protocol.api.v1.LedgerContracts;
import io.cairn.protocol.api.v1.LedgerEventView;
import io.cairn.protocol.api.v1.LedgerInfo;
import io.cairn.protocol.api.v1.LedgerReceipt;
import io.cairn.protocol.api.v1.LicenceList;
import io.cairn.protocol.api.v1.LicenceView;
import io.cairn.protocol.api.v1.ProductList;
import io.cairn.protocol.api.v1.ProductView;
import io.cairn.protocol.api.v1.ReportRoundView;
import io.cairn.protocol.api.v1.RoundReport;
import io.cairn.protocol.api.v1.TokenAccount;
import io.cairn.protocol.ledger.Bytes32;
import java.math.BigInteger;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The ledger's public API messages from its domain records, and its path parameters parsed. */
public final class LedgerApiMapper {
  /** The backend {@code GET /ledger} names: the ledger kept in the cluster's journal. */
  public static final String EMBEDDED = "embedded";

  /** The backend {@code GET /ledger} names: the contracts on an Ethereum chain. */
  public static final String CHAIN = "chain";

  private LedgerApiMapper() {}

  public static LedgerInfo info(String ledgerId, EthereumAddress operator, long now) {
    return LedgerInfo.newBuilder()
        .setBackend(EMBEDDED)
        .setLedgerId(ledgerId)
        .setOperator(operator.value())
        .setTime(now)
        .build();
  }

  /** A ledger on a chain: no ledger id (it takes no signed requests), its chain and contracts. */
  public static LedgerInfo chainInfo(
      long chainId, ContractAddresses contracts, EthereumAddress operator, long now) {
    return LedgerInfo.newBuilder()
        .setBackend(CHAIN)
        .setOperator(operator.value())
        .setTime(now)
        .setChainId(chainId)
        .setContracts(
            LedgerContracts.newBuilder()
                .setToken(contracts.token().value())
                .setMarketplace(contracts.marketplace().value())
                .setEscrow(contracts.escrow().value())
                .setChecksumReports(contracts.checksumReports().value())
                .setProviderStakes(contracts.providerStakes().value()))
        .build();
  }

  public static TokenAccount account(EthereumAddress address, LedgerState slice) {
    return TokenAccount.newBuilder()
        .setAddress(address.value())
        .setBalance(slice.balanceOf(address).toString())
        .setNonce(slice.nonceOf(address))
        .build();
  }

  /** An account on a chain: its balance; its nonce is the chain's business. */
  public static TokenAccount account(EthereumAddress address, BigInteger balance) {
    return TokenAccount.newBuilder()
        .setAddress(address.value())
        .setBalance(balance.toString())
        .build();
  }

  public static ProductView product(Product product) {
    return ProductView.newBuilder()
        .setProductId(product.id())
        .setOwner(product.owner().value())
        .setTerms(LedgerOperations.toProto(product.terms()))
        .build();
  }

  /** The products in order of creation. */
  public static ProductList products(List<Product> products) {
    return ProductList.newBuilder()
        .addAllProducts(
            products.stream()
                .sorted(Comparator.comparingLong(Product::id))
                .map(LedgerApiMapper::product)
                .toList())
        .build();
  }

  public static LicenceView licence(Licence licence, long now) {
    return LicenceView.newBuilder()
        .setProductId(licence.productId())
        .setBuyer(licence.buyer().value())
        .setEndsAt(licence.endsAt())
        .setActive(licence.activeAt(now))
        .build();
  }

  /** The licences by product, each active or not at {@code now}. */
  public static LicenceList licences(List<Licence> licences, long now) {
    return LicenceList.newBuilder()
        .addAllLicences(
            licences.stream()
                .sorted(Comparator.comparingLong(Licence::productId))
                .map(licence -> licence(licence, now))
                .toList())
        .build();
  }

  public static EscrowJobView job(EscrowJob job) {
    return EscrowJobView.newBuilder()
        .setJobId(job.id().toString())
        .setSupporter(job.supporter().value())
        .setBalance(job.balance().toString())
        .setDeposited(job.deposited().toString())
        .setPaidOut(job.paidOut().toString())
        .setBurned(job.burned().toString())
        .setRefunded(job.refunded().toString())
        .setClosed(job.closed())
        .setHeld(job.held().toString())
        .build();
  }

  public static ReportRoundView round(ReportRound round) {
    ReportRoundView.Builder view =
        ReportRoundView.newBuilder()
            .setRoundId(round.key().id().toString())
            .setRound(LedgerOperations.toProto(round.key()))
            .addAllReporters(round.reporters().stream().map(EthereumAddress::value).toList())
            .setRewardPerReporter(round.rewardPerReporter().toString())
            .setClosed(round.closed());
    round.finalReport().ifPresent(report -> view.setFinalReport(report(report)));
    return view.build();
  }

  /**
   * A round as a chain tells it: the contract keeps its reporters and reward to itself, so only its
   * final report and whether it closed.
   */
  public static ReportRoundView round(RoundKey key, RoundOutcome outcome) {
    ReportRoundView.Builder view =
        ReportRoundView.newBuilder()
            .setRoundId(outcome.roundId().toString())
            .setRound(LedgerOperations.toProto(key))
            .setClosed(outcome.closed());
    outcome.finalReport().ifPresent(report -> view.setFinalReport(report(report)));
    return view.build();
  }

  private static RoundReport report(RoundOutcome.Report report) {
    return RoundReport.newBuilder()
        .setEventCount(report.eventCount())
        .setChecksum(report.checksum().toString())
        .build();
  }

  /** The receipt as a contract's logs would tell it: the embedded ledger's own records left out. */
  public static LedgerReceipt receipt(LedgerBook.Receipt receipt) {
    return LedgerReceipt.newBuilder()
        .setAt(receipt.at())
        .addAllEvents(receipt.contractEvents().stream().map(LedgerApiMapper::event).toList())
        .build();
  }

  /** One event as its Solidity event: its name as {@code kind}, its parameters as fields. */
  public static LedgerEventView event(LedgerEvent event) {
    LedgerEventView.Builder view = LedgerEventView.newBuilder();
    if (event instanceof LedgerEvent.Transferred e) {
      view.setKind("Transfer")
          .setFrom(e.from().value())
          .setTo(e.to().value())
          .setAmount(e.amount().toString());
    } else if (event instanceof LedgerEvent.ProductCreated e) {
      view.setKind("ProductCreated")
          .setProductId(e.product().id())
          .setOwner(e.product().owner().value())
          .setTerms(LedgerOperations.toProto(e.product().terms()));
    } else if (event instanceof LedgerEvent.LicenceExtended e) {
      view.setKind("LicenceExtended")
          .setProductId(e.productId())
          .setBuyer(e.buyer().value())
          .setEndsAt(e.endsAt())
          .setAddedSeconds(e.addedSeconds())
          .setPrice(e.price().toString());
    } else if (event instanceof LedgerEvent.LicenceRevoked e) {
      view.setKind("LicenceRevoked")
          .setProductId(e.productId())
          .setBuyer(e.buyer().value())
          .setEndedAt(e.endedAt());
    } else if (event instanceof LedgerEvent.SalePaid e) {
      view.setKind("SalePaid")
          .setProductId(e.productId())
          .setRecipient(e.recipient().value())
          .setAmount(e.amount().toString());
    } else if (event instanceof LedgerEvent.ProtocolFeeChanged e) {
      view.setKind("ProtocolFeeChanged").setRecipient(e.recipient().value()).setFeeBps(e.feeBps());
    } else if (event instanceof LedgerEvent.Deposited e) {
      view.setKind("Deposited")
          .setJobId(e.jobId().toString())
          .setSupporter(e.supporter().value())
          .setAmount(e.amount().toString())
          .setBalance(e.balance().toString());
    } else if (event instanceof LedgerEvent.PaidOut e) {
      view.setKind("PaidOut")
          .setJobId(e.jobId().toString())
          .setRecipient(e.recipient().value())
          .setAmount(e.amount().toString())
          .setSettlementId(e.settlementId().toString());
    } else if (event instanceof LedgerEvent.HeldBack e) {
      view.setKind("HeldBack")
          .setJobId(e.jobId().toString())
          .setProvider(e.provider().value())
          .setAmount(e.amount().toString())
          .setSettlementId(e.settlementId().toString());
    } else if (event instanceof LedgerEvent.Burned e) {
      view.setKind("Burned")
          .setJobId(e.jobId().toString())
          .setAmount(e.amount().toString())
          .setSettlementId(e.settlementId().toString());
    } else if (event instanceof LedgerEvent.Refunded e) {
      view.setKind("Refunded")
          .setJobId(e.jobId().toString())
          .setSupporter(e.supporter().value())
          .setAmount(e.amount().toString());
    } else if (event instanceof LedgerEvent.PoolFunded e) {
      view.setKind("PoolFunded")
          .setFrom(e.from().value())
          .setAmount(e.amount().toString())
          .setPool(e.pool().toString());
    } else if (event instanceof LedgerEvent.RoundOpened e) {
      view.setKind("RoundOpened")
          .setRoundId(e.round().id().toString())
          .setRound(LedgerOperations.toProto(e.round()))
          .addAllReporters(e.reporters().stream().map(EthereumAddress::value).toList())
          .setRewardPerReporter(e.rewardPerReporter().toString());
    } else if (event instanceof LedgerEvent.Reported e) {
      view.setKind("Reported")
          .setRoundId(e.roundId().toString())
          .setReporter(e.reporter().value())
          .setEventCount(e.eventCount())
          .setChecksum(e.checksum().toString());
    } else if (event instanceof LedgerEvent.ReportFinalised e) {
      view.setKind("ReportFinalised")
          .setRoundId(e.roundId().toString())
          .setEventCount(e.eventCount())
          .setChecksum(e.checksum().toString());
    } else if (event instanceof LedgerEvent.ReporterRewarded e) {
      view.setKind("ReporterRewarded")
          .setRoundId(e.roundId().toString())
          .setReporter(e.reporter().value())
          .setAmount(e.amount().toString());
    } else if (event instanceof LedgerEvent.ReporterUnrewarded e) {
      view.setKind("ReporterUnrewarded")
          .setRoundId(e.roundId().toString())
          .setReporter(e.reporter().value())
          .setReason(e.reason().name().toLowerCase(Locale.ROOT));
    } else if (event instanceof LedgerEvent.RoundClosed e) {
      view.setKind("RoundClosed").setRoundId(e.roundId().toString()).setFinalised(e.finalised());
    } else if (event instanceof LedgerEvent.Staked e) {
      view.setKind("Staked")
          .setProvider(e.provider().value())
          .setAmount(e.amount().toString())
          .setStake(e.stake().toString());
    } else if (event instanceof LedgerEvent.ExitBegun e) {
      view.setKind("ExitBegun")
          .setProvider(e.provider().value())
          .setWithdrawableAt(e.withdrawableAt());
    } else if (event instanceof LedgerEvent.Withdrawn e) {
      view.setKind("Withdrawn")
          .setProvider(e.provider().value())
          .setStake(e.stake().toString())
          .setHeld(e.held().toString());
    } else if (event instanceof LedgerEvent.Slashed e) {
      view.setKind("Slashed")
          .setProvider(e.provider().value())
          .setFromHeld(e.fromHeld().toString())
          .setFromStake(e.fromStake().toString())
          .setSlashId(e.slashId().toString());
    } else if (event instanceof LedgerEvent.Frozen e) {
      view.setKind("Frozen").setProvider(e.provider().value()).setFrozenUntil(e.frozenUntil());
    } else if (event instanceof LedgerEvent.HeldReleased e) {
      view.setKind("HeldReleased")
          .setProvider(e.provider().value())
          .setAmount(e.amount().toString())
          .setReleaseId(e.releaseId().toString());
    } else if (event instanceof LedgerEvent.RepairPaid e) {
      view.setKind("RepairPaid")
          .setRecipient(e.recipient().value())
          .setAmount(e.amount().toString())
          .setRepairId(e.repairId().toString());
    } else {
      // NonceUsed and Settled are the embedded ledger's own; receipt() leaves them out
      throw new IllegalArgumentException("no public form for " + event);
    }
    return view.build();
  }

  /** A product id in a path: a whole number from 1. */
  public static long productId(String text) {
    try {
      long id = Long.parseLong(text);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException notANumber) {
      // refused below
    }
    throw new Rejection(
        ErrorCode.MALFORMED_REQUEST,
        "product id '" + text + "' is not a whole number from 1 (products are numbered from 1)");
  }

  /** A job id in a path: 0x and 64 hex digits. */
  public static Bytes32 jobId(String text) {
    try {
      return Bytes32.parse(text, "job id");
    } catch (Rejection malformed) {
      throw new Rejection(ErrorCode.MALFORMED_REQUEST, malformed.getMessage());
    }
  }
}
