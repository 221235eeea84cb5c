package io.cairn.cli.ledger;

import com.typesafe.config.ConfigFactory;
import io.cairn.api.ledger.LedgerApiMapper;
import io.cairn.cli.stream.ClientOptions;
import io.cairn.client.LedgerClient;
import io.cairn.ledger.evm.ContractAddresses;
import io.cairn.ledger.evm.EvmChainSettings;
import io.cairn.ledger.evm.EvmLedger;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.LedgerContracts;
import io.cairn.protocol.api.v1.LedgerInfo;
import io.cairn.protocol.event.PrivateKeySigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;
import picocli.CommandLine.Option;

/**
 * Where a command's ledger operation goes, by what the node says of its ledger ({@code GET
 * /api/v1/ledger}): a request signed with --key, to the node, when the ledger is embedded; a
 * transaction signed with --key, to the contracts the node names at --chain, when it is on a chain.
 */
public final class LedgerWrites {
  @Option(
      names = "--chain",
      paramLabel = "URL",
      description = {
        "When the node's ledger is on a chain: the chain's JSON-RPC endpoint (http:// or"
            + " https://), where the operation is sent as a transaction signed here with --key. It"
            + " must be on the chain the node names."
      })
  String chain;

  /** Runs {@code write} with a client for --key that sends where the node's ledger is. */
  public <T> T write(ClientOptions options, Function<LedgerClient, T> write) {
    PrivateKeySigner signer = options.signer();
    LedgerClient node = options.client().ledger(signer);
    LedgerInfo info = node.info();
    if (!LedgerApiMapper.CHAIN.equals(info.getBackend())) {
      if (chain != null) {
        throw new IllegalArgumentException(
            "--chain: the node's ledger is embedded, not on a chain; its requests go through the"
                + " node, without --chain");
      }
      return write.apply(node);
    }
    if (chain == null) {
      throw new IllegalArgumentException(
          "the node's ledger is on chain "
              + info.getChainId()
              + ": name that chain's JSON-RPC endpoint with --chain URL, where the transaction"
              + " signed here with --key is sent");
    }
    String url = url(chain);
    Web3j web3j = Web3j.build(new HttpService(url));
    try {
      long answered = chainId(web3j, url);
      if (answered != info.getChainId()) {
        throw new Rejection(
            ErrorCode.WRONG_CHAIN,
            "wrong chain: the node's ledger is on chain "
                + info.getChainId()
                + ", --chain "
                + url
                + " answers chain "
                + answered);
      }
      EvmLedger ledger =
          new EvmLedger(
              web3j, addresses(info.getContracts()), settings(url, answered), Runnable::run);
      return write.apply(node.sendingTo(new ContractTransactions(ledger, signer)));
    } finally {
      web3j.shutdown();
    }
  }

  private static String url(String chain) {
    String url = chain.strip();
    String lower = url.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
      throw new IllegalArgumentException(
          "--chain must be an http:// or https:// URL, not " + chain);
    }
    return url;
  }

  private static long chainId(Web3j web3j, String url) {
    Response<String> answer;
    try {
      answer = web3j.ethChainId().send();
    } catch (IOException unanswered) {
      throw new UncheckedIOException(
          "the chain at --chain " + url + " did not answer: " + unanswered.getMessage(),
          unanswered);
    }
    if (answer.hasError()) {
      throw new IllegalStateException(
          "the chain at --chain "
              + url
              + " refused eth_chainId: "
              + answer.getError().getMessage());
    }
    return Long.decode(answer.getResult());
  }

  /** The node's configuration defaults, on the chain the node names. */
  private static EvmChainSettings settings(String url, long chainId) {
    return EvmChainSettings.fromConfig(
        ConfigFactory.parseMap(
                Map.of(
                    "cairn.ledger.chain.url", url,
                    "cairn.ledger.chain.expected-chain-id", chainId))
            .withFallback(ConfigFactory.load()));
  }

  private static ContractAddresses addresses(LedgerContracts contracts) {
    return new ContractAddresses(
        EthereumAddress.parse(contracts.getToken()),
        EthereumAddress.parse(contracts.getMarketplace()),
        EthereumAddress.parse(contracts.getEscrow()),
        EthereumAddress.parse(contracts.getChecksumReports()),
        EthereumAddress.parse(contracts.getProviderStakes()));
  }
}
