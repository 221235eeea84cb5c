package io.cairn.ledger.evm;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.cairn.cluster.ClusterNodes;
import io.cairn.journal.JournalSettings;
import io.cairn.ledger.LedgerConformanceSuite;
import io.cairn.ledger.LedgerEvent;
import io.cairn.ledger.LedgerModule;
import io.cairn.ledger.LedgerOperation;
import io.cairn.ledger.Product;
import io.cairn.ledger.ProductTerms;
import io.cairn.protocol.event.EventVerifier;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.stream.Permission;
import io.cairn.stream.Stream;
import io.cairn.stream.StreamModule;
import io.cairn.stream.StreamSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.projection.javadsl.ProjectionManagement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.http.HttpService;

/**
 * Pay → grant on a chain (anvil, {@link AnvilChain}) and a real journal: a purchase made on the
 * contracts becomes subscribe on the product's stream until the licence ends, only once the
 * configured confirmations follow its block; a node restarted on the same journal goes on from its
 * cursor and grants what was bought while it was down; a chain node that does not answer is asked
 * again until it does, without a block skipped. Each database runs it through a subclass; skipped
 * without a chain, as {@link AnvilChain} says.
 */
abstract class ChainFollowerSuite {
  private static final StreamSettings STREAMS =
      new StreamSettings(
          100,
          4096,
          100,
          Duration.ofSeconds(5),
          1024 * 1024,
          Duration.ofSeconds(1),
          10_000,
          100,
          Duration.ofSeconds(60));
  private static final int CONFIRMATIONS = 2;
  private static final Duration POLL = Duration.ofMillis(100);

  /** Many polls: long enough for a grant to be made if the follower were going to make it. */
  private static final Duration NOT_BEFORE = Duration.ofMillis(1500);

  private static final Duration GRANTED_WITHIN = Duration.ofSeconds(60);

  private final PrivateKeySigner operator = PrivateKeySigner.generate();
  private final PrivateKeySigner seller = PrivateKeySigner.generate();
  private final PrivateKeySigner buyer = PrivateKeySigner.generate();
  private final PrivateKeySigner lateBuyer = PrivateKeySigner.generate();
  private final String streamId = seller.address() + "/paid";
  private AnvilChain chain;
  private ExecutorService executor;
  private EvmLedger wallet;
  private EvmLedger.Deployment deployment;
  private ClusterNodes cluster;
  private StreamModule streams;
  private CountingService rpc;

  protected abstract JournalSettings journal();

  @BeforeEach
  void deploy() throws IOException {
    Optional<AnvilChain> connected = AnvilChain.connect();
    AnvilChain.assumeConnected(connected);
    chain = connected.get();
    executor = Executors.newFixedThreadPool(4);
    for (PrivateKeySigner account : List.of(operator, seller, buyer, lateBuyer)) {
      chain.fund(account.address());
    }
    // a deployer of its own: see AnvilChain.deploy
    deployment =
        EvmLedger.deployment(
            chain.web3j(),
            chain.newAccount(),
            operator.address(),
            9000,
            LedgerConformanceSuite.UNBONDING_SECONDS,
            chain.settings());
    // the buyers' side: answers on the receipt, as a wallet does
    wallet = new EvmLedger(chain.web3j(), deployment.addresses(), chain.settings(), executor);
  }

  @AfterEach
  void stop() {
    stopNode();
    if (executor != null) {
      executor.shutdownNow();
    }
    if (chain != null) {
      chain.close();
    }
  }

  /** One node on the journal, its ledger the deployment, followed through a counting client. */
  private void startNode() throws Exception {
    cluster =
        ClusterNodes.start(
            1,
            journal(),
            ConfigFactory.parseMap(
                Map.of(
                    "pekko.projection.restart-backoff.min-backoff", "200ms",
                    "pekko.projection.restart-backoff.max-backoff", "1s")));
    ActorSystem<?> system = cluster.node(0).system();
    streams = StreamModule.init(system, STREAMS, EventVerifier.standard());
    rpc = new CountingService(chain.url());
    EvmChainSettings settings =
        chain.settings(
            Map.of(
                "contracts.token", deployment.addresses().token().value(),
                "contracts.marketplace", deployment.addresses().marketplace().value(),
                "contracts.escrow", deployment.addresses().escrow().value(),
                "contracts.checksum-reports", deployment.addresses().checksumReports().value(),
                "contracts.provider-stakes", deployment.addresses().providerStakes().value(),
                "confirmations", CONFIRMATIONS,
                "from-block", deployment.firstBlock(),
                "follower.poll-interval", POLL.toMillis() + "ms"));
    LedgerModule module =
        EvmLedgerModule.onChain(system, settings, rpc, operator.address(), streams.streams());
    assertTrue(module.embedded().isEmpty(), "no embedded ledger beside the chain");
  }

