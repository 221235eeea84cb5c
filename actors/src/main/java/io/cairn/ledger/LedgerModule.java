package io.cairn.ledger;

import io.cairn.cluster.NodeRole;
import io.cairn.cluster.ServiceIdentity;
import io.cairn.ledger.evm.ChainFollower;
import io.cairn.ledger.evm.ContractAddresses;
import io.cairn.ledger.evm.EvmChainSettings;
import io.cairn.ledger.evm.EvmLedger;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.event.AddressRecovery;
import io.cairn.stream.PartitionChecksums;
import io.cairn.stream.Streams;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.Web3jService;
import org.web3j.protocol.http.HttpService;

/**
 * The ledger on one node, on one of two backends chosen by configuration alone:
 *
 * <ul>
 *   <li>the embedded ledger (no {@code cairn.ledger.chain.url}): the {@link LedgerBook} entity and
 *       the licence workflow ({@link LicenceAccess}) on the nodes with the stream role (a proxy
 *       elsewhere), and the {@link EmbeddedLedger} facade over it;
 *   <li>the contracts on a chain: an {@link EvmLedger} on the configured deployment, whose blocking
 *       requests run on the {@code cairn.ledger.chain.dispatcher}, and the licence workflow as the
 *       {@link ChainFollower} singleton on the nodes with the stream role.
 * </ul>
 *
 * @param ledger the ledger every part of the node uses
 * @param embedded the embedded ledger, for what only it offers (its signed requests over HTTP);
 *     empty on a chain
 */
public record LedgerModule(Ledger ledger, Optional<EmbeddedLedger> embedded) {
  private static final Logger log = LoggerFactory.getLogger(LedgerModule.class);

  /** Where the ledger's blocking web3j requests run. */
  public static final String CHAIN_DISPATCHER = "cairn.ledger.chain.dispatcher";

  /**
   * Starts the ledger; {@code operator} (the cluster's service address) holds the contracts' roles,
   * and {@code clock} gives the embedded ledger's time (a chain's is its latest block's).
   */
  public static LedgerModule init(
      ActorSystem<?> system,
      LedgerSettings settings,
      EthereumAddress operator,
      AddressRecovery recovery,
      Clock clock,
      Streams streams) {
    if (settings.chain().isPresent()) {
      EvmChainSettings chain = settings.chain().get();
      return onChain(system, chain, web3jService(chain.url()), operator, streams);
    }
    LedgerRules rules = new LedgerRules(operator, settings.coherenceBps());
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
   * The ledger as the contracts of {@code chain}'s deployment, reached through {@code service}; the
   * follower starts on a node with the stream role. Says in the log, without stopping the start,
   * when {@code operator} lacks a role the node acts in, or when the roles cannot be read.
   *
   * @throws IllegalArgumentException when no deployment is configured
   */
  public static LedgerModule onChain(
      ActorSystem<?> system,
      EvmChainSettings chain,
      Web3jService service,
      EthereumAddress operator,
      Streams streams) {
    ContractAddresses addresses =
        chain
            .contracts()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "cairn.ledger.chain.url is set but cairn.ledger.chain.contracts is not:"
                            + " add the block 'cairn contracts deploy' printed to the"
                            + " configuration"));
    Web3j web3j = Web3j.build(service);
    system.getWhenTerminated().thenRun(web3j::shutdown);
    Executor executor =
        system.dispatchers().lookup(DispatcherSelector.fromConfig(CHAIN_DISPATCHER));
    EvmLedger ledger = new EvmLedger(web3j, addresses, chain, executor);
    reportRoles(ledger, operator, chain.url());
    if (NodeRole.STREAM.isHeldBy(system)) {
      ChainFollower.start(
          system, web3j, addresses, chain, executor, new LicenceGrants(ledger, streams));
    }
    return new LedgerModule(ledger, Optional.empty());
  }

  /** An HTTP(S) endpoint; the follower polls, so a WebSocket endpoint is not needed. */
  private static Web3jService web3jService(String url) {
    String scheme = url.strip().toLowerCase(Locale.ROOT);
    if (!scheme.startsWith("http://") && !scheme.startsWith("https://")) {
      throw new IllegalArgumentException(
          "cairn.ledger.chain.url must be an http:// or https:// JSON-RPC endpoint, not " + url);
    }
    return new HttpService(url.strip());
  }

  /** One line: the roles the operator lacks, or that they could not be read. */
  private static void reportRoles(EvmLedger ledger, EthereumAddress operator, String url) {
    ledger
        .missingRoles(operator)
        .whenComplete(
            (missing, failure) -> {
              if (failure != null) {
                log.warn(
                    "cannot check the service address {}'s roles on the contracts at {}: {}",
                    operator,
                    url,
                    Rejection.of(failure).getMessage());
              } else if (!missing.isEmpty()) {
                log.error(
                    "the service address {} lacks {} on the contracts at {} (token {}): what the"
                        + " node does in those roles will be refused until they are granted to it",
                    operator,
                    String.join(", ", missing),
                    url,
                    ledger.addresses().token());
              } else {
                log.info(
                    "the ledger is the contracts at {} (token {}); the service address {} holds"
                        + " their roles",
                    url,
                    ledger.addresses().token(),
                    operator);
              }
            });
  }

  /**
   * Starts the checksum reports of paid partitions on a node with the stream role ({@link
   * ChecksumReporting}); {@code service} is the cluster's service identity, the rounds' opener.
   */
  public void reportChecksums(
      ActorSystem<?> system,
      ChecksumSettings settings,
      Streams streams,
      PartitionChecksums checksums,
      ServiceIdentity service,
      Clock clock) {
    if (NodeRole.STREAM.isHeldBy(system)) {
      ChecksumReporting.start(system, settings, ledger, streams, checksums, service, clock);
    }
  }
}
