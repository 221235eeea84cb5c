package io.cairn.bench.ledger;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cairn.journal.JournalSchema;
import io.cairn.journal.JournalSettings;
import io.cairn.ledger.Ledger;
import io.cairn.ledger.LedgerEvent;
import io.cairn.ledger.LedgerModule;
import io.cairn.ledger.LedgerOperation;
import io.cairn.ledger.LedgerSettings;
import io.cairn.ledger.ProductTerms;
import io.cairn.ledger.evm.EvmChainSettings;
import io.cairn.ledger.evm.EvmLedger;
import io.cairn.ledger.evm.EvmLedgerModule;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.event.AddressRecoveries;
import io.cairn.protocol.event.EventVerifier;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.stream.Permission;
import io.cairn.stream.StreamModule;
import io.cairn.stream.StreamSettings;
import io.cairn.stream.Streams;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * The ledger on a chain, on a local anvil: purchases per second through {@link EvmLedger} (each a
 * {@code transferAndCall} signed here, simulated first and answered on its receipt), one at a time
 * and {@code --in-flight} at once from as many funded buyers; and "paid → readable", the time from
 * sending a purchase to the product's stream granting the buyer subscribe, on a node in this JVM
 * (as {@link LedgerBench} builds one, its ledger the deployment by configuration) whose {@code
 * ChainFollower} reads the chain with 0 confirmations (anvil mines a block per transaction and no
 * other: with more, a purchase would wait for later ones), at two poll intervals.
 *
 * <pre>
 * anvil --hardfork cancun --silent --port 8545 &amp;
 * java -cp bench/target/benchmarks.jar io.cairn.bench.ledger.ChainLedgerBench http://127.0.0.1:8545 \
 *     [--purchases 320] [--in-flight 32] [--runs 5] [--samples 20]
 * </pre>
 *
 * The chain must be an anvil: accounts get their gas money with {@code anvil_setBalance}.
 */
