package io.cairn.ledger.evm;

import com.typesafe.config.Config;
import io.cairn.protocol.EthereumAddress;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The ledger on an Ethereum chain, read from {@code cairn.ledger.chain} (reference.conf says why
 * each key is what it is).
 *
 * @param url the node's JSON-RPC endpoint; empty when the cluster keeps the embedded ledger
 * @param expectedChainId the chain id the node must report; empty accepts the node's (dev chains)
 * @param contracts the deployment to use; empty until one is configured
 * @param receiptPollInterval how often a sent transaction's receipt is asked for
 * @param receiptTimeout how long a sent transaction may take to be mined
 * @param receiptConfirmations blocks on top of a sent transaction's before {@link EvmLedger#submit}
 *     answers with its events
 * @param gasLimit the gas limit of every transaction to the contracts
 * @param deployGasLimit the gas limit of each contract creation
 * @param follow how the cluster follows the contracts' logs ({@link ChainFollower})
 */
public record EvmChainSettings(
    String url,
    OptionalLong expectedChainId,
    Optional<ContractAddresses> contracts,
    Duration receiptPollInterval,
    Duration receiptTimeout,
    int receiptConfirmations,
    BigInteger gasLimit,
    BigInteger deployGasLimit,
    Follow follow) {

  /**
   * The follower's settings.
   *
   * @param confirmations blocks that must follow a block before its logs are acted on: the follower
   *     reads up to {@code latest - confirmations}
   * @param fromBlock where a follower with no cursor yet starts (the deployment's first block)
   * @param pollInterval how often the follower asks for the chain's head when it has caught up
   * @param blocksPerQuery the largest block range of one eth_getLogs
   */
  public record Follow(
      int confirmations, long fromBlock, Duration pollInterval, int blocksPerQuery) {
    public Follow {
      if (confirmations < 0) {
        throw new IllegalArgumentException("confirmations must be 0 or more");
      }
      if (fromBlock < 0) {
        throw new IllegalArgumentException("from-block must be 0 or more");
      }
      if (pollInterval.isNegative() || pollInterval.isZero()) {
        throw new IllegalArgumentException("follower.poll-interval must be above zero");
      }
      if (blocksPerQuery < 1) {
        throw new IllegalArgumentException("follower.blocks-per-query must be 1 or more");
      }
    }
  }

  public EvmChainSettings {
    if (receiptPollInterval.isNegative() || receiptPollInterval.isZero()) {
      throw new IllegalArgumentException("receipt-poll-interval must be above zero");
    }
    if (receiptTimeout.compareTo(receiptPollInterval) < 0) {
      throw new IllegalArgumentException("receipt-timeout must be at least receipt-poll-interval");
    }
    if (receiptConfirmations < 0) {
      throw new IllegalArgumentException("receipt-confirmations must be 0 or more");
    }
    if (gasLimit.signum() <= 0 || deployGasLimit.signum() <= 0) {
      throw new IllegalArgumentException("gas limits must be above zero");
    }
  }

  public static EvmChainSettings fromConfig(Config config) {
    Config chain = config.getConfig("cairn.ledger.chain");
    long chainId = chain.getLong("expected-chain-id");
    if (chainId < 0) {
      throw new IllegalArgumentException("cairn.ledger.chain.expected-chain-id must be 0 or more");
    }
    return new EvmChainSettings(
        chain.getString("url"),
        chainId == 0 ? OptionalLong.empty() : OptionalLong.of(chainId),
        contracts(chain.getConfig("contracts")),
        chain.getDuration("receipt-poll-interval"),
        chain.getDuration("receipt-timeout"),
        chain.getInt("receipt-confirmations"),
        BigInteger.valueOf(chain.getLong("gas-limit")),
        BigInteger.valueOf(chain.getLong("deploy-gas-limit")),
        new Follow(
            chain.getInt("confirmations"),
            chain.getLong("from-block"),
            chain.getDuration("follower.poll-interval"),
            chain.getInt("follower.blocks-per-query")));
  }

  /** Whether a chain is configured: the cluster's ledger is then the contracts on it. */
  public boolean configured() {
    return !url.isBlank();
  }

  /** The same settings with {@code follow} instead. */
  public EvmChainSettings withFollow(Follow follow) {
    return new EvmChainSettings(
        url,
        expectedChainId,
        contracts,
        receiptPollInterval,
        receiptTimeout,
        receiptConfirmations,
        gasLimit,
        deployGasLimit,
        follow);
  }

  /** How many times a receipt is asked for before the transaction is given up on. */
  int receiptAttempts() {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, receiptTimeout.toMillis() / pollMillis()));
  }

  long pollMillis() {
    return Math.max(1, receiptPollInterval.toMillis());
  }

  /** All five addresses, or none; a configured address may be written in any case. */
  private static Optional<ContractAddresses> contracts(Config contracts) {
    List<String> keys =
        List.of("token", "marketplace", "escrow", "checksum-reports", "provider-stakes");
    List<String> values = keys.stream().map(contracts::getString).map(String::strip).toList();
    if (values.stream().allMatch(String::isEmpty)) {
      return Optional.empty();
    }
    for (int i = 0; i < keys.size(); i++) {
      if (values.get(i).isEmpty()) {
        throw new IllegalArgumentException(
            "cairn.ledger.chain.contracts."
                + keys.get(i)
                + " is empty: set all five contract addresses or none");
      }
    }
    List<EthereumAddress> addresses =
        values.stream()
            .map(value -> EthereumAddress.parse(value.toLowerCase(Locale.ROOT)))
            .toList();
    return Optional.of(
        new ContractAddresses(
            addresses.get(0),
            addresses.get(1),
            addresses.get(2),
            addresses.get(3),
            addresses.get(4)));
  }
}