  private void stopNode() {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  @Test
  void aPurchaseBecomesSubscribeUntilTheLicenceEndsOnceConfirmationsFollowIt() throws Exception {
    startNode();
    Product product = listedStream();
    long end = buy(buyer, product, 600);
    long bought = chain.head();

    for (int confirmation = 0; confirmation < CONFIRMATIONS; confirmation++) {
      await()
          .during(NOT_BEFORE)
          .atMost(NOT_BEFORE.multipliedBy(2))
          .until(() -> subscriberUntil(buyer).isEmpty());
      chain.mine();
    }
    assertEquals(bought + CONFIRMATIONS, chain.head());
    awaitSubscriber(buyer, end);
    Stream.State granted = get(streams.streams().get(streamId));
    assertTrue(granted.may(buyer.address(), Permission.SUBSCRIBE, Instant.ofEpochSecond(end - 1)));
    assertFalse(granted.may(buyer.address(), Permission.SUBSCRIBE, Instant.ofEpochSecond(end)));
  }

  @Test
  void aRestartedNodeGoesOnFromItsCursorAndGrantsWhatWasBoughtMeanwhile() throws Exception {
    startNode();
    Product product = listedStream();
    long end = buy(buyer, product, 600);
    long bought = chain.head();
    mine(CONFIRMATIONS);
    awaitSubscriber(buyer, end);
    ActorSystem<?> system = cluster.node(0).system();
    long cursor =
        await()
            .atMost(GRANTED_WITHIN)
            .until(
                () ->
                    get(
                        ProjectionManagement.get(system)
                            .<Long>getOffset(ChainFollower.projectionId(deployment.addresses()))),
                stored -> stored.isPresent() && stored.get() == bought)
            .orElseThrow();
    stopNode();

    long lateEnd = buy(lateBuyer, product, 300);
    mine(CONFIRMATIONS);
    startNode();
    awaitSubscriber(lateBuyer, lateEnd);
    List<Long> ranges = rpc.logRangesFrom();
    assertEquals(cursor + 1, ranges.get(0), "the first range read starts after the cursor");
    assertTrue(
        ranges.stream().allMatch(from -> from > cursor),
        "nothing at or before the cursor is read again: " + ranges);
    assertTrue(cursor > deployment.firstBlock());
  }

  @Test
  void aChainNodeThatDoesNotAnswerIsAskedAgainWithoutABlockSkipped() throws Exception {
    startNode();
    Product product = listedStream();
    mine(CONFIRMATIONS);
    rpc.down = true;
    long end = buy(buyer, product, 600);
    mine(CONFIRMATIONS);
    await().atMost(GRANTED_WITHIN).until(() -> rpc.refused.get() > 2);
    assertEquals(Optional.empty(), subscriberUntil(buyer));

    rpc.down = false;
    awaitSubscriber(buyer, end);
  }

  /** The seller's stream, on sale at 1 unit a second on the chain; the buyers hold 1,000. */
  private Product listedStream() throws Exception {
    get(streams.streams().create(streamId, seller.address(), "paid data", 1));
    for (PrivateKeySigner account : List.of(buyer, lateBuyer)) {
      get(
          wallet.submit(
              operator, new LedgerOperation.Mint(account.address(), BigInteger.valueOf(1_000))));
    }
    List<LedgerEvent> created =
        get(
            wallet.submit(
                seller,
                new LedgerOperation.CreateProduct(
                    new ProductTerms(
                        List.of(streamId),
                        List.of(),
                        BigInteger.ONE,
                        1,
                        Bytes32.ZERO,
                        List.of(new ProductTerms.Beneficiary(seller.address(), 1))))));
    return ((LedgerEvent.ProductCreated) created.get(0)).product();
  }

  private long buy(PrivateKeySigner account, Product product, long seconds) throws Exception {
    List<LedgerEvent> bought =
        get(wallet.submit(account, new LedgerOperation.Buy(product.id(), seconds)));
    return bought.stream()
        .filter(LedgerEvent.LicenceExtended.class::isInstance)
        .map(LedgerEvent.LicenceExtended.class::cast)
        .findFirst()
        .orElseThrow()
        .endsAt();
  }

  private void mine(int blocks) {
    for (int i = 0; i < blocks; i++) {
      chain.mine();
    }
  }

  private Optional<Instant> subscriberUntil(PrivateKeySigner account) throws Exception {
    return get(streams.streams().get(streamId))
        .access()
        .expiry(account.address(), Permission.SUBSCRIBE);
  }

  private void awaitSubscriber(PrivateKeySigner account, long endsAt) {
    await()
        .atMost(GRANTED_WITHIN)
        .until(() -> subscriberUntil(account), until -> until.equals(Optional.of(epoch(endsAt))));
  }

  private static Instant epoch(long seconds) {
    return Instant.ofEpochSecond(seconds);
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /**
   * The node's JSON-RPC client, which records where each eth_getLogs starts and, while {@code
   * down}, refuses every request as an unreachable node does.
   */
  private static final class CountingService extends HttpService {
    private static final Pattern FROM_BLOCK = Pattern.compile("\"fromBlock\":\"0x([0-9a-fA-F]+)\"");
    private final List<Long> logRangesFrom = new CopyOnWriteArrayList<>();
    volatile boolean down;
    final AtomicInteger refused = new AtomicInteger();

    CountingService(String url) {
      super(url);
    }

    @Override
    protected InputStream performIO(String request) throws IOException {
      if (down) {
        refused.incrementAndGet();
        throw new ConnectException("connection refused (the test took the chain node away)");
      }
      if (request.contains("\"eth_getLogs\"")) {
        Matcher from = FROM_BLOCK.matcher(request);
        if (from.find()) {
          logRangesFrom.add(Long.parseLong(from.group(1), 16));
        }
      }
      InputStream answer = super.performIO(request);
      // read now: the response is closed when performIO returns
      return new ByteArrayInputStream(answer.readAllBytes());
    }

    List<Long> logRangesFrom() {
      return List.copyOf(logRangesFrom);
    }
  }
}
