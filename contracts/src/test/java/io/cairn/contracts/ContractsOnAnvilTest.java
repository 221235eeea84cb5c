package io.cairn.contracts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.Utils;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * Deploys the four contracts on a local anvil ({@code CAIRN_TEST_CHAIN_URL}, started by .ci/run)
 * and makes one purchase each way. Skipped without a chain, unless {@code
 * CAIRN_REQUIRE_CHAIN=true}.
 */
class ContractsOnAnvilTest {

  /** anvil's first two dev accounts (mnemonic "test test … junk"): public, test-only keys. */
  private static final Credentials DEPLOYER =
      Credentials.create("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");

  private static final Credentials BUYER =
      Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");

  private static final String BENEFICIARY = "0x000000000000000000000000000000000000bEEF";

  /**
   * A fixed gas limit, so web3j sends without eth_estimateGas and a reverting call is mined (status
   * 0x0); 10 gwei is above anvil's base fee.
   */
  private static final ContractGasProvider GAS =
      new StaticGasProvider(BigInteger.TEN.pow(10), BigInteger.valueOf(8_000_000));

  private static final BigInteger PRICE_PER_SECOND = BigInteger.TEN.pow(15);
  private static final long MINIMUM_SECONDS = 60;

  private static Web3j web3j;
  private static long chainId;
  private static CairnToken token;
  private static Marketplace marketplace;
  private static Escrow escrow;
  private static ChecksumReports checksumReports;

  @BeforeAll
  static void deploy() throws Exception {
    // one chain per test fork, as actors' AnvilChain takes it: the dev accounts' nonces are the
    // chain's, so two forks on one chain would race for them
    String[] chains = System.getenv().getOrDefault("CAIRN_TEST_CHAIN_URL", "").trim().split("\\s+");
    int fork = Integer.parseInt(System.getProperty("cairn.test.fork", "1"));
    if (chains[0].isEmpty() || chains.length < fork) {
      if ("true".equals(System.getenv("CAIRN_REQUIRE_CHAIN"))) {
        fail(
            "CAIRN_REQUIRE_CHAIN=true but CAIRN_TEST_CHAIN_URL names no chain for test fork "
                + fork
                + ": .ci/run starts one per fork");
      }
      return; // each test is then skipped, saying why (requireChain)
    }
    web3j = Web3j.build(new HttpService(chains[fork - 1]));
    chainId = web3j.ethChainId().send().getChainId().longValueExact();
    TransactionManager deployer = transactions(DEPLOYER);
    String admin = DEPLOYER.getAddress();
    token = CairnToken.deploy(web3j, deployer, GAS, admin).send();
    marketplace =
        Marketplace.deploy(web3j, deployer, GAS, token.getContractAddress(), admin).send();
    ProviderStakes stakes =
        ProviderStakes.deploy(
                web3j,
                deployer,
                GAS,
                token.getContractAddress(),
                admin,
                admin,
                admin,
                BigInteger.ONE)
            .send();
    escrow =
        Escrow.deploy(
                web3j,
                deployer,
                GAS,
                token.getContractAddress(),
                stakes.getContractAddress(),
                admin,
                admin)
            .send();
    checksumReports =
        ChecksumReports.deploy(
                web3j,
                deployer,
                GAS,
                token.getContractAddress(),
                admin,
                admin,
                BigInteger.valueOf(6_667))
            .send();
  }

  @BeforeEach
  void requireChain() {
    Assumptions.assumeTrue(
        web3j != null,
        "no chain: set CAIRN_TEST_CHAIN_URL to an anvil (contracts/node_modules/.bin/anvil)");
  }

  @AfterAll
  static void shutdown() {
    if (web3j != null) {
      web3j.shutdown();
    }
  }

  /**
   * Signs locally and polls for the receipt every 50 ms (web3j's default is every 15 s; anvil mines
   * each transaction at once).
   */
  private static TransactionManager transactions(Credentials credentials) {
    return new RawTransactionManager(
        web3j, credentials, chainId, new PollingTransactionReceiptProcessor(web3j, 50, 400));
  }

  private static BigInteger createProduct() throws Exception {
    TransactionReceipt created =
        marketplace
            .createProduct(
                List.of("0x70997970c51812dc3a010c7d01b50e0d17dc79c8/weather"),
                List.of(new byte[32]),
                PRICE_PER_SECOND,
                BigInteger.valueOf(MINIMUM_SECONDS),
                Hash.sha3("terms".getBytes(StandardCharsets.UTF_8)),
                List.of(BENEFICIARY),
                List.of(BigInteger.ONE))
            .send();
    return marketplace.getProductCreatedEvents(created).get(0).productId;
  }

  private static long blockTime(TransactionReceipt receipt) throws Exception {
    return web3j
        .ethGetBlockByHash(receipt.getBlockHash(), false)
        .send()
        .getBlock()
        .getTimestamp()
        .longValueExact();
  }

