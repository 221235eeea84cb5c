package io.cairn.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.cluster.ClusterNodes;
import io.cairn.journal.TestDatabases;
import io.cairn.ledger.LedgerEvent;
import io.cairn.ledger.LedgerOperation;
import io.cairn.ledger.evm.AnvilChain;
import io.cairn.ledger.evm.ContractAddresses;
import io.cairn.ledger.evm.EvmLedger;
import io.cairn.node.TestNode;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.AddressPermissions;
import io.cairn.protocol.api.v1.Beneficiary;
import io.cairn.protocol.api.v1.LicenceView;
import io.cairn.protocol.api.v1.ProductTerms;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.encryption.StreamEncryption;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.ledger.Bytes32;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A paid stream end to end on three nodes and PostgreSQL, through the public API only, on each
 * ledger backend: a seller lists an encrypted stream, two buyers buy a short licence on other nodes
 * and read its stored and live events; one licence lapses, the stream's key rotates, and what is
 * published afterwards is unreadable to that buyer (no events, no key) while the buyer who extended
 * in time reads it. On the embedded ledger the buyers sign requests through the SDK; on a chain
 * (anvil, {@link AnvilChain}) they send transactions to the contracts, and the nodes' follower
 * turns the purchases into access.
 */
class PaidStreamClusterTest {
  private static final Duration LAPSE_WITHIN = Duration.ofSeconds(60);

  @TempDir Path data;
  private final PrivateKeySigner operatorKey = PrivateKeySigner.generate();

  @BeforeEach
  void serviceKey() throws IOException {
    // the cluster's service key, which TestNode.wholeNodes mounts on every node: the ledger's
    // operator, who mints
    Files.writeString(data.resolve("service.key"), operatorKey.toHex());
  }

  @Test
  void onTheEmbeddedLedger() throws Exception {
    try (ClusterNodes cluster =
        ClusterNodes.start(3, TestNode.wholeNodes(TestDatabases.postgres(), data, Map.of()))) {
      aLapsedBuyerLosesNewEventsAndAnExtendingBuyerKeepsReading(
          cluster, new EmbeddedMarket(cluster));
    }
  }

  @Test
  void onAChain() throws Exception {
    Optional<AnvilChain> connected = AnvilChain.connect();
    AnvilChain.assumeConnected(connected);
    ExecutorService wallets = Executors.newFixedThreadPool(4);
    try (AnvilChain chain = connected.get()) {
      chain.fund(operatorKey.address());
      EvmLedger.Deployment deployment =
          EvmLedger.deployment(
              chain.web3j(), chain.newAccount(), operatorKey.address(), 9000, 5, chain.settings());
      ContractAddresses contracts = deployment.addresses();
      Map<String, Object> onChain =
          Map.of(
              "cairn.ledger.chain.url", chain.url(),
              "cairn.ledger.chain.contracts.token", contracts.token().value(),
              "cairn.ledger.chain.contracts.marketplace", contracts.marketplace().value(),
              "cairn.ledger.chain.contracts.escrow", contracts.escrow().value(),
              "cairn.ledger.chain.contracts.checksum-reports", contracts.checksumReports().value(),
              "cairn.ledger.chain.contracts.provider-stakes", contracts.providerStakes().value(),
              "cairn.ledger.chain.from-block", deployment.firstBlock(),
              // anvil mines a block per transaction and none between them
              "cairn.ledger.chain.confirmations", 0,
              "cairn.ledger.chain.follower.poll-interval", "200ms");
      try (ClusterNodes cluster =
          ClusterNodes.start(3, TestNode.wholeNodes(TestDatabases.postgres(), data, onChain))) {
        aLapsedBuyerLosesNewEventsAndAnExtendingBuyerKeepsReading(
            cluster,
            new ChainMarket(
                chain, new EvmLedger(chain.web3j(), contracts, chain.settings(), wallets)));
      }
    } finally {
      wallets.shutdownNow();
    }
  }

