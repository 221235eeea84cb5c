package io.cairn.ledger;

import io.cairn.cluster.proto.ledger.Account;
import io.cairn.cluster.proto.ledger.LedgerReceipt;
import io.cairn.cluster.proto.ledger.LedgerView;
import io.cairn.cluster.proto.ledger.LicenceEnd;
import io.cairn.cluster.proto.ledger.LicenceKey;
import io.cairn.cluster.proto.ledger.ReadLedger;
import io.cairn.cluster.proto.ledger.RequestApplied;
import io.cairn.cluster.proto.ledger.RoundReport;
import io.cairn.cluster.proto.ledger.SubmitLedgerRequest;
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
import io.cairn.serialization.ProtobufSerializer;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.ExtendedActorSystem;

/**
 * Writes the ledger's commands, events, state and replies as the protobuf messages of {@code
 * cairn/cluster/ledger.proto}. The manifests are stored with every event: never reuse or rename
 * one.
 */
public final class LedgerSerializer extends ProtobufSerializer {

  public LedgerSerializer(ExtendedActorSystem system) {
    super(system, 7750);
    bind(
        "LA",
        LedgerBook.Applied.class,
        applied ->
            RequestApplied.newBuilder()
                .setSigned(applied.signed())
                .setAt(applied.at())
                .addAllEvents(applied.events().stream().map(LedgerSerializer::toProto).toList())
                .build(),
        bytes -> {
          RequestApplied applied = RequestApplied.parseFrom(bytes);
          return new LedgerBook.Applied(
              applied.getSigned(), applied.getAt(), events(applied.getEventsList()));
        });
    bind(
        "L",
        LedgerState.class,
        LedgerSerializer::toProto,
        bytes -> fromProto(io.cairn.cluster.proto.ledger.LedgerState.parseFrom(bytes)));
    bind("LR", LedgerBook.Read.class, this::readToProto, this::readFromProto);
    bind(
        "LB",
        LedgerBook.SubmitBatch.class,
        batch ->
            io.cairn.cluster.proto.ledger.SubmitLedgerBatch.newBuilder()
                .addAllSubmits(batch.submits().stream().map(this::submitToProto).toList())
                .setReplyTo(serialize(batch.replyTo()))
                .build(),
        bytes -> {
          var batch = io.cairn.cluster.proto.ledger.SubmitLedgerBatch.parseFrom(bytes);
          return new LedgerBook.SubmitBatch(
              batch.getSubmitsList().stream().map(this::submitFromProto).toList(),
              resolve(batch.getReplyTo()));
        });
    bind(
        "LK",
        ChecksumReporting.Report.class,
        report ->
            io.cairn.cluster.proto.ledger.ChecksumReport.newBuilder()
                .setInterval(report.interval())
                .addAllRounds(report.rounds().stream().map(LedgerSerializer::toProto).toList())
                .build(),
        bytes -> {
          var report = io.cairn.cluster.proto.ledger.ChecksumReport.parseFrom(bytes);
          return new ChecksumReporting.Report(
              report.getInterval(),
              report.getRoundsList().stream().map(LedgerSerializer::fromProto).toList());
        });
    bind(
        "LC",
        LedgerBook.Receipt.class,
        receipt ->
            LedgerReceipt.newBuilder()
                .setAt(receipt.at())
                .addAllEvents(receipt.events().stream().map(LedgerSerializer::toProto).toList())
                .build(),
        bytes -> {
          LedgerReceipt receipt = LedgerReceipt.parseFrom(bytes);
          return new LedgerBook.Receipt(receipt.getAt(), events(receipt.getEventsList()));
        });
    bind(
        "LV",
        LedgerBook.View.class,
        view ->
            LedgerView.newBuilder()
                .setSlice(toProto(view.slice()))
                .setHeldForReports(view.heldForReports().toString())
                .build(),
        bytes -> {
          LedgerView view = LedgerView.parseFrom(bytes);
          return new LedgerBook.View(
              fromProto(view.getSlice()), new BigInteger(view.getHeldForReports()));
        });
  }

  private SubmitLedgerRequest submitToProto(LedgerBook.Submit submit) {
    return SubmitLedgerRequest.newBuilder()
        .setSigned(submit.signed())
        .setSigner(submit.signer().value())
        .setReplyTo(serialize(submit.replyTo()))
        .build();
  }

