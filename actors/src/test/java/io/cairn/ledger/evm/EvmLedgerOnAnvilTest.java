package io.cairn.ledger.evm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.ledger.EscrowJob;
import io.cairn.ledger.LedgerEvent;
import io.cairn.ledger.LedgerOperation;
import io.cairn.ledger.Payout;
import io.cairn.ledger.Product;
import io.cairn.ledger.ProductTerms;
import io.cairn.ledger.RoundKey;
import io.cairn.ledger.RoundOutcome;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.event.EvmSignature;
import io.cairn.protocol.event.EvmSigner;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.ledger.Bytes32;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.tx.RawTransactionManager;

/**
 * What the conformance suite cannot show of the ledger on a chain: the chain id check, the signers
 * it refuses, a transaction that passes its simulation and reverts when mined, one signer's
 * concurrent submissions, the product list, and the largest operations within the gas limit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvmLedgerOnAnvilTest {
  private static final int COHERENCE_BPS = 9000;

  private final PrivateKeySigner operator = PrivateKeySigner.generate();
  private final Random random = new Random(5);
  private AnvilChain chain;
  private ExecutorService executor;
  private ContractAddresses addresses;
  private EvmLedger ledger;

  @BeforeAll
  void deployContracts() throws IOException {
    Optional<AnvilChain> connected = AnvilChain.connect();
    if (connected.isEmpty()) {
      return; // each test is skipped, saying why (requireChain)
    }
    chain = connected.get();
    executor = Executors.newFixedThreadPool(8);
    chain.fund(operator.address());
    addresses = chain.deploy(operator.address(), COHERENCE_BPS);
    ledger = new EvmLedger(chain.web3j(), addresses, chain.settings(), executor);
  }

  @BeforeEach
  void requireChain() {
    AnvilChain.assumeConnected(Optional.ofNullable(chain));
  }

  @AfterAll
  void shutdown() {
    if (executor != null) {
      executor.shutdownNow();
    }
    if (chain != null) {
      chain.close();
    }
  }

  @Test
  void aNodeOnAnotherChainIsRefusedBeforeAnythingIsSigned() {
    long actual = await(ledger.chainId());
    EvmChainSettings settings = chain.settings();
    EvmChainSettings elsewhere =
        new EvmChainSettings(
            settings.url(),
            OptionalLong.of(actual + 1),
            settings.contracts(),
            settings.receiptPollInterval(),
            settings.receiptTimeout(),
            settings.receiptConfirmations(),
            settings.gasLimit(),
            settings.deployGasLimit(),
            settings.follow());
    EvmLedger wrong = new EvmLedger(chain.web3j(), addresses, elsewhere, executor);
    BigInteger supply = await(ledger.totalSupply());

    assertEquals(ErrorCode.WRONG_CHAIN, refusal(wrong.chainId()).code());
    assertEquals(
        ErrorCode.WRONG_CHAIN,
        refusal(wrong.submit(operator, new LedgerOperation.Mint(operator.address(), units(1))))
            .code());
    assertEquals(ErrorCode.WRONG_CHAIN, refusal(wrong.totalSupply()).code());
    assertEquals(supply, await(ledger.totalSupply()), "nothing was minted");
  }

  @Test
  void theOperatorHoldsEveryRoleTheNodeActsInAndAnotherAccountNone() {
    assertEquals(List.of(), await(ledger.missingRoles(operator.address())));
    assertEquals(
        List.of(
            "token MINTER_ROLE",
            "marketplace DEFAULT_ADMIN_ROLE",
            "escrow SETTLER_ROLE",
            "checksum-reports ROUND_OPENER_ROLE",
            "provider-stakes SETTLER_ROLE"),
        await(ledger.missingRoles(PrivateKeySigner.generate().address())));
  }

  @Test
  void aSignerWithoutAPrivateKeyIsRefused() {
    EvmSigner wallet =
        new EvmSigner() {
          @Override
          public EthereumAddress address() {
            return operator.address();
          }

          @Override
          public EvmSignature sign(byte[] digest) {
            return operator.sign(digest);
          }
        };
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () -> ledger.submit(wallet, new LedgerOperation.Mint(operator.address(), units(1))));
    assertTrue(refused.getMessage().contains("private key"), refused.getMessage());
  }

  /**
   * A deposit simulated while its job is open, then mined after the job's closing in the same block
   * (anvil orders a block's transactions by fee): the receipt's status is 0, and the reason, found
   * by replaying the call on that block's state, is the job's closing.
   */
  @Test
  void aTransactionThatRevertsWhenMinedIsRefusedForTheReason() throws IOException {
    PrivateKeySigner supporter = chain.newAccount();
    Bytes32 job = randomId();
    await(ledger.submit(operator, new LedgerOperation.Mint(supporter.address(), units(10))));
    await(ledger.submit(supporter, new LedgerOperation.Deposit(job, units(1))));

    chain.rpc("evm_setAutomine", List.of(false));
    try {
      CompletableFuture<List<LedgerEvent>> deposit =
          ledger
              .submit(supporter, new LedgerOperation.Deposit(job, units(1)))
              .toCompletableFuture();
      awaitPending(1);
      long chainId = await(ledger.chainId());
      String close =
          FunctionEncoder.encode(
              new Function(
                  "close",
                  List.of(new org.web3j.abi.datatypes.generated.Bytes32(job.toByteArray())),
                  List.of()));
      new RawTransactionManager(chain.web3j(), Credentials.create(operator.toHex()), chainId)
          .sendTransaction(
              BigInteger.TEN.pow(11),
              BigInteger.valueOf(300_000),
              addresses.escrow().value(),
              close,
              BigInteger.ZERO);
      awaitPending(2);
      chain.rpc("evm_mine", List.of());

      assertEquals(ErrorCode.JOB_CLOSED, refusal(deposit).code());
    } finally {
      chain.rpc("evm_setAutomine", List.of(true));
    }
    EscrowJob closed = await(ledger.escrowJob(job));
    assertTrue(closed.closed());
    assertEquals(units(1), closed.deposited(), "the second deposit did not happen");
    assertEquals(units(10), await(ledger.balanceOf(supporter.address())), "refunded");
  }

  @Test
  void oneSignersConcurrentSubmissionsAreSentOneAfterAnother() {
    PrivateKeySigner sender = chain.newAccount();
    EthereumAddress receiver = chain.newAccount().address();
    await(ledger.submit(operator, new LedgerOperation.Mint(sender.address(), units(100))));
    List<CompletableFuture<List<LedgerEvent>>> transfers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      transfers.add(
          ledger
              .submit(sender, new LedgerOperation.Transfer(receiver, units(1)))
              .toCompletableFuture());
    }
    for (CompletableFuture<List<LedgerEvent>> transfer : transfers) {
      assertEquals(
          List.of(new LedgerEvent.Transferred(sender.address(), receiver, units(1))),
          transfer.join());
    }
    assertEquals(units(20), await(ledger.balanceOf(receiver)));
  }

  @Test
  void unknownThingsReadAsTheContractsDefaults() {
    Bytes32 job = randomId();
    assertEquals(Optional.empty(), await(ledger.product(1_000_000)));
    assertEquals(Optional.empty(), await(ledger.product(-1)));
    assertEquals(EscrowJob.unknown(job), await(ledger.escrowJob(job)));
    RoundKey round = new RoundKey(operator.address() + "/nothing", 0, 1);
    assertEquals(RoundOutcome.unopened(round.id()), await(ledger.outcome(round)));
    assertEquals(0, await(ledger.licence(1_000_000, operator.address())).endsAt());
  }

  @Test
  void productsAreListedInTheOrderTheyWereCreated() {
    PrivateKeySigner seller = chain.newAccount();
    List<Product> created = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      ProductTerms terms =
          new ProductTerms(
              List.of(seller.address() + "/listed" + i),
              List.of("ab".repeat(32)),
              BigInteger.valueOf(1 + i),
              i,
              randomId(),
              List.of(new ProductTerms.Beneficiary(seller.address(), 1)));
      List<LedgerEvent> events =
          await(ledger.submit(seller, new LedgerOperation.CreateProduct(terms)));
      created.add(((LedgerEvent.ProductCreated) events.get(0)).product());
    }
    List<Product> all = await(ledger.products());
    assertEquals(created, all.subList(all.size() - 2, all.size()));
    for (int i = 0; i < all.size(); i++) {
      assertEquals(i + 1, all.get(i).id());
    }
  }

  /**
   * The largest operations fit reference.conf's gas limit with a tenth to spare: a settlement to 64
   * new recipients, the opening of a round of 64 reporters (two new storage slots each: it needs
   * more than 3,000,000) and its close when all 64 agree (64 token transfers).
   */
  @Test
  void theLargestOperationsFitTheGasLimit() {
    PrivateKeySigner supporter = chain.newAccount();
    await(ledger.submit(operator, new LedgerOperation.Mint(supporter.address(), units(1064))));
    Bytes32 job = randomId();
    await(ledger.submit(supporter, new LedgerOperation.Deposit(job, units(1000))));
    List<PrivateKeySigner> many = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      many.add(chain.newAccount());
    }
    List<Payout> payouts =
        many.stream().map(account -> new Payout(account.address(), units(1))).toList();
    List<LedgerEvent> settled =
        await(
            ledger.submit(
                operator,
                new LedgerOperation.Settle(job, randomId(), payouts, List.of(), units(1))));
    assertEquals(65, settled.size());
    Map<String, Long> gasUsed = new LinkedHashMap<>();
    gasUsed.put("settle to 64", latestBlockGas());

    await(ledger.submit(supporter, new LedgerOperation.FundPool(units(64))));
    RoundKey round = new RoundKey(supporter.address() + "/large", 0, random.nextInt(1_000_000));
    List<EthereumAddress> reporters = many.stream().map(PrivateKeySigner::address).toList();
    await(ledger.submit(operator, new LedgerOperation.OpenRound(round, reporters, units(1))));
    gasUsed.put("open a round of 64", latestBlockGas());
    Bytes32 checksum = randomId();
    List<CompletableFuture<List<LedgerEvent>>> reports = new ArrayList<>();
    for (PrivateKeySigner reporter : many) {
      reports.add(
          ledger
              .submit(reporter, new LedgerOperation.Report(round, 64, checksum))
              .toCompletableFuture());
    }
    reports.forEach(CompletableFuture::join);
    List<LedgerEvent> closed =
        await(ledger.submit(operator, new LedgerOperation.CloseRound(round)));
    assertEquals(65, closed.size());
    assertEquals(new LedgerEvent.RoundClosed(round.id(), true), closed.get(64));
    gasUsed.put("close a round of 64", latestBlockGas());
    long limit = chain.settings().gasLimit().longValueExact();
    gasUsed.forEach(
        (operation, gas) ->
            assertTrue(gas < limit * 9 / 10, operation + " used " + gas + " of " + limit));
    System.out.println("gas used: " + gasUsed);
  }

  private long latestBlockGas() {
    try {
      return chain
          .web3j()
          .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
          .send()
          .getBlock()
          .getGasUsed()
          .longValueExact();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private void awaitPending(int transactions) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              Object status = chain.rpc("txpool_status", List.of());
              Object pending = ((Map<?, ?>) status).get("pending");
              return Long.decode(pending.toString()) >= transactions;
            });
  }

  private Bytes32 randomId() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Bytes32.of(bytes);
  }

  private static Rejection refusal(CompletionStage<?> stage) {
    CompletionException failure =
        assertThrows(CompletionException.class, () -> stage.toCompletableFuture().join());
    return Rejection.of(failure);
  }

  private static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  private static BigInteger units(long tokens) {
    return BigInteger.TEN.pow(18).multiply(BigInteger.valueOf(tokens));
  }
}