  private void aLapsedBuyerLosesNewEventsAndAnExtendingBuyerKeepsReading(
      ClusterNodes cluster, Market market) throws Exception {
    PrivateKeySigner sellerKey = market.account();
    PrivateKeySigner buyerKey = market.account();
    PrivateKeySigner extenderKey = market.account();
    String stream = sellerKey.address() + "/paid";

    CairnClient seller = client(cluster, 0).authenticate(sellerKey);
    seller.createStream(stream, "paid ticks", 1);
    seller.appointCustodian(stream);
    GroupKeyExchange sellerKeys = new GroupKeyExchange(seller, sellerKey, 2048);
    EventPublisher publisher = new EventPublisher(seller, sellerKey);
    publisher.publishEncryptedJson(stream, 0, "{\"tick\":1}", sellerKeys.current(stream));

    market.mint(operatorKey, buyerKey.address(), 1_000);
    market.mint(operatorKey, extenderKey.address(), 1_000);
    long product = market.listAtOneUnitPerSecond(sellerKey, stream);

    CairnClient buyer = client(cluster, 2).authenticate(buyerKey);
    CairnClient extender = client(cluster, 1).authenticate(extenderKey);
    // long enough to be granted and read on a loaded machine, short enough to wait out
    long bought = market.buy(buyerKey, product, 20);
    market.buy(extenderKey, product, 8);
    long extended = market.buy(extenderKey, product, 600);
    assertEquals(BigInteger.valueOf(1_000 - 8 - 600), market.balance(extenderKey.address()));

    awaitSubscribeUntil(seller, stream, buyerKey.address(), bought);
    awaitSubscribeUntil(seller, stream, extenderKey.address(), extended);
    GroupKeyExchange buyerKeys = new GroupKeyExchange(buyer, buyerKey, 2048);
    assertEquals("{\"tick\":1}", readLast(buyer, stream, buyerKeys));

    // the buyer's licence lapses: subscribe ends, and the key rotates as after a revocation
    String keyBefore = seller.custodian(stream).getCurrentGroupKeyId();
    await()
        .atMost(LAPSE_WITHIN)
        .until(() -> !seller.custodian(stream).getCurrentGroupKeyId().equals(keyBefore));
    GroupKeyExchange extenderKeys = new GroupKeyExchange(extender, extenderKey, 2048);
    BlockingQueue<StreamMessage> live = new LinkedBlockingQueue<>();
    CountDownLatch subscribed = new CountDownLatch(1);
    extender
        .subscribe(stream, 0)
        .subscribe(
            new Flow.Subscriber<>() {
              @Override
              public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
                subscribed.countDown();
              }

              @Override
              public void onNext(StreamMessage event) {
                live.add(event);
              }

              @Override
              public void onError(Throwable failure) {}

              @Override
              public void onComplete() {}
            });
    assertTrue(subscribed.await(30, TimeUnit.SECONDS));
    publisher.publishEncryptedJson(stream, 0, "{\"tick\":2}", sellerKeys.current(stream));
    StreamMessage liveEvent = live.poll(30, TimeUnit.SECONDS);
    assertEquals(
        "{\"tick\":2}",
        StreamEncryption.decryptContent(liveEvent, extenderKeys.lookup(stream))
            .message()
            .getContentMessage()
            .getContent()
            .toString(StandardCharsets.UTF_8),
        "the extending buyer reads the new event live");

    CairnApiException noEvents =
        assertThrows(CairnApiException.class, () -> buyer.storedEvents(stream, 0, "last?count=1"));
    assertEquals(ErrorCode.NOT_PERMITTED.name(), noEvents.code());
    String newKeyId = seller.custodian(stream).getCurrentGroupKeyId();
    CairnApiException noKey =
        assertThrows(CairnApiException.class, () -> buyerKeys.find(stream, newKeyId));
    assertEquals(ErrorCode.NOT_PERMITTED.name(), noKey.code());