  private LedgerBook.Submit submitFromProto(SubmitLedgerRequest submit) {
    return new LedgerBook.Submit(
        submit.getSigned(), new EthereumAddress(submit.getSigner()), resolve(submit.getReplyTo()));
  }

  private ReadLedger readToProto(LedgerBook.Read read) {
    LedgerBook.Selection selection = read.selection();
    return ReadLedger.newBuilder()
        .addAllAccounts(selection.accounts().stream().map(EthereumAddress::value).toList())
        .addAllProducts(selection.products())
        .setAllProducts(selection.allProducts())
        .addAllLicences(
            selection.licences().stream()
                .map(
                    key ->
                        LicenceKey.newBuilder()
                            .setProductId(key.productId())
                            .setBuyer(key.buyer().value())
                            .build())
                .toList())
        .addAllLicencesOf(selection.licencesOf().stream().map(EthereumAddress::value).toList())
        .addAllJobs(selection.jobs().stream().map(Bytes32::toString).toList())
        .addAllRounds(selection.rounds().stream().map(Bytes32::toString).toList())
        .addAllProviders(selection.providers().stream().map(EthereumAddress::value).toList())
        .setReplyTo(serialize(read.replyTo()))
        .build();
  }

  private LedgerBook.Read readFromProto(byte[] bytes)
      throws com.google.protobuf.InvalidProtocolBufferException {
    ReadLedger read = ReadLedger.parseFrom(bytes);
    return new LedgerBook.Read(
        new LedgerBook.Selection(
            addresses(read.getAccountsList()),
            Set.copyOf(read.getProductsList()),
            read.getAllProducts(),
            Set.copyOf(
                read.getLicencesList().stream()
                    .map(
                        key ->
                            new Licence.Key(
                                key.getProductId(), new EthereumAddress(key.getBuyer())))
                    .toList()),
            addresses(read.getLicencesOfList()),
            bytes32s(read.getJobsList()),
            bytes32s(read.getRoundsList()),
            addresses(read.getProvidersList())),
        resolve(read.getReplyTo()));
  }

  // ---- events ----

