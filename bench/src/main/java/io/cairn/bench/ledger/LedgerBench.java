package io.cairn.bench.ledger;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cairn.journal.JournalSchema;
import io.cairn.journal.JournalSettings;
import io.cairn.ledger.EmbeddedLedger;
import io.cairn.ledger.LedgerEvent;
import io.cairn.ledger.LedgerModule;
import io.cairn.ledger.LedgerOperation;
import io.cairn.ledger.LedgerSettings;
import io.cairn.ledger.ProductTerms;
import io.cairn.protocol.event.AddressRecoveries;
import io.cairn.protocol.event.EventVerifier;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.stream.StreamModule;
import io.cairn.stream.StreamSettings;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * Operations per second of the embedded ledger on one node in this JVM: each operation is a request
 * signed with the account's key, its signer recovered, checked by the ledger entity and persisted
 * in one journal write, as an SDK's request is (without HTTP). Transfers and purchases, one at a
 * time (latency bound) and {@code --in-flight} at once from as many accounts.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.cairn.bench.ledger.LedgerBench \
 *     [--operations 2000] [--in-flight 64] [--runs 5] [--config config/postgres.conf]
 * </pre>
 *
 * With {@code --config config/postgres.conf} the journal is PostgreSQL (CAIRN_JDBC_URL, ...).
 */
public final class LedgerBench {
  public static void main(String[] args) throws Exception {
    int operations = 2000;
    int inFlight = 64;
    int runs = 5;
    Config overlay = ConfigFactory.empty();
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--operations" -> operations = Integer.parseInt(args[i + 1]);
        case "--in-flight" -> inFlight = Integer.parseInt(args[i + 1]);
        case "--runs" -> runs = Integer.parseInt(args[i + 1]);
        case "--config" -> overlay = ConfigFactory.parseFile(Path.of(args[i + 1]).toFile());
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path data = Files.createTempDirectory("cairn-ledger-bench");
    Config config =
        ConfigFactory.load(
            ConfigFactory.parseMap(
                    Map.of(
                        "pekko.remote.artery.canonical.port",
                        freePort(),
                        "pekko.remote.artery.canonical.hostname",
                        "127.0.0.1",
                        "pekko.cluster.roles",
                        List.of("stream", "core", "persistor", "api"),
                        "cairn.data-dir",
                        data.toString(),
                        "cairn.ledger.checksums.enabled",
                        "off",
                        "pekko.loglevel",
                        "WARNING"))
                .withFallback(overlay)
                .withFallback(ConfigFactory.parseResources("application.conf")));
    JournalSettings journal = JournalSettings.fromConfig(config);
    JournalSchema.ensure(journal);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "cairn", config);
    try {
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      PrivateKeySigner operator = PrivateKeySigner.generate();
      StreamModule streams =
          StreamModule.init(system, StreamSettings.fromConfig(config), EventVerifier.standard());
      EmbeddedLedger ledger =
          LedgerModule.init(
                  system,
                  LedgerSettings.fromConfig(config),
                  operator.address(),
                  AddressRecoveries.preferred(),
                  Clock.systemUTC(),
                  streams.streams())
              .embedded()
              .orElseThrow();
      bench(ledger, operator, journal.kind().label(), operations, inFlight, runs);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
    }
  }

  private static void bench(
      EmbeddedLedger ledger,
      PrivateKeySigner operator,
      String journal,
      int operations,
      int inFlight,
      int runs)
      throws Exception {
    List<PrivateKeySigner> accounts = new ArrayList<>();
    for (int i = 0; i < inFlight; i++) {
      PrivateKeySigner account = PrivateKeySigner.generate();
      accounts.add(account);
      ledger
          .submit(operator, new LedgerOperation.Mint(account.address(), BigInteger.TEN.pow(30)))
          .toCompletableFuture()
          .get();
    }
    PrivateKeySigner seller = PrivateKeySigner.generate();
    List<LedgerEvent> created =
        ledger
            .submit(
                seller,
                new LedgerOperation.CreateProduct(
                    new ProductTerms(
                        List.of(seller.address() + "/bench"),
                        List.of(),
                        BigInteger.TEN,
                        1,
                        Bytes32.ZERO,
                        List.of(new ProductTerms.Beneficiary(seller.address(), 1)))))
            .toCompletableFuture()
            .get();
    long product = ((LedgerEvent.ProductCreated) created.get(0)).product().id();
    IntFunction<LedgerOperation> transfer =
        i -> new LedgerOperation.Transfer(seller.address(), BigInteger.ONE);
    IntFunction<LedgerOperation> purchase = i -> new LedgerOperation.Buy(product, 60);
    System.out.println(
        "| journal | operation | in flight | median operations/s (of " + runs + ") |");
    System.out.println("|---|---|---|---|");
    for (int window : List.of(1, inFlight)) {
      report(
          journal,
          "transfer",
          window,
          measure(ledger, accounts, transfer, operations, window, runs));
      report(
          journal,
          "purchase",
          window,
          measure(ledger, accounts, purchase, operations, window, runs));
    }
  }

  private static double measure(
      EmbeddedLedger ledger,
      List<PrivateKeySigner> accounts,
      IntFunction<LedgerOperation> operation,
      int operations,
      int window,
      int runs)
      throws Exception {
    double[] rates = new double[runs + 1];
    for (int run = 0; run <= runs; run++) {
      long start = System.nanoTime();
      for (int first = 0; first < operations; first += window) {
        List<CompletableFuture<List<LedgerEvent>>> batch = new ArrayList<>();
        for (int i = first; i < Math.min(operations, first + window); i++) {
          batch.add(
              ledger.submit(accounts.get(i % window), operation.apply(i)).toCompletableFuture());
        }
        CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get();
      }
      rates[run] = operations / ((System.nanoTime() - start) / 1e9);
    }
    // the first run warms up the JIT and the journal's connections
    double[] measured = Arrays.copyOfRange(rates, 1, rates.length);
    Arrays.sort(measured);
    return measured[measured.length / 2];
  }

  private static void report(String journal, String operation, int window, double rate) {
    System.out.printf("| %s | %s | %d | %,.0f |%n", journal, operation, window, rate);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