  @Test
  void aLicenceBoughtWithApproveAndBuyIsExtendedByTransferAndCall() throws Exception {
    BigInteger productId = createProduct();
    Marketplace.Product product = marketplace.product(productId).send();
    assertEquals(DEPLOYER.getAddress(), product.owner);
    assertEquals(List.of("0x70997970c51812dc3a010c7d01b50e0d17dc79c8/weather"), product.streams);
    assertEquals(List.of(BENEFICIARY.toLowerCase(Locale.ROOT)), product.beneficiaries);
    assertEquals(List.of(BigInteger.ONE), product.shares);

    BigInteger seconds = BigInteger.valueOf(3_600);
    BigInteger price = PRICE_PER_SECOND.multiply(seconds);
    token.mint(BUYER.getAddress(), price.multiply(BigInteger.TWO)).send();
    TransactionManager buyerTx = transactions(BUYER);
    CairnToken buyerToken = CairnToken.load(token.getContractAddress(), web3j, buyerTx, GAS);
    Marketplace buyerMarketplace =
        Marketplace.load(marketplace.getContractAddress(), web3j, buyerTx, GAS);

    buyerToken.approve(marketplace.getContractAddress(), price).send();
    TransactionReceipt bought = buyerMarketplace.buy(productId, seconds).send();
    long end = marketplace.licenceEnd(productId, BUYER.getAddress()).send().longValueExact();
    assertEquals(blockTime(bought) + 3_600, end);
    assertEquals(price, token.balanceOf(BENEFICIARY).send());

    byte[] data = Numeric.toBytesPadded(productId, 32);
    buyerToken.transferAndCall(marketplace.getContractAddress(), price, data).send();
    assertEquals(
        end + 3_600, marketplace.licenceEnd(productId, BUYER.getAddress()).send().longValueExact());
    assertEquals(price.multiply(BigInteger.TWO), token.balanceOf(BENEFICIARY).send());
    assertEquals(BigInteger.ZERO, token.balanceOf(marketplace.getContractAddress()).send());
  }

  /**
   * How a revert reaches web3j on anvil (measured with web3j 4.13 and anvil 1.7):
   *
   * <ul>
   *   <li>A wrapper's {@code send()} with a fixed gas limit skips eth_estimateGas; anvil does not
   *       simulate eth_sendRawTransaction, so it mines the transaction, and web3j, finding receipt
   *       status 0x0, throws {@link TransactionException} holding the receipt. The receipt has no
   *       revert data: web3j replays the call and copies anvil's message ("execution reverted:
   *       custom error 0x8916378e: " followed by the raw argument bytes) into the exception's
   *       message and {@code receipt.getRevertReason()}. The selector is there, the arguments are
   *       not usable.
   *   <li>With an estimating gas provider ({@code DynamicGasProvider}) eth_estimateGas answers the
   *       JSON-RPC error and web3j throws a plain RuntimeException ("Failed to estimate gas limit")
   *       whose cause has the message only: the error data is dropped.
   *   <li>A {@code JsonRpcError} (with {@code getData()}) comes from eth_sendRawTransaction only
   *       when anvil refuses the transaction itself (nonce, funds, gas cap), never for a revert.
   *   <li>eth_call answers code 3, "execution reverted", with the ABI-encoded custom error in
   *       {@code EthCall.getError().getData()} (a JSON string, quotes included): the first four
   *       bytes select the error, the rest are its arguments. That is the way to decode one.
   * </ul>
   */
  @Test
  void aPurchaseBelowTheMinimumRevertsWithBelowMinimumSeconds() throws Exception {
    BigInteger productId = createProduct();
    BigInteger seconds = BigInteger.TEN;

    TransactionException mined =
        assertThrows(TransactionException.class, () -> marketplace.buy(productId, seconds).send());
    TransactionReceipt receipt = mined.getTransactionReceipt().orElseThrow();
    assertFalse(receipt.isStatusOK());
    assertEquals("0x0", receipt.getStatus());
    String selector = Hash.sha3String("BelowMinimumSeconds(uint64,uint64)").substring(0, 10);
    assertTrue(receipt.getRevertReason().contains("custom error " + selector));

    Function buy =
        new Function(
            Marketplace.FUNC_BUY, List.of(new Uint256(productId), new Uint64(seconds)), List.of());
    EthCall call =
        web3j
            .ethCall(
                Transaction.createEthCallTransaction(
                    DEPLOYER.getAddress(),
                    marketplace.getContractAddress(),
                    FunctionEncoder.encode(buy)),
                DefaultBlockParameterName.LATEST)
            .send();
    assertTrue(call.hasError());
    assertEquals(3, call.getError().getCode());
    String revertData = call.getError().getData().replace("\"", "");
    assertEquals(selector, revertData.substring(0, 10));
    @SuppressWarnings("rawtypes")
    List<Type> arguments =
        FunctionReturnDecoder.decode(
            revertData.substring(10),
            Utils.convert(List.of(new TypeReference<Uint64>() {}, new TypeReference<Uint64>() {})));
    assertEquals(seconds, arguments.get(0).getValue());
    assertEquals(BigInteger.valueOf(MINIMUM_SECONDS), arguments.get(1).getValue());
  }

  @Test
  void escrowAndChecksumReportsAnswerForUnknownIds() throws Exception {
    byte[] unknown = new byte[32];
    Escrow.Job job = escrow.job(unknown).send();
    assertNotNull(job);
    assertEquals(BigInteger.ZERO, job.balance);
    assertFalse(job.closed);
    var outcome = checksumReports.outcome(unknown).send();
    assertFalse(outcome.component1());
    assertArrayEquals(new byte[32], outcome.component5());
  }
}