  static io.cairn.cluster.proto.ledger.LedgerEvent toProto(LedgerEvent event) {
    var proto = io.cairn.cluster.proto.ledger.LedgerEvent.newBuilder();
    if (event instanceof Transferred e) {
      proto.setTransferred(
          io.cairn.cluster.proto.ledger.Transferred.newBuilder()
              .setFrom(e.from().value())
              .setTo(e.to().value())
              .setAmount(e.amount().toString()));
    } else if (event instanceof ProductCreated e) {
      proto.setProductCreated(toProto(e.product()));
    } else if (event instanceof LicenceExtended e) {
      proto.setLicenceExtended(
          io.cairn.cluster.proto.ledger.LicenceExtended.newBuilder()
              .setProductId(e.productId())
              .setBuyer(e.buyer().value())
              .setEndsAt(e.endsAt())
              .setAddedSeconds(e.addedSeconds())
              .setPrice(e.price().toString()));
    } else if (event instanceof LicenceRevoked e) {
      proto.setLicenceRevoked(
          io.cairn.cluster.proto.ledger.LicenceRevoked.newBuilder()
              .setProductId(e.productId())
              .setBuyer(e.buyer().value())
              .setEndedAt(e.endedAt()));
    } else if (event instanceof SalePaid e) {
      proto.setSalePaid(
          io.cairn.cluster.proto.ledger.SalePaid.newBuilder()
              .setProductId(e.productId())
              .setRecipient(e.recipient().value())
              .setAmount(e.amount().toString()));
    } else if (event instanceof ProtocolFeeChanged e) {
      proto.setProtocolFeeChanged(
          io.cairn.cluster.proto.ledger.ProtocolFeeChanged.newBuilder()
              .setRecipient(e.recipient().value())
              .setFeeBps(e.feeBps()));
    } else if (event instanceof Deposited e) {
      proto.setDeposited(
          io.cairn.cluster.proto.ledger.Deposited.newBuilder()
              .setJobId(e.jobId().toString())
              .setSupporter(e.supporter().value())
              .setAmount(e.amount().toString())
              .setBalance(e.balance().toString()));
    } else if (event instanceof PaidOut e) {
      proto.setPaidOut(
          io.cairn.cluster.proto.ledger.PaidOut.newBuilder()
              .setJobId(e.jobId().toString())
              .setRecipient(e.recipient().value())
              .setAmount(e.amount().toString())
              .setSettlementId(e.settlementId().toString()));
    } else if (event instanceof Burned e) {
      proto.setBurned(
          io.cairn.cluster.proto.ledger.Burned.newBuilder()
              .setJobId(e.jobId().toString())
              .setAmount(e.amount().toString())
              .setSettlementId(e.settlementId().toString()));
    } else if (event instanceof Refunded e) {
      proto.setRefunded(
          io.cairn.cluster.proto.ledger.Refunded.newBuilder()
              .setJobId(e.jobId().toString())
              .setSupporter(e.supporter().value())
              .setAmount(e.amount().toString()));
    } else if (event instanceof Settled e) {
      proto.setSettled(
          io.cairn.cluster.proto.ledger.Settled.newBuilder()
              .setJobId(e.jobId().toString())
              .setSettlementId(e.settlementId().toString()));
    } else if (event instanceof PoolFunded e) {
      proto.setPoolFunded(
          io.cairn.cluster.proto.ledger.PoolFunded.newBuilder()
              .setFrom(e.from().value())
              .setAmount(e.amount().toString())
              .setPool(e.pool().toString()));
    } else if (event instanceof RoundOpened e) {
      proto.setRoundOpened(
          io.cairn.cluster.proto.ledger.RoundOpened.newBuilder()
              .setRound(toProto(e.round()))
              .addAllReporters(e.reporters().stream().map(EthereumAddress::value).toList())
              .setRewardPerReporter(e.rewardPerReporter().toString()));
    } else if (event instanceof Reported e) {
      proto.setReported(
          io.cairn.cluster.proto.ledger.Reported.newBuilder()
              .setRoundId(e.roundId().toString())
              .setReporter(e.reporter().value())
              .setEventCount(e.eventCount())
              .setChecksum(e.checksum().toString()));
    } else if (event instanceof ReportFinalised e) {
      proto.setReportFinalised(
          io.cairn.cluster.proto.ledger.ReportFinalised.newBuilder()
              .setRoundId(e.roundId().toString())
              .setEventCount(e.eventCount())
              .setChecksum(e.checksum().toString()));
    } else if (event instanceof ReporterRewarded e) {
      proto.setReporterRewarded(
          io.cairn.cluster.proto.ledger.ReporterRewarded.newBuilder()
              .setRoundId(e.roundId().toString())
              .setReporter(e.reporter().value())
              .setAmount(e.amount().toString()));
    } else if (event instanceof ReporterUnrewarded e) {
      proto.setReporterUnrewarded(
          io.cairn.cluster.proto.ledger.ReporterUnrewarded.newBuilder()
              .setRoundId(e.roundId().toString())
              .setReporter(e.reporter().value())
              .setReason(e.reason().code()));
    } else if (event instanceof RoundClosed e) {
      proto.setRoundClosed(
          io.cairn.cluster.proto.ledger.RoundClosed.newBuilder()
              .setRoundId(e.roundId().toString())
              .setFinalised(e.finalised()));
    } else if (event instanceof NonceUsed e) {
      proto.setNonceUsed(
          io.cairn.cluster.proto.ledger.NonceUsed.newBuilder()
              .setSigner(e.signer().value())
              .setNonce(e.nonce()));
    } else if (event instanceof HeldBack e) {
      proto.setHeldBack(
          io.cairn.cluster.proto.ledger.HeldBack.newBuilder()
              .setJobId(e.jobId().toString())
              .setProvider(e.provider().value())
              .setAmount(e.amount().toString())
              .setSettlementId(e.settlementId().toString()));
    } else {
      stakeEventToProto(event, proto);
    }
    return proto.build();
  }

