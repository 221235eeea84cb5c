package io.cairn.cli.contracts;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cairn.ledger.evm.ContractAddresses;
import io.cairn.ledger.evm.EvmChainSettings;
import io.cairn.ledger.evm.EvmLedger;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.event.PrivateKeySigner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Deploys the token, the marketplace, the escrow, the checksum reports and the provider stakes with
 * the operator in every role, and prints the configuration block a node reads to make them its
 * ledger.
 */
@Command(
    name = "deploy",
    mixinStandardHelpOptions = true,
    description = {
      "Deploys the five contracts (token, marketplace, escrow, checksum reports, provider stakes)"
          + " from the key of --key, with --operator holding every role, and prints the"
          + " cairn.ledger.chain block that makes them a node's ledger (with the chain id and the"
          + " deployment's first block) and the unbonding time they were deployed with, or the"
          + " same as JSON.",
      "The operator must be the cluster's service address: the node mints, settles and opens"
          + " checksum rounds with the service key.",
      "Exit codes: 0 deployed, 1 refused by the chain (or the chain node did not answer),"
          + " 2 bad usage."
    })
public final class DeployContractsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--chain",
      required = true,
      paramLabel = "URL",
      description = "JSON-RPC endpoint (http or https) of the chain to deploy on.")
  String chain;

  @Option(
      names = "--key",
      required = true,
      paramLabel = "FILE",
      description =
          "File holding the deployer's private key (64 hex digits, optionally after 0x), as the"
              + " service key file does. It signs locally and pays the gas.")
  Path keyFile;

  @Option(
      names = "--operator",
      paramLabel = "ADDRESS",
      description =
          "The address given every role: the cluster's service address (default: the key's).")
  String operator;

  @Option(
      names = "--coherence-bps",
      paramLabel = "N",
      description =
          "Share of a checksum round's reporters that must agree, in basis points, 1 to 10000"
              + " (default: cairn.ledger.coherence-bps, 9000).")
  Integer coherenceBps;

  @Option(
      names = "--unbonding-seconds",
      paramLabel = "N",
      description =
          "How long after beginning to exit a provider can withdraw its stake, in seconds"
              + " (default: cairn.ledger.unbonding, 7 days).")
  Long unbondingSeconds;

  @Option(
      names = "--gas-limit",
      paramLabel = "N",
      description =
          "Gas limit of each contract creation (default: cairn.ledger.chain.deploy-gas-limit,"
              + " 8000000).")
  Long gasLimit;

  @Option(
      names = "--format",
      paramLabel = "config|json",
      defaultValue = "config",
      description = "config: the HOCON block for the node's configuration (default); json.")
  String format;

  @Override
  public Integer call() throws IOException {
    Map<String, Object> options = new HashMap<>();
    options.put("cairn.ledger.chain.url", url(chain));
    if (gasLimit != null) {
      if (gasLimit < 1) {
        throw new IllegalArgumentException("--gas-limit must be above 0, not " + gasLimit);
      }
      options.put("cairn.ledger.chain.deploy-gas-limit", gasLimit);
    }
    Config config = ConfigFactory.parseMap(options).withFallback(ConfigFactory.load());
    EvmChainSettings settings = EvmChainSettings.fromConfig(config);
    int coherence =
        coherenceBps != null ? coherenceBps : config.getInt("cairn.ledger.coherence-bps");
    if (coherence < 1 || coherence > 10_000) {
      throw new IllegalArgumentException("--coherence-bps must be 1 to 10000, not " + coherence);
    }
    long unbonding =
        unbondingSeconds != null
            ? unbondingSeconds
            : config.getDuration("cairn.ledger.unbonding").toSeconds();
    if (unbonding < 0) {
      throw new IllegalArgumentException("--unbonding-seconds must be 0 or more, not " + unbonding);
    }
    boolean json =
        switch (format.toLowerCase(Locale.ROOT)) {
          case "config" -> false;
          case "json" -> true;
          default ->
              throw new IllegalArgumentException("--format must be config or json, not " + format);
        };
    PrivateKeySigner deployer = readKey(keyFile);
    EthereumAddress roles = operator == null ? deployer.address() : address(operator);

    PrintWriter err = spec.commandLine().getErr();
    Web3j web3j = Web3j.build(new HttpService(settings.url()));
    EvmLedger.Deployment deployment;
    try {
      deployment = EvmLedger.deployment(web3j, deployer, roles, coherence, unbonding, settings);
    } catch (Rejection refused) {
      err.println("cairn: the chain refused the deployment: " + refused.getMessage());
      err.flush();
      return 1;
    } catch (IOException unanswered) {
      err.println(
          "cairn: the chain node at "
              + settings.url()
              + " did not answer: "
              + unanswered.getMessage());
      err.flush();
      return 1;
    } catch (IllegalStateException refused) {
      err.println("cairn: " + refused.getMessage());
      err.flush();
      return 1;
    } finally {
      web3j.shutdown();
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(
        json
            ? json(settings.url(), roles, unbonding, deployment)
            : config(settings.url(), deployer.address(), roles, unbonding, deployment));
    out.flush();
    return 0;
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

  /** Any letter case: a checksummed address is the same address. */
  private static EthereumAddress address(String text) {
    try {
      return EthereumAddress.parse(text.strip().toLowerCase(Locale.ROOT));
    } catch (Rejection invalid) {
      throw new IllegalArgumentException("--operator: " + invalid.getMessage(), invalid);
    }
  }

  /** A missing file is a local problem (1); a file that holds no key a usage mistake (2). */
  private static PrivateKeySigner readKey(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    try {
      return PrivateKeySigner.fromHex(text.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--key " + file + " does not hold a private key: " + e.getMessage(), e);
    }
  }

  /** The block a node's configuration takes as it is, in HOCON. */
  static String config(
      String url,
      EthereumAddress deployer,
      EthereumAddress operator,
      long unbondingSeconds,
      EvmLedger.Deployment d) {
    ContractAddresses a = d.addresses();
    return String.format(
        Locale.ROOT,
        """
        # cairn contracts deploy: chain %d, from block %d, deployed by %s;
        # %s holds every role (it must be the cluster's service address)
        cairn.ledger.chain {
          url = "%s"
          expected-chain-id = %d
          from-block = %d
          contracts {
            token = "%s"
            marketplace = "%s"
            escrow = "%s"
            checksum-reports = "%s"
            provider-stakes = "%s"
          }
        }
        # the provider stakes were deployed with this unbonding time
        cairn.ledger.unbonding = %ds
        """,
        d.chainId(),
        d.firstBlock(),
        deployer,
        operator,
        url,
        d.chainId(),
        d.firstBlock(),
        a.token(),
        a.marketplace(),
        a.escrow(),
        a.checksumReports(),
        a.providerStakes(),
        unbondingSeconds);
  }

  static String json(
      String url, EthereumAddress operator, long unbondingSeconds, EvmLedger.Deployment d) {
    JsonObject json = new JsonObject();
    json.addProperty("url", url);
    json.addProperty("chainId", d.chainId());
    json.addProperty("fromBlock", d.firstBlock());
    json.addProperty("operator", operator.value());
    json.addProperty("unbondingSeconds", unbondingSeconds);
    JsonObject contracts = new JsonObject();
    contracts.addProperty("token", d.addresses().token().value());
    contracts.addProperty("marketplace", d.addresses().marketplace().value());
    contracts.addProperty("escrow", d.addresses().escrow().value());
    contracts.addProperty("checksumReports", d.addresses().checksumReports().value());
    contracts.addProperty("providerStakes", d.addresses().providerStakes().value());
    json.add("contracts", contracts);
    return new GsonBuilder().setPrettyPrinting().create().toJson(json) + "\n";
  }
}