    assertEquals("{\"tick\":2}", readLast(extender, stream, extenderKeys));
  }

  /** Where the test's accounts get tokens, list the stream and buy licences. */
  private interface Market {
    /** A new account, able to send what this ledger needs. */
    PrivateKeySigner account();

    void mint(PrivateKeySigner operator, EthereumAddress to, long amount) throws Exception;

    /** The seller's stream on sale at 1 unit a second; answers the product id. */
    long listAtOneUnitPerSecond(PrivateKeySigner seller, String stream) throws Exception;

    /** Buys {@code seconds}; answers when the licence now ends, Unix seconds. */
    long buy(PrivateKeySigner buyer, long product, long seconds) throws Exception;

    BigInteger balance(EthereumAddress account) throws Exception;
  }

  /** The embedded ledger through the SDK, each operation on another node than the last. */
  private static final class EmbeddedMarket implements Market {
    private final ClusterNodes cluster;

    EmbeddedMarket(ClusterNodes cluster) {
      this.cluster = cluster;
    }

    @Override
    public PrivateKeySigner account() {
      return PrivateKeySigner.generate();
    }

    @Override
    public void mint(PrivateKeySigner operator, EthereumAddress to, long amount) {
      client(cluster, 1).ledger(operator).mint(to, BigInteger.valueOf(amount));
    }

    @Override
    public long listAtOneUnitPerSecond(PrivateKeySigner seller, String stream) {
      return client(cluster, 0)
          .ledger(seller)
          .createProduct(
              ProductTerms.newBuilder()
                  .addStreams(stream)
                  .setPricePerSecond("1")
                  .setMinimumSeconds(1)
                  .setTermsHash("0x" + "00".repeat(32))
                  .addBeneficiaries(
                      Beneficiary.newBuilder().setAddress(seller.address().value()).setShares(1))
                  .build())
          .getProductId();
    }

    @Override
    public long buy(PrivateKeySigner buyer, long product, long seconds) {
      LicenceView licence = client(cluster, 2).ledger(buyer).buy(product, seconds);
      return licence.getEndsAt();
    }

    @Override
    public BigInteger balance(EthereumAddress account) {
      return client(cluster, 0).ledger().balance(account);
    }
  }

  /** The contracts on anvil, each operation a transaction its account signs, as a wallet does. */
  private static final class ChainMarket implements Market {
    private final AnvilChain chain;
    private final EvmLedger wallet;

    ChainMarket(AnvilChain chain, EvmLedger wallet) {
      this.chain = chain;
      this.wallet = wallet;
    }

    @Override
    public PrivateKeySigner account() {
      return chain.newAccount();
    }

    @Override
    public void mint(PrivateKeySigner operator, EthereumAddress to, long amount) throws Exception {
      get(wallet.submit(operator, new LedgerOperation.Mint(to, BigInteger.valueOf(amount))));
    }

    @Override
    public long listAtOneUnitPerSecond(PrivateKeySigner seller, String stream) throws Exception {
      List<LedgerEvent> created =
          get(
              wallet.submit(
                  seller,
                  new LedgerOperation.CreateProduct(
                      new io.cairn.ledger.ProductTerms(
                          List.of(stream),
                          List.of(),
                          BigInteger.ONE,
                          1,
                          Bytes32.ZERO,
                          List.of(
                              new io.cairn.ledger.ProductTerms.Beneficiary(
                                  seller.address(), 1))))));
      return ((LedgerEvent.ProductCreated) created.get(0)).product().id();
    }

    @Override
    public long buy(PrivateKeySigner buyer, long product, long seconds) throws Exception {
      return get(wallet.submit(buyer, new LedgerOperation.Buy(product, seconds))).stream()
          .filter(LedgerEvent.LicenceExtended.class::isInstance)
          .map(LedgerEvent.LicenceExtended.class::cast)
          .findFirst()
          .orElseThrow()
          .endsAt();
    }

    @Override
    public BigInteger balance(EthereumAddress account) throws Exception {
      return get(wallet.balanceOf(account));
    }

    private static <T> T get(CompletionStage<T> stage) throws Exception {
      return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  private static CairnClient client(ClusterNodes cluster, int node) {
    return CairnClient.connect(TestNode.of(cluster.node(node)).api());
  }

  private static void awaitSubscribeUntil(
      CairnClient client, String stream, EthereumAddress reader, long endsAtSeconds) {
    await()
        .atMost(LAPSE_WITHIN)
        .until(
            () ->
                client.stream(stream).getPermissionsList().stream()
                    .filter(held -> held.getAddress().equals(reader.value()))
                    .map(AddressPermissions::getSubscribeExpiresAtMs)
                    .findFirst(),
            end -> end.equals(Optional.of(endsAtSeconds * 1000)));
  }

  private static String readLast(CairnClient reader, String stream, GroupKeyExchange keys) {
    List<StreamMessage> last = reader.storedEvents(stream, 0, "last?count=1");
    assertEquals(1, last.size());
    StreamMessage decrypted =
        StreamEncryption.decryptContent(last.get(0), keys.lookup(stream)).message();
    assertTrue(decrypted.hasContentMessage());
    return decrypted.getContentMessage().getContent().toString(StandardCharsets.UTF_8);
  }
}
