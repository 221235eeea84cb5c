package io.cairn.ledger.evm;

import io.cairn.contracts.CairnToken;
import io.cairn.contracts.ChecksumReports;
import io.cairn.contracts.Escrow;
import io.cairn.contracts.Marketplace;
import io.cairn.contracts.ProviderStakes;
import io.cairn.ledger.LedgerEvent;
import io.cairn.ledger.Product;
import io.cairn.ledger.ProductTerms;
import io.cairn.ledger.RoundKey;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.ledger.Bytes32;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.datatypes.Event;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * A transaction receipt's logs as {@link LedgerEvent}s, in log order. Only the contracts' own
 * events of one deployment count; a log from any other address, and the events the ledger does not
 * record (ERC-677's TransferAndCall, Approval, the role events), are passed over. The token's
 * ERC-20 Transfer is reported only when asked for: a mint or a transfer is one, while in a
 * purchase, a deposit or a settlement it is a detail of the contract's own event.
 */
final class ContractEvents {
  private final Map<String, Decoder> byTopic = new HashMap<>();

  ContractEvents(ContractAddresses addresses) {
    EthereumAddress token = addresses.token();
    EthereumAddress marketplace = addresses.marketplace();
    EthereumAddress escrow = addresses.escrow();
    EthereumAddress reports = addresses.checksumReports();
    EthereumAddress stakes = addresses.providerStakes();
    define(token, CairnToken.TRANSFER_EVENT, ContractEvents::transferred);
    define(marketplace, Marketplace.PRODUCTCREATED_EVENT, ContractEvents::productCreated);
    define(marketplace, Marketplace.LICENCEEXTENDED_EVENT, ContractEvents::licenceExtended);
    define(marketplace, Marketplace.LICENCEREVOKED_EVENT, ContractEvents::licenceRevoked);
    define(marketplace, Marketplace.SALEPAID_EVENT, ContractEvents::salePaid);
    define(marketplace, Marketplace.PROTOCOLFEECHANGED_EVENT, ContractEvents::protocolFeeChanged);
    define(escrow, Escrow.DEPOSITED_EVENT, ContractEvents::deposited);
    define(escrow, Escrow.PAIDOUT_EVENT, ContractEvents::paidOut);
    define(escrow, Escrow.HELDBACK_EVENT, ContractEvents::heldBack);
    define(escrow, Escrow.BURNED_EVENT, ContractEvents::burned);
    define(escrow, Escrow.REFUNDED_EVENT, ContractEvents::refunded);
    define(reports, ChecksumReports.POOLFUNDED_EVENT, ContractEvents::poolFunded);
    define(reports, ChecksumReports.ROUNDOPENED_EVENT, ContractEvents::roundOpened);
    define(reports, ChecksumReports.REPORTED_EVENT, ContractEvents::reported);
    define(reports, ChecksumReports.REPORTFINALISED_EVENT, ContractEvents::reportFinalised);
    define(reports, ChecksumReports.REPORTERREWARDED_EVENT, ContractEvents::reporterRewarded);
    define(reports, ChecksumReports.REPORTERUNREWARDED_EVENT, ContractEvents::reporterUnrewarded);
    define(reports, ChecksumReports.ROUNDCLOSED_EVENT, ContractEvents::roundClosed);
    define(stakes, ProviderStakes.STAKED_EVENT, ContractEvents::staked);
    define(stakes, ProviderStakes.EXITBEGUN_EVENT, ContractEvents::exitBegun);
    define(stakes, ProviderStakes.WITHDRAWN_EVENT, ContractEvents::withdrawn);
    define(stakes, ProviderStakes.SLASHED_EVENT, ContractEvents::slashed);
    define(stakes, ProviderStakes.FROZEN_EVENT, ContractEvents::frozen);
    define(stakes, ProviderStakes.HELDRELEASED_EVENT, ContractEvents::heldReleased);
    define(stakes, ProviderStakes.REPAIRPAID_EVENT, ContractEvents::repairPaid);
  }

  /** The receipt's events; the token's Transfer events only if {@code withTransfers}. */
  List<LedgerEvent> decode(TransactionReceipt receipt, boolean withTransfers) {
    return decode(receipt.getLogs(), withTransfers);
  }

  /**
   * The events of {@code logs} (a receipt's, or an eth_getLogs answer's, in the chain's order); a
   * log a reorganisation removed is passed over.
   */
  List<LedgerEvent> decode(List<Log> logs, boolean withTransfers) {
    List<LedgerEvent> events = new ArrayList<>();
    for (Log log : logs) {
      if (log.getTopics() == null || log.getTopics().isEmpty() || log.isRemoved()) {
        continue;
      }
      Decoder decoder = byTopic.get(log.getTopics().get(0).toLowerCase(Locale.ROOT));
      if (decoder == null || !decoder.emitter().value().equalsIgnoreCase(log.getAddress())) {
        continue;
      }
      LedgerEvent event = decoder.decode().apply(log);
      if (withTransfers || !(event instanceof LedgerEvent.Transferred)) {
        events.add(event);
      }
    }
    return events;
  }

  private void define(EthereumAddress emitter, Event event, Function<Log, LedgerEvent> decode) {
    byTopic.put(EventEncoder.encode(event).toLowerCase(Locale.ROOT), new Decoder(emitter, decode));
  }

  private record Decoder(EthereumAddress emitter, Function<Log, LedgerEvent> decode) {}

  private static LedgerEvent transferred(Log log) {
    CairnToken.TransferEventResponse e = CairnToken.getTransferEventFromLog(log);
    return new LedgerEvent.Transferred(address(e.from), address(e.to), e.value);
  }

  private static LedgerEvent productCreated(Log log) {
    Marketplace.ProductCreatedEventResponse e = Marketplace.getProductCreatedEventFromLog(log);
    return new LedgerEvent.ProductCreated(
        product(
            e.productId,
            e.owner,
            e.pricePerSecond,
            e.minimumSeconds,
            e.termsHash,
            e.streams,
            e.cores,
            e.beneficiaries,
            e.shares));
  }

  private static LedgerEvent licenceExtended(Log log) {
    Marketplace.LicenceExtendedEventResponse e = Marketplace.getLicenceExtendedEventFromLog(log);
    return new LedgerEvent.LicenceExtended(
        e.productId.longValueExact(),
        address(e.buyer),
        e.endsAt.longValue(),
        e.addedSeconds.longValue(),
        e.price);
  }

  private static LedgerEvent licenceRevoked(Log log) {
    Marketplace.LicenceRevokedEventResponse e = Marketplace.getLicenceRevokedEventFromLog(log);
    return new LedgerEvent.LicenceRevoked(
        e.productId.longValueExact(), address(e.buyer), e.endedAt.longValue());
  }

  private static LedgerEvent salePaid(Log log) {
    Marketplace.SalePaidEventResponse e = Marketplace.getSalePaidEventFromLog(log);
    return new LedgerEvent.SalePaid(e.productId.longValueExact(), address(e.recipient), e.amount);
  }

  private static LedgerEvent protocolFeeChanged(Log log) {
    Marketplace.ProtocolFeeChangedEventResponse e =
        Marketplace.getProtocolFeeChangedEventFromLog(log);
    return new LedgerEvent.ProtocolFeeChanged(address(e.recipient), e.feeBps.intValueExact());
  }

  private static LedgerEvent deposited(Log log) {
    Escrow.DepositedEventResponse e = Escrow.getDepositedEventFromLog(log);
    return new LedgerEvent.Deposited(
        Bytes32.of(e.jobId), address(e.supporter), e.amount, e.balance);
  }

  private static LedgerEvent paidOut(Log log) {
    Escrow.PaidOutEventResponse e = Escrow.getPaidOutEventFromLog(log);
    return new LedgerEvent.PaidOut(
        Bytes32.of(e.jobId), address(e.recipient), e.amount, Bytes32.of(e.settlementId));
  }

  private static LedgerEvent heldBack(Log log) {
    Escrow.HeldBackEventResponse e = Escrow.getHeldBackEventFromLog(log);
    return new LedgerEvent.HeldBack(
        Bytes32.of(e.jobId), address(e.provider), e.amount, Bytes32.of(e.settlementId));
  }

  private static LedgerEvent burned(Log log) {
    Escrow.BurnedEventResponse e = Escrow.getBurnedEventFromLog(log);
    return new LedgerEvent.Burned(Bytes32.of(e.jobId), e.amount, Bytes32.of(e.settlementId));
  }

  private static LedgerEvent refunded(Log log) {
    Escrow.RefundedEventResponse e = Escrow.getRefundedEventFromLog(log);
    return new LedgerEvent.Refunded(Bytes32.of(e.jobId), address(e.supporter), e.amount);
  }

  private static LedgerEvent poolFunded(Log log) {
    ChecksumReports.PoolFundedEventResponse e = ChecksumReports.getPoolFundedEventFromLog(log);
    return new LedgerEvent.PoolFunded(address(e.from), e.amount, e.pool);
  }

  /** The partition and interval are unsigned on the chain, as {@link RoundKey#id} hashes them. */
  private static LedgerEvent roundOpened(Log log) {
    ChecksumReports.RoundOpenedEventResponse e = ChecksumReports.getRoundOpenedEventFromLog(log);
    return new LedgerEvent.RoundOpened(
        new RoundKey(e.streamId, e.partition.intValue(), e.interval.longValue()),
        e.reporters.stream().map(ContractEvents::address).toList(),
        e.rewardPerReporter);
  }

  private static LedgerEvent reported(Log log) {
    ChecksumReports.ReportedEventResponse e = ChecksumReports.getReportedEventFromLog(log);
    return new LedgerEvent.Reported(
        Bytes32.of(e.roundId),
        address(e.reporter),
        e.eventCount.longValue(),
        Bytes32.of(e.checksum));
  }

  private static LedgerEvent reportFinalised(Log log) {
    ChecksumReports.ReportFinalisedEventResponse e =
        ChecksumReports.getReportFinalisedEventFromLog(log);
    return new LedgerEvent.ReportFinalised(
        Bytes32.of(e.roundId), e.eventCount.longValue(), Bytes32.of(e.checksum));
  }

  private static LedgerEvent reporterRewarded(Log log) {
    ChecksumReports.ReporterRewardedEventResponse e =
        ChecksumReports.getReporterRewardedEventFromLog(log);
    return new LedgerEvent.ReporterRewarded(Bytes32.of(e.roundId), address(e.reporter), e.amount);
  }

  private static LedgerEvent reporterUnrewarded(Log log) {
    ChecksumReports.ReporterUnrewardedEventResponse e =
        ChecksumReports.getReporterUnrewardedEventFromLog(log);
    return new LedgerEvent.ReporterUnrewarded(
        Bytes32.of(e.roundId),
        address(e.reporter),
        LedgerEvent.Unrewarded.ofCode(e.reason.intValueExact()));
  }

  private static LedgerEvent roundClosed(Log log) {
    ChecksumReports.RoundClosedEventResponse e = ChecksumReports.getRoundClosedEventFromLog(log);
    return new LedgerEvent.RoundClosed(Bytes32.of(e.roundId), e.finalised);
  }

  private static LedgerEvent staked(Log log) {
    ProviderStakes.StakedEventResponse e = ProviderStakes.getStakedEventFromLog(log);
    return new LedgerEvent.Staked(address(e.provider), e.amount, e.stake);
  }

  private static LedgerEvent exitBegun(Log log) {
    ProviderStakes.ExitBegunEventResponse e = ProviderStakes.getExitBegunEventFromLog(log);
    return new LedgerEvent.ExitBegun(address(e.provider), e.withdrawableAt.longValueExact());
  }

  private static LedgerEvent withdrawn(Log log) {
    ProviderStakes.WithdrawnEventResponse e = ProviderStakes.getWithdrawnEventFromLog(log);
    return new LedgerEvent.Withdrawn(address(e.provider), e.stake, e.held);
  }

  private static LedgerEvent slashed(Log log) {
    ProviderStakes.SlashedEventResponse e = ProviderStakes.getSlashedEventFromLog(log);
    return new LedgerEvent.Slashed(
        address(e.provider), e.fromHeld, e.fromStake, Bytes32.of(e.slashId));
  }

  private static LedgerEvent frozen(Log log) {
    ProviderStakes.FrozenEventResponse e = ProviderStakes.getFrozenEventFromLog(log);
    return new LedgerEvent.Frozen(address(e.provider), e.frozenUntil.longValueExact());
  }

  private static LedgerEvent heldReleased(Log log) {
    ProviderStakes.HeldReleasedEventResponse e = ProviderStakes.getHeldReleasedEventFromLog(log);
    return new LedgerEvent.HeldReleased(address(e.provider), e.amount, Bytes32.of(e.releaseId));
  }

  private static LedgerEvent repairPaid(Log log) {
    ProviderStakes.RepairPaidEventResponse e = ProviderStakes.getRepairPaidEventFromLog(log);
    return new LedgerEvent.RepairPaid(address(e.recipient), e.amount, Bytes32.of(e.repairId));
  }

  /**
   * A product as the contract holds it; the cores' bytes32 as 64 lower-case hex digits, as {@link
   * ProductTerms} writes a core's public key.
   */
  static Product product(
      BigInteger id,
      String owner,
      BigInteger pricePerSecond,
      BigInteger minimumSeconds,
      byte[] termsHash,
      List<String> streams,
      List<byte[]> cores,
      List<String> beneficiaries,
      List<BigInteger> shares) {
    List<ProductTerms.Beneficiary> paid = new ArrayList<>();
    for (int i = 0; i < beneficiaries.size(); i++) {
      paid.add(
          new ProductTerms.Beneficiary(address(beneficiaries.get(i)), shares.get(i).longValue()));
    }
    return new Product(
        id.longValueExact(),
        address(owner),
        new ProductTerms(
            streams,
            cores.stream().map(core -> HexFormat.of().formatHex(core)).toList(),
            pricePerSecond,
            minimumSeconds.longValue(),
            Bytes32.of(termsHash),
            paid));
  }

  /** web3j's address (0x and 40 hex digits, any case) in Cairn's canonical lower-case form. */
  static EthereumAddress address(String web3jAddress) {
    return new EthereumAddress(web3jAddress.toLowerCase(Locale.ROOT));
  }
}