  private static void stakeEventToProto(
      LedgerEvent event, io.cairn.cluster.proto.ledger.LedgerEvent.Builder proto) {
    if (event instanceof Staked e) {
      proto.setStaked(
          io.cairn.cluster.proto.ledger.Staked.newBuilder()
              .setProvider(e.provider().value())
              .setAmount(e.amount().toString())
              .setStake(e.stake().toString()));
    } else if (event instanceof ExitBegun e) {
      proto.setExitBegun(
          io.cairn.cluster.proto.ledger.ExitBegun.newBuilder()
              .setProvider(e.provider().value())
              .setWithdrawableAt(e.withdrawableAt()));
    } else if (event instanceof Withdrawn e) {
      proto.setWithdrawn(
          io.cairn.cluster.proto.ledger.Withdrawn.newBuilder()
              .setProvider(e.provider().value())
              .setStake(e.stake().toString())
              .setHeld(e.held().toString()));
    } else if (event instanceof Slashed e) {
      proto.setSlashed(
          io.cairn.cluster.proto.ledger.Slashed.newBuilder()
              .setProvider(e.provider().value())
              .setFromHeld(e.fromHeld().toString())
              .setFromStake(e.fromStake().toString())
              .setSlashId(e.slashId().toString()));
    } else if (event instanceof Frozen e) {
      proto.setFrozen(
          io.cairn.cluster.proto.ledger.Frozen.newBuilder()
              .setProvider(e.provider().value())
              .setFrozenUntil(e.frozenUntil()));
    } else if (event instanceof HeldReleased e) {
      proto.setHeldReleased(
          io.cairn.cluster.proto.ledger.HeldReleased.newBuilder()
              .setProvider(e.provider().value())
              .setAmount(e.amount().toString())
              .setReleaseId(e.releaseId().toString()));
    } else if (event instanceof RepairPaid e) {
      proto.setRepairPaid(
          io.cairn.cluster.proto.ledger.RepairPaid.newBuilder()
              .setRecipient(e.recipient().value())
              .setAmount(e.amount().toString())
              .setRepairId(e.repairId().toString()));
    }
  }