public final class ChainLedgerBench {
  private static final BigInteger GAS_MONEY = BigInteger.TEN.pow(21);
  private static final BigInteger TOKENS = BigInteger.TEN.pow(30);

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args[0].startsWith("--")) {
      throw new IllegalArgumentException("usage: ChainLedgerBench ANVIL_URL [options]");
    }
    String url = args[0];
    int purchases = 320;
    int inFlight = 32;
    int runs = 5;
    int samples = 20;
    for (int i = 1; i < args.length; i += 2) {
      switch (args[i]) {
        case "--purchases" -> purchases = Integer.parseInt(args[i + 1]);
        case "--in-flight" -> inFlight = Integer.parseInt(args[i + 1]);
        case "--runs" -> runs = Integer.parseInt(args[i + 1]);
        case "--samples" -> samples = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    HttpService service = new HttpService(url);
    Web3j web3j = Web3j.build(service);
    try {
      new ChainLedgerBench(url, web3j, service).run(purchases, inFlight, runs, samples);
    } finally {
      web3j.shutdown();
    }
  }

  private final String url;
  private final Web3j web3j;
  private final HttpService service;
  private final PrivateKeySigner operator = PrivateKeySigner.generate();
  private final PrivateKeySigner seller = PrivateKeySigner.generate();

  private ChainLedgerBench(String url, Web3j web3j, HttpService service) {
    this.url = url;
    this.web3j = web3j;
    this.service = service;
  }

  private void run(int purchases, int inFlight, int runs, int samples) throws Exception {
    String client = web3j.web3ClientVersion().send().getWeb3ClientVersion();
    fund(operator.address());
    fund(seller.address());
    EvmChainSettings reference =
        EvmChainSettings.fromConfig(
            ConfigFactory.parseMap(Map.of("cairn.ledger.chain.url", url))
                .withFallback(ConfigFactory.load()));
    EvmLedger.Deployment deployment =
        EvmLedger.deployment(web3j, operator, operator.address(), 9000, 604_800, reference);
    System.out.printf(
        "chain %d at %s (%s), contracts deployed from block %d%n%n",
        deployment.chainId(), url, client, deployment.firstBlock());

    List<PrivateKeySigner> buyers = new ArrayList<>();
    for (int i = 0; i < Math.max(inFlight, samples); i++) {
      buyers.add(PrivateKeySigner.generate());
    }
    Node throughputNode =
        Node.start(
            url, deployment.firstBlock(), deployment, Duration.ofSeconds(1), operator.address());
    double one;
    double many;
    try {
      Ledger ledger = throughputNode.ledger();
      for (PrivateKeySigner buyer : buyers) {
        fund(buyer.address());
        get(ledger.submit(operator, new LedgerOperation.Mint(buyer.address(), TOKENS)));
      }
      long product = listed(ledger, throughputNode.streams(), "bench");
      one = purchasesPerSecond(ledger, buyers, product, purchases, 1, runs);
      many = purchasesPerSecond(ledger, buyers, product, purchases, inFlight, runs);
    } finally {
      throughputNode.stop();
    }
    System.out.printf("| operation | in flight | median purchases/s (of %d) |%n", runs);
    System.out.println("|---|---|---|");
    System.out.printf("| purchase (EvmLedger, one transferAndCall) | 1 | %,.1f |%n", one);
    System.out.printf(
        "| purchase (EvmLedger, one transferAndCall) | %d | %,.1f |%n%n", inFlight, many);

    System.out.printf(
        "| paid → readable (ChainFollower, 0 confirmations) | poll interval | median ms (of %d)"
            + " | min ms | max ms |%n",
        samples);
    System.out.println("|---|---|---|---|---|");
    int stream = 0;
    for (Duration poll : List.of(Duration.ofSeconds(1), Duration.ofMillis(100))) {
      // a new node on a new journal: it follows from now, not through the purchases above
      long next = web3j.ethBlockNumber().send().getBlockNumber().longValueExact() + 1;
      Node node = Node.start(url, next, deployment, poll, operator.address());
      try {
        long product = listed(node.ledger(), node.streams(), "latency-" + stream++);
        double[] millis = paidToReadable(node, buyers.subList(0, samples), product, poll);
        System.out.printf(
            "| purchase → subscribe | %d ms | %,.0f | %,.0f | %,.0f |%n",
            poll.toMillis(), median(millis), millis[0], millis[millis.length - 1]);
      } finally {
        node.stop();
      }
    }
  }

  /** The seller's stream {@code name} on the node, on sale on the chain at 1 unit a second. */
  private long listed(Ledger ledger, Streams streams, String name) throws Exception {
    String streamId = seller.address() + "/" + name;
    get(streams.create(streamId, seller.address(), "bench", 1));
    List<LedgerEvent> created =
        get(
            ledger.submit(
                seller,
                new LedgerOperation.CreateProduct(
                    new ProductTerms(
                        List.of(streamId),
                        List.of(),
                        BigInteger.ONE,
                        1,
                        Bytes32.ZERO,
                        List.of(new ProductTerms.Beneficiary(seller.address(), 1))))));
    return ((LedgerEvent.ProductCreated) created.get(0)).product().id();
  }

  /** The median of {@code runs} runs of {@code purchases}, after one to warm up. */
  private static double purchasesPerSecond(
      Ledger ledger,
      List<PrivateKeySigner> buyers,
      long product,
      int purchases,
      int window,
      int runs)
      throws Exception {
    double[] rates = new double[runs + 1];
    for (int run = 0; run <= runs; run++) {
      long start = System.nanoTime();
      for (int first = 0; first < purchases; first += window) {
        List<CompletableFuture<List<LedgerEvent>>> batch = new ArrayList<>();
        for (int i = first; i < Math.min(purchases, first + window); i++) {
          batch.add(
              ledger
                  .submit(buyers.get(i % window), new LedgerOperation.Buy(product, 60))
                  .toCompletableFuture());
        }
        CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get();
      }
      rates[run] = purchases / ((System.nanoTime() - start) / 1e9);
    }
    return median(Arrays.copyOfRange(rates, 1, rates.length));
  }

  /**
   * For each buyer (none holds subscribe yet): the time from sending its purchase to the stream's
   * state granting it, read every millisecond; sorted. Each purchase is sent after a random pause
   * of up to one poll interval: sent right after the previous grant, every purchase would arrive
   * just after the follower's poll and wait a whole interval.
   */
  private static double[] paidToReadable(
      Node node, List<PrivateKeySigner> buyers, long product, Duration poll) throws Exception {
    Random pauses = new Random(42);
    String streamId = get(node.ledger().product(product)).orElseThrow().terms().streams().get(0);
    double[] millis = new double[buyers.size()];
    for (int i = 0; i < buyers.size(); i++) {
      EthereumAddress buyer = buyers.get(i).address();
      Thread.sleep(pauses.nextInt((int) poll.toMillis()));
      long start = System.nanoTime();
      CompletableFuture<List<LedgerEvent>> sent =
          node.ledger()
              .submit(buyers.get(i), new LedgerOperation.Buy(product, 600))
              .toCompletableFuture();
      while (get(node.streams().get(streamId))
          .access()
          .expiry(buyer, Permission.SUBSCRIBE)
          .isEmpty()) {
        if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(60)) {
          throw new IllegalStateException("no access for " + buyer + " within 60 s");
        }
        Thread.sleep(1);
      }
      millis[i] = (System.nanoTime() - start) / 1e6;
      sent.get();
    }
    Arrays.sort(millis);
    return millis;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private void fund(EthereumAddress account) throws IOException {
    AnvilAnswer answer =
        new Request<>(
                "anvil_setBalance",
                List.of(account.value(), Numeric.toHexStringWithPrefix(GAS_MONEY)),
                service,
                AnvilAnswer.class)
            .send();
    if (answer.hasError()) {
      throw new IllegalStateException(
          "anvil_setBalance failed (is this an anvil?): " + answer.getError().getMessage());
    }
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  /** Whatever anvil answers. */
  public static final class AnvilAnswer extends Response<Object> {}

  /**
   * One node in this JVM on an embedded journal, its ledger the deployment by configuration, its
   * follower at {@code poll} and 0 confirmations.
   */
  private record Node(ActorSystem<Void> system, Ledger ledger, Streams streams) {
    static Node start(
        String url,
        long fromBlock,
        EvmLedger.Deployment deployment,
        Duration poll,
        EthereumAddress operator)
        throws IOException {
      Path data = Files.createTempDirectory("cairn-chain-bench");
      Map<String, Object> settings = new HashMap<>();
      settings.put("pekko.remote.artery.canonical.port", freePort());
      settings.put("pekko.remote.artery.canonical.hostname", "127.0.0.1");
      settings.put("pekko.cluster.roles", List.of("stream", "core", "persistor", "api"));
      settings.put("cairn.data-dir", data.toString());
      settings.put("cairn.ledger.checksums.enabled", "off");
      settings.put("pekko.loglevel", "WARNING");
      settings.put("cairn.ledger.chain.url", url);
      settings.put("cairn.ledger.chain.expected-chain-id", deployment.chainId());
      settings.put("cairn.ledger.chain.from-block", fromBlock);
      settings.put("cairn.ledger.chain.confirmations", 0);
      settings.put("cairn.ledger.chain.follower.poll-interval", poll.toMillis() + "ms");
      settings.put("cairn.ledger.chain.contracts.token", deployment.addresses().token().value());
      settings.put(
          "cairn.ledger.chain.contracts.marketplace", deployment.addresses().marketplace().value());
      settings.put("cairn.ledger.chain.contracts.escrow", deployment.addresses().escrow().value());
      settings.put(
          "cairn.ledger.chain.contracts.checksum-reports",
          deployment.addresses().checksumReports().value());
      settings.put(
          "cairn.ledger.chain.contracts.provider-stakes",
          deployment.addresses().providerStakes().value());
      Config config =
          ConfigFactory.load(
              ConfigFactory.parseMap(settings)
                  .withFallback(ConfigFactory.parseResources("application.conf")));
      JournalSchema.ensure(JournalSettings.fromConfig(config));
      ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "cairn", config);
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      StreamModule streams =
          StreamModule.init(system, StreamSettings.fromConfig(config), EventVerifier.standard());
      LedgerModule module =
          EvmLedgerModule.init(
              system,
              LedgerSettings.fromConfig(config),
              EvmChainSettings.fromConfig(config),
              operator,
              AddressRecoveries.preferred(),
              Clock.systemUTC(),
              streams.streams());
      return new Node(system, module.ledger(), streams.streams());
    }

    void stop() {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
