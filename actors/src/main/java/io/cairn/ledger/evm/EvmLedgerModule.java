package io.cairn.ledger.evm;

import io.cairn.cluster.NodeRole;
import io.cairn.ledger.LedgerModule;
import io.cairn.ledger.LedgerSettings;
import io.cairn.ledger.LicenceGrants;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.event.AddressRecovery;
import io.cairn.stream.Streams;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.Web3jService;
import org.web3j.protocol.http.HttpService;

/**
 * The node's ledger, chosen by configuration alone: with {@code cairn.ledger.chain.url} set, the
 * contracts of the configured deployment on that chain (an {@link EvmLedger} whose blocking
 * requests run on the {@code cairn.ledger.chain.dispatcher}, and the licence workflow as the {@link
 * ChainFollower} singleton on the nodes with the stream role); without it, the embedded ledger
 * ({@link LedgerModule#init}). It lives here, beside the chain's classes, because only this package
 * sees both backends.
 */
public final class EvmLedgerModule {
  private static final Logger log = LoggerFactory.getLogger(EvmLedgerModule.class);

  /** Where the ledger's blocking web3j requests run. */
  public static final String CHAIN_DISPATCHER = "cairn.ledger.chain.dispatcher";

  private EvmLedgerModule() {}

  /**
   * The ledger on {@code chain} if one is configured, else the embedded one; {@code operator} (the
   * cluster's service address) holds the contracts' roles.
   */
  public static LedgerModule init(
      ActorSystem<?> system,
      LedgerSettings settings,
      EvmChainSettings chain,
      EthereumAddress operator,
      AddressRecovery recovery,
      Clock clock,
      Streams streams) {
    if (chain.configured()) {
      return onChain(system, chain, web3jService(chain.url()), operator, streams);
    }
    return LedgerModule.init(system, settings, operator, recovery, clock, streams);
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
    return LedgerModule.of(ledger);
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
}