  static LedgerEvent fromProto(io.cairn.cluster.proto.ledger.LedgerEvent proto) {
    return switch (proto.getEventCase()) {
      case TRANSFERRED -> {
        var e = proto.getTransferred();
        yield new Transferred(address(e.getFrom()), address(e.getTo()), amount(e.getAmount()));
      }
      case PRODUCT_CREATED -> new ProductCreated(fromProto(proto.getProductCreated()));
      case LICENCE_EXTENDED -> {
        var e = proto.getLicenceExtended();
        yield new LicenceExtended(
            e.getProductId(),
            address(e.getBuyer()),
            e.getEndsAt(),
            e.getAddedSeconds(),
            amount(e.getPrice()));
      }
      case LICENCE_REVOKED -> {
        var e = proto.getLicenceRevoked();
        yield new LicenceRevoked(e.getProductId(), address(e.getBuyer()), e.getEndedAt());
      }
      case SALE_PAID -> {
        var e = proto.getSalePaid();
        yield new SalePaid(e.getProductId(), address(e.getRecipient()), amount(e.getAmount()));
      }
      case PROTOCOL_FEE_CHANGED -> {
        var e = proto.getProtocolFeeChanged();
        yield new ProtocolFeeChanged(address(e.getRecipient()), e.getFeeBps());
      }
      case DEPOSITED -> {
        var e = proto.getDeposited();
        yield new Deposited(
            bytes32(e.getJobId()),
            address(e.getSupporter()),
            amount(e.getAmount()),
            amount(e.getBalance()));
      }
      case PAID_OUT -> {
        var e = proto.getPaidOut();
        yield new PaidOut(
            bytes32(e.getJobId()),
            address(e.getRecipient()),
            amount(e.getAmount()),
            bytes32(e.getSettlementId()));
      }
      case BURNED -> {
        var e = proto.getBurned();
        yield new Burned(
            bytes32(e.getJobId()), amount(e.getAmount()), bytes32(e.getSettlementId()));
      }
      case REFUNDED -> {
        var e = proto.getRefunded();
        yield new Refunded(bytes32(e.getJobId()), address(e.getSupporter()), amount(e.getAmount()));
      }
      case SETTLED -> {
        var e = proto.getSettled();
        yield new Settled(bytes32(e.getJobId()), bytes32(e.getSettlementId()));
      }
      case POOL_FUNDED -> {
        var e = proto.getPoolFunded();
        yield new PoolFunded(address(e.getFrom()), amount(e.getAmount()), amount(e.getPool()));
      }
      case ROUND_OPENED -> {
        var e = proto.getRoundOpened();
        yield new RoundOpened(
            fromProto(e.getRound()),
            e.getReportersList().stream().map(LedgerSerializer::address).toList(),
            amount(e.getRewardPerReporter()));
      }
      case REPORTED -> {
        var e = proto.getReported();
        yield new Reported(
            bytes32(e.getRoundId()),
            address(e.getReporter()),
            e.getEventCount(),
            bytes32(e.getChecksum()));
      }
      case REPORT_FINALISED -> {
        var e = proto.getReportFinalised();
        yield new ReportFinalised(
            bytes32(e.getRoundId()), e.getEventCount(), bytes32(e.getChecksum()));
      }
      case REPORTER_REWARDED -> {
        var e = proto.getReporterRewarded();
        yield new ReporterRewarded(
            bytes32(e.getRoundId()), address(e.getReporter()), amount(e.getAmount()));
      }
      case REPORTER_UNREWARDED -> {
        var e = proto.getReporterUnrewarded();
        yield new ReporterUnrewarded(
            bytes32(e.getRoundId()),
            address(e.getReporter()),
            LedgerEvent.Unrewarded.ofCode(e.getReason()));
      }
      case ROUND_CLOSED -> {
        var e = proto.getRoundClosed();
        yield new RoundClosed(bytes32(e.getRoundId()), e.getFinalised());
      }
      case NONCE_USED -> {
        var e = proto.getNonceUsed();
        yield new NonceUsed(address(e.getSigner()), e.getNonce());
      }
      case HELD_BACK -> {
        var e = proto.getHeldBack();
        yield new HeldBack(
            bytes32(e.getJobId()),
            address(e.getProvider()),
            amount(e.getAmount()),
            bytes32(e.getSettlementId()));
      }
      case STAKED -> {
        var e = proto.getStaked();
        yield new Staked(address(e.getProvider()), amount(e.getAmount()), amount(e.getStake()));
      }
      case EXIT_BEGUN -> {
        var e = proto.getExitBegun();
        yield new ExitBegun(address(e.getProvider()), e.getWithdrawableAt());
      }
      case WITHDRAWN -> {
        var e = proto.getWithdrawn();
        yield new Withdrawn(address(e.getProvider()), amount(e.getStake()), amount(e.getHeld()));
      }
      case SLASHED -> {
        var e = proto.getSlashed();
        yield new Slashed(
            address(e.getProvider()),
            amount(e.getFromHeld()),
            amount(e.getFromStake()),
            bytes32(e.getSlashId()));
      }
      case FROZEN -> {
        var e = proto.getFrozen();
        yield new Frozen(address(e.getProvider()), e.getFrozenUntil());
      }
      case HELD_RELEASED -> {
        var e = proto.getHeldReleased();
        yield new HeldReleased(
            address(e.getProvider()), amount(e.getAmount()), bytes32(e.getReleaseId()));
      }
      case REPAIR_PAID -> {
        var e = proto.getRepairPaid();
        yield new RepairPaid(
            address(e.getRecipient()), amount(e.getAmount()), bytes32(e.getRepairId()));
      }
      case EVENT_NOT_SET -> throw new IllegalArgumentException("a ledger event without a kind");
    };
  }

  private static List<LedgerEvent> events(List<io.cairn.cluster.proto.ledger.LedgerEvent> protos) {
    return protos.stream().map(LedgerSerializer::fromProto).toList();
  }

  // ---- state ----

