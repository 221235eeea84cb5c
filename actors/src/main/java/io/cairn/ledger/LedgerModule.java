package io.cairn.ledger;

import io.cairn.cluster.NodeRole;
import io.cairn.cluster.ServiceIdentity;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.event.AddressRecovery;
import io.cairn.stream.PartitionChecksums;
import io.cairn.stream.Streams;
import java.time.Clock;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The ledger on one node, on one of two backends: the embedded ledger started here, or the
 * contracts on a chain ({@code io.cairn.ledger.evm.EvmLedgerModule}, which chooses between the two
 * by configuration alone). Either way the node uses the {@link Ledger} port.
 *
 * @param ledger the ledger every part of the node uses
 * @param embedded the embedded ledger, for what only it offers (its signed requests over HTTP);
 *     empty on a chain
 */
public record LedgerModule(Ledger ledger, Optional<EmbeddedLedger> embedded) {

  /** The ledger on a chain: the port alone. */
  public static LedgerModule of(Ledger ledger) {
    return new LedgerModule(ledger, Optional.empty());
  }

  /**
   * Starts the embedded ledger: the {@link LedgerBook} entity and the licence workflow ({@link
   * LicenceAccess}) on the nodes with the stream role (a proxy elsewhere), and the {@link
   * EmbeddedLedger} facade over it. {@code operator} (the cluster's service address) holds the
   * contracts' roles, and {@code clock} gives the ledger's time.
   */
  public static LedgerModule init(
      ActorSystem<?> system,
      LedgerSettings settings,
      EthereumAddress operator,
      AddressRecovery recovery,
      Clock clock,
      Streams streams) {
    LedgerRules rules =
        new LedgerRules(operator, settings.coherenceBps(), settings.unbondingSeconds());
    if (NodeRole.STREAM.isHeldBy(system)) {
      LedgerBook.init(system, settings, rules, clock);
    } else {
      LedgerBook.initProxy(system);
    }
    EmbeddedLedger ledger = new EmbeddedLedger(system, settings, operator, recovery, clock);
    if (NodeRole.STREAM.isHeldBy(system)) {
      LicenceAccess.start(system, new LicenceGrants(ledger, streams));
    }
    return new LedgerModule(ledger, Optional.of(ledger));
  }

  /**
   * Starts the checksum reports of paid partitions on a node with the stream role ({@link
   * ChecksumReporting}); {@code service} is the cluster's service identity, the rounds' opener.
   * Answers the address this node reports as, if it does.
   */
  public Optional<EthereumAddress> reportChecksums(
      ActorSystem<?> system,
      ChecksumSettings settings,
      Streams streams,
      PartitionChecksums checksums,
      ServiceIdentity service,
      Clock clock) {
    if (!NodeRole.STREAM.isHeldBy(system)) {
      return Optional.empty();
    }
    return ChecksumReporting.start(system, settings, ledger, streams, checksums, service, clock);
  }
}
