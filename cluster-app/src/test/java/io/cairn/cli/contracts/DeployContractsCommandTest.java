package io.cairn.cli.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.ConfigFactory;
import io.cairn.cli.CairnCommandLine;
import io.cairn.cluster.ClusterNodes;
import io.cairn.ledger.evm.AnvilChain;
import io.cairn.ledger.evm.ContractAddresses;
import io.cairn.ledger.evm.EvmChainSettings;
import io.cairn.ledger.evm.EvmLedger;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.event.PrivateKeySigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn contracts deploy} against anvil ({@link AnvilChain}: skipped without one, unless
 * {@code CAIRN_REQUIRE_CHAIN=true}): the block it prints is what a node reads, and the deployment
 * it names gives the operator every role; and its exit codes, the usage mistakes without a chain.
 */
class DeployContractsCommandTest {
  @TempDir Path work;
  private AnvilChain chain;
  private ExecutorService executor;

  @AfterEach
  void close() {
    if (executor != null) {
      executor.shutdownNow();
    }
    if (chain != null) {
      chain.close();
    }
  }

  private AnvilChain chain() {
    Optional<AnvilChain> connected = AnvilChain.connect();
    AnvilChain.assumeConnected(connected);
    chain = connected.get();
    executor = Executors.newFixedThreadPool(2);
    return chain;
  }

  @Test
  void theBlockItPrintsIsANodesLedgerWithTheOperatorInEveryRole() throws Exception {
    AnvilChain anvil = chain();
    PrivateKeySigner deployer = anvil.newAccount();
    EthereumAddress operator = PrivateKeySigner.generate().address();
    CairnCommandLine.Result result =
        CairnCommandLine.run(
            "contracts",
            "deploy",
            "--chain",
            anvil.url(),
            "--key",
            keyFile(deployer).toString(),
            "--operator",
            operator.value());
    assertEquals(0, result.exitCode(), result.err());

    EvmChainSettings settings =
        EvmChainSettings.fromConfig(
            ConfigFactory.parseString(result.out()).withFallback(ConfigFactory.load()));
    assertTrue(settings.configured());
    assertEquals(anvil.url(), settings.url());
    long chainId = anvil.web3j().ethChainId().send().getChainId().longValueExact();
    assertEquals(chainId, settings.expectedChainId().orElseThrow());
    assertTrue(settings.follow().fromBlock() > 0, "from-block is the deployment's first block");
    assertEquals(
        Duration.ofDays(7),
        ConfigFactory.parseString(result.out()).getDuration("cairn.ledger.unbonding"),
        "the unbonding time the stakes were deployed with, by default the node's");
    ContractAddresses addresses = settings.contracts().orElseThrow();
    EvmLedger ledger = new EvmLedger(anvil.web3j(), addresses, settings, executor);
    assertEquals(
        List.of(), ledger.missingRoles(operator).toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertEquals(
        5,
        ledger
            .missingRoles(deployer.address())
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS)
            .size(),
        "the deployer holds no role when it is not the operator");
  }

  @Test
  void asJsonWithTheKeysAddressAsTheDefaultOperator() throws Exception {
    AnvilChain anvil = chain();
    PrivateKeySigner deployer = anvil.newAccount();
    CairnCommandLine.Result result =
        CairnCommandLine.run(
            "contracts",
            "deploy",
            "--chain",
            anvil.url(),
            "--key",
            keyFile(deployer).toString(),
            "--coherence-bps",
            "6000",
            "--gas-limit",
            "5000000",
            "--format",
            "json");
    assertEquals(0, result.exitCode(), result.err());
    JsonObject json = JsonParser.parseString(result.out()).getAsJsonObject();
    assertEquals(deployer.address().value(), json.get("operator").getAsString());
    assertEquals(
        anvil.web3j().ethChainId().send().getChainId().longValueExact(),
        json.get("chainId").getAsLong());
    JsonObject contracts = json.getAsJsonObject("contracts");
    ContractAddresses addresses =
        new ContractAddresses(
            EthereumAddress.parse(contracts.get("token").getAsString()),
            EthereumAddress.parse(contracts.get("marketplace").getAsString()),
            EthereumAddress.parse(contracts.get("escrow").getAsString()),
            EthereumAddress.parse(contracts.get("checksumReports").getAsString()),
            EthereumAddress.parse(contracts.get("providerStakes").getAsString()));
    EvmLedger ledger = new EvmLedger(anvil.web3j(), addresses, anvil.settings(), executor);
    assertEquals(
        List.of(),
        ledger.missingRoles(deployer.address()).toCompletableFuture().get(30, TimeUnit.SECONDS));
  }

  @Test
  void aKeyWithoutGasMoneyIsRefusedByTheChain() throws Exception {
    AnvilChain anvil = chain();
    CairnCommandLine.Result result =
        CairnCommandLine.run(
            "contracts",
            "deploy",
            "--chain",
            anvil.url(),
            "--key",
            keyFile(PrivateKeySigner.generate()).toString());
    assertEquals(1, result.exitCode(), result.err());
    assertTrue(result.err().startsWith("cairn: "), result.err());
    assertEquals("", result.out());
  }

  @Test
  void usageMistakesAre2AndAChainThatDoesNotAnswer1() throws Exception {
    String key = keyFile(PrivateKeySigner.generate()).toString();
    String url = "http://127.0.0.1:" + ClusterNodes.freePort();
    assertExit(2, "Missing required option: '--chain=URL'", "contracts", "deploy", "--key", key);
    assertExit(2, "--chain must be", "contracts", "deploy", "--chain", "ftp://x", "--key", key);
    assertExit(
        2,
        "--coherence-bps must be 1 to 10000",
        "contracts",
        "deploy",
        "--chain",
        url,
        "--key",
        key,
        "--coherence-bps",
        "0");
    assertExit(
        2, "--operator", "contracts", "deploy", "--chain", url, "--key", key, "--operator", "0x12");
    Path garbage = Files.writeString(work.resolve("garbage.key"), "not a key");
    assertExit(
        2,
        "--key " + garbage + " does not hold a private key",
        "contracts",
        "deploy",
        "--chain",
        url,
        "--key",
        garbage.toString());
    Path missing = work.resolve("missing.key");
    assertExit(
        1,
        "cannot read " + missing,
        "contracts",
        "deploy",
        "--chain",
        url,
        "--key",
        missing.toString());
    assertExit(1, "did not answer", "contracts", "deploy", "--chain", url, "--key", key);
  }

  private static void assertExit(int code, String saying, String... args) {
    CairnCommandLine.Result result = CairnCommandLine.run(args);
    assertEquals(code, result.exitCode(), result.err());
    assertTrue(result.err().contains(saying), result.err());
    assertEquals(1, result.err().strip().lines().count(), result.err());
  }

  private Path keyFile(PrivateKeySigner key) throws Exception {
    Path file = Files.createTempFile(work, "deployer", ".key");
    Files.writeString(file, key.toHex() + "\n");
    return file;
  }
}