  private static io.cairn.cluster.proto.ledger.LedgerState toProto(LedgerState state) {
    var proto =
        io.cairn.cluster.proto.ledger.LedgerState.newBuilder()
            .setTotalSupply(state.totalSupply().toString())
            .setProductCount(state.productCount())
            .setProtocolFeeRecipient(state.protocolFeeRecipient().value())
            .setProtocolFeeBps(state.protocolFeeBps())
            .setReportPool(state.reportPool().toString());
    Set<EthereumAddress> accounts = new HashSet<>(state.balances().keySet());
    accounts.addAll(state.nonces().keySet());
    for (EthereumAddress account : accounts) {
      proto.addAccounts(
          Account.newBuilder()
              .setAddress(account.value())
              .setBalance(state.balanceOf(account).toString())
              .setNonce(state.nonceOf(account)));
    }
    state.products().values().forEach(product -> proto.addProducts(toProto(product)));
    state
        .licenceEnds()
        .forEach(
            (key, end) ->
                proto.addLicences(
                    LicenceEnd.newBuilder()
                        .setProductId(key.productId())
                        .setBuyer(key.buyer().value())
                        .setEndsAt(end)));
    for (EscrowJob job : state.jobs().values()) {
      proto.addJobs(
          io.cairn.cluster.proto.ledger.EscrowJob.newBuilder()
              .setId(job.id().toString())
              .setSupporter(job.supporter().value())
              .setBalance(job.balance().toString())
              .setDeposited(job.deposited().toString())
              .setPaidOut(job.paidOut().toString())
              .setBurned(job.burned().toString())
              .setRefunded(job.refunded().toString())
              .setClosed(job.closed())
              .setHeld(job.held().toString()));
    }
    StakeBook stakes = state.stakes();
    for (ProviderStake stake : stakes.providers().values()) {
      proto.addStakes(
          io.cairn.cluster.proto.ledger.ProviderStake.newBuilder()
              .setProvider(stake.provider().value())
              .setStake(stake.stake().toString())
              .setHeld(stake.held().toString())
              .setExiting(stake.exiting())
              .setWithdrawableAt(stake.withdrawableAt())
              .setFrozenUntil(stake.frozenUntil()));
    }
    proto.setRepairFund(stakes.repairFund().toString());
    stakes.slashes().forEach(id -> proto.addSlashes(id.toString()));
    stakes.releases().forEach(id -> proto.addReleases(id.toString()));
    stakes.repairs().forEach(id -> proto.addRepairs(id.toString()));
    state.settlements().forEach(id -> proto.addSettlements(id.toString()));
    for (ReportRound round : state.rounds().values()) {
      var roundProto =
          io.cairn.cluster.proto.ledger.ReportRound.newBuilder()
              .setKey(toProto(round.key()))
              .addAllReporters(round.reporters().stream().map(EthereumAddress::value).toList())
              .setRewardPerReporter(round.rewardPerReporter().toString())
              .setReserved(round.reserved().toString())
              .setClosed(round.closed());
      round
          .reports()
          .forEach(
              (reporter, report) ->
                  roundProto.addReports(
                      RoundReport.newBuilder()
                          .setReporter(reporter.value())
                          .setEventCount(report.eventCount())
                          .setChecksum(report.checksum().toString())));
      round
          .finalReport()
          .ifPresent(
              report ->
                  roundProto
                      .setFinalised(true)
                      .setFinalEventCount(report.eventCount())
                      .setFinalChecksum(report.checksum().toString()));
      proto.addRounds(roundProto);
    }
    return proto.build();
  }

  private static LedgerState fromProto(io.cairn.cluster.proto.ledger.LedgerState proto) {
    Map<EthereumAddress, BigInteger> balances = new HashMap<>();
    Map<EthereumAddress, Long> nonces = new HashMap<>();
    for (Account account : proto.getAccountsList()) {
      EthereumAddress address = address(account.getAddress());
      balances.put(address, amount(account.getBalance()));
      if (account.getNonce() != 0) {
        nonces.put(address, account.getNonce());
      }
    }
    Map<Long, Product> products = new HashMap<>();
    for (var product : proto.getProductsList()) {
      products.put(product.getId(), fromProto(product));
    }
    Map<Licence.Key, Long> licences = new HashMap<>();
    for (LicenceEnd licence : proto.getLicencesList()) {
      licences.put(
          new Licence.Key(licence.getProductId(), address(licence.getBuyer())),
          licence.getEndsAt());
    }
    Map<Bytes32, EscrowJob> jobs = new HashMap<>();
    for (var job : proto.getJobsList()) {
      Bytes32 id = bytes32(job.getId());
      jobs.put(
          id,
          new EscrowJob(
              id,
              address(job.getSupporter()),
              amount(job.getBalance()),
              amount(job.getDeposited()),
              amount(job.getPaidOut()),
              amount(job.getBurned()),
              // a snapshot from before held-back earnings has none
              job.getHeld().isEmpty() ? BigInteger.ZERO : amount(job.getHeld()),
              amount(job.getRefunded()),
              job.getClosed()));
    }
    Map<Bytes32, ReportRound> rounds = new HashMap<>();
    for (var round : proto.getRoundsList()) {
      Map<EthereumAddress, RoundOutcome.Report> reports = new HashMap<>();
      for (RoundReport report : round.getReportsList()) {
        reports.put(
            address(report.getReporter()),
            new RoundOutcome.Report(report.getEventCount(), bytes32(report.getChecksum())));
      }
      RoundKey key = fromProto(round.getKey());
      rounds.put(
          key.id(),
          new ReportRound(
              key,
              round.getReportersList().stream().map(LedgerSerializer::address).toList(),
              amount(round.getRewardPerReporter()),
              amount(round.getReserved()),
              reports,
              round.getFinalised()
                  ? Optional.of(
                      new RoundOutcome.Report(
                          round.getFinalEventCount(), bytes32(round.getFinalChecksum())))
                  : Optional.empty(),
              round.getClosed()));
    }
    return new LedgerState(
        amount(proto.getTotalSupply()),
        balances,
        nonces,
        proto.getProductCount(),
        products,
        licences,
        address(proto.getProtocolFeeRecipient()),
        proto.getProtocolFeeBps(),
        jobs,
        bytes32s(proto.getSettlementsList()),
        amount(proto.getReportPool()),
        rounds,
        stakesFromProto(proto));
  }

