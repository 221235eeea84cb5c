package io.cairn.ledger.evm;

import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.ConfigFactory;
import io.cairn.ledger.LedgerConformanceSuite;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.event.PrivateKeySigner;
import java.io.IOException;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * The local anvil of this test fork and its own JSON-RPC methods. {@code CAIRN_TEST_CHAIN_URL}
 * names one chain per fork, separated by spaces (.ci/run starts them): tests stop automining, move
 * the chain's clock and count its pending transactions, which would upset another fork's tests on
 * the same chain. Without a chain for this fork the tests using it are skipped, saying why, unless
 * {@code CAIRN_REQUIRE_CHAIN=true}, which fails them.
 */
public final class AnvilChain implements AutoCloseable {

  /** Gas money for each account a test makes: 100 ETH. */
  private static final BigInteger GAS_MONEY = BigInteger.TEN.pow(20);

  private final String url;
  private final HttpService service;
  private final Web3j web3j;

  private AnvilChain(String url) {
    this.url = url;
    this.service = new HttpService(url);
    this.web3j = Web3j.build(service);
  }

  /**
   * This fork's chain; none when {@code CAIRN_TEST_CHAIN_URL} names none for it (the tests then
   * skip, {@link #assumeConnected}), or a failure if {@code CAIRN_REQUIRE_CHAIN=true}.
   */
  public static Optional<AnvilChain> connect() {
    String[] chains = System.getenv().getOrDefault("CAIRN_TEST_CHAIN_URL", "").trim().split("\\s+");
    int fork = Integer.parseInt(System.getProperty("cairn.test.fork", "1"));
    if (chains[0].isEmpty() || chains.length < fork) {
      if ("true".equals(System.getenv("CAIRN_REQUIRE_CHAIN"))) {
        fail(
            "CAIRN_REQUIRE_CHAIN=true but CAIRN_TEST_CHAIN_URL names no chain for test fork "
                + fork
                + ": .ci/run starts one per fork");
      }
      return Optional.empty();
    }
    return Optional.of(new AnvilChain(chains[fork - 1]));
  }

  /** Skips the calling test, saying why, when there is no chain. */
  public static void assumeConnected(Optional<AnvilChain> chain) {
    Assumptions.assumeTrue(
        chain.isPresent(),
        "no chain: set CAIRN_TEST_CHAIN_URL to an anvil (contracts/node_modules/.bin/anvil) per"
            + " test fork");
  }

  public Web3j web3j() {
    return web3j;
  }

  public String url() {
    return url;
  }

  /** reference.conf's settings, on this chain. */
  public EvmChainSettings settings() {
    return settings(Map.of());
  }

  /** reference.conf's settings with {@code overrides} (keys under cairn.ledger.chain), here. */
  public EvmChainSettings settings(Map<String, Object> overrides) {
    Map<String, Object> chain = new HashMap<>();
    overrides.forEach((key, value) -> chain.put("cairn.ledger.chain." + key, value));
    chain.put("cairn.ledger.chain.url", url);
    return EvmChainSettings.fromConfig(
        ConfigFactory.parseMap(chain).withFallback(ConfigFactory.load()));
  }

  /**
   * A fresh deployment with {@code operator} in every role, deployed by a new account: contract
   * addresses follow from the deployer and its nonce, so a deployer of its own keeps them unique
   * across restarts of anvil, and a follower cursor a lasting database kept from an earlier run
   * never matches a new deployment.
   */
  public ContractAddresses deploy(EthereumAddress operator, int coherenceBps) throws IOException {
    return EvmLedger.deploy(
        web3j,
        newAccount(),
        operator,
        coherenceBps,
        LedgerConformanceSuite.UNBONDING_SECONDS,
        settings());
  }

  /** A new key with gas money. */
  public PrivateKeySigner newAccount() {
    PrivateKeySigner account = PrivateKeySigner.generate();
    fund(account.address());
    return account;
  }

  public void fund(EthereumAddress account) {
    rpc("anvil_setBalance", List.of(account.value(), Numeric.toHexStringWithPrefix(GAS_MONEY)));
  }

  /** Mines one empty block. */
  public void mine() {
    rpc("evm_mine", List.of());
  }

  /** The latest block's number. */
  public long head() throws IOException {
    return web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
  }

  /** Moves the chain's time on by {@code seconds} and mines a block at that time. */
  void advance(long seconds) {
    rpc("evm_increaseTime", List.of(seconds));
    rpc("evm_mine", List.of());
  }

  /**
   * Sets the chain's clock back to the wall clock after {@link #advance}: the chain is shared by
   * every test of a run, and a chain running ahead would make the licences later tests buy end that
   * much later than the nodes' clocks expect.
   */
  void resetClock() {
    rpc("evm_setTime", List.of(System.currentTimeMillis() / 1000));
    rpc("evm_mine", List.of());
  }

  /** One of anvil's own JSON-RPC methods; its answer, or an assertion error. */
  Object rpc(String method, List<?> parameters) {
    try {
      AnvilAnswer answer = new Request<>(method, parameters, service, AnvilAnswer.class).send();
      if (answer.hasError()) {
        throw new AssertionError(method + " failed: " + answer.getError().getMessage());
      }
      return answer.getResult();
    } catch (IOException e) {
      throw new AssertionError(method + " failed", e);
    }
  }

  @Override
  public void close() {
    web3j.shutdown();
  }

  /** Whatever anvil answers. */
  public static final class AnvilAnswer extends Response<Object> {}
}