  private static StakeBook stakesFromProto(io.cairn.cluster.proto.ledger.LedgerState proto) {
    Map<EthereumAddress, ProviderStake> providers = new HashMap<>();
    for (var stake : proto.getStakesList()) {
      EthereumAddress provider = address(stake.getProvider());
      providers.put(
          provider,
          new ProviderStake(
              provider,
              amount(stake.getStake()),
              amount(stake.getHeld()),
              stake.getExiting(),
              stake.getWithdrawableAt(),
              stake.getFrozenUntil()));
    }
    return new StakeBook(
        providers,
        // a snapshot from before the stakes has no repair fund
        proto.getRepairFund().isEmpty() ? BigInteger.ZERO : amount(proto.getRepairFund()),
        bytes32s(proto.getSlashesList()),
        bytes32s(proto.getReleasesList()),
        bytes32s(proto.getRepairsList()));
  }

  private static io.cairn.cluster.proto.ledger.Product toProto(Product product) {
    ProductTerms terms = product.terms();
    return io.cairn.cluster.proto.ledger.Product.newBuilder()
        .setId(product.id())
        .setOwner(product.owner().value())
        .addAllStreams(terms.streams())
        .addAllCores(terms.cores())
        .setPricePerSecond(terms.pricePerSecond().toString())
        .setMinimumSeconds(terms.minimumSeconds())
        .setTermsHash(terms.termsHash().toString())
        .addAllBeneficiaries(
            terms.beneficiaries().stream()
                .map(
                    beneficiary ->
                        io.cairn.cluster.proto.ledger.Beneficiary.newBuilder()
                            .setAddress(beneficiary.address().value())
                            .setShares(beneficiary.shares())
                            .build())
                .toList())
        .build();
  }

  private static Product fromProto(io.cairn.cluster.proto.ledger.Product proto) {
    return new Product(
        proto.getId(),
        address(proto.getOwner()),
        new ProductTerms(
            proto.getStreamsList(),
            proto.getCoresList(),
            amount(proto.getPricePerSecond()),
            proto.getMinimumSeconds(),
            bytes32(proto.getTermsHash()),
            proto.getBeneficiariesList().stream()
                .map(
                    beneficiary ->
                        new ProductTerms.Beneficiary(
                            address(beneficiary.getAddress()), beneficiary.getShares()))
                .toList()));
  }

  private static io.cairn.cluster.proto.ledger.RoundKey toProto(RoundKey key) {
    return io.cairn.cluster.proto.ledger.RoundKey.newBuilder()
        .setStreamId(key.streamId())
        .setPartition(key.partition())
        .setInterval(key.interval())
        .build();
  }

  private static RoundKey fromProto(io.cairn.cluster.proto.ledger.RoundKey proto) {
    return new RoundKey(proto.getStreamId(), proto.getPartition(), proto.getInterval());
  }

  private static EthereumAddress address(String value) {
    return new EthereumAddress(value);
  }

  private static Set<EthereumAddress> addresses(List<String> values) {
    return Set.copyOf(values.stream().map(LedgerSerializer::address).toList());
  }

  private static BigInteger amount(String value) {
    return new BigInteger(value);
  }

  private static Bytes32 bytes32(String value) {
    return Bytes32.parse(value, "stored value");
  }

  private static Set<Bytes32> bytes32s(List<String> values) {
    return Set.copyOf(values.stream().map(LedgerSerializer::bytes32).toList());
  }
}
