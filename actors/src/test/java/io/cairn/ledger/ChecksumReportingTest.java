package io.cairn.ledger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cairn.cluster.ClusterNodes;
import io.cairn.cluster.ServiceIdentity;
import io.cairn.journal.TestDatabases;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.event.AddressRecoveries;
import io.cairn.protocol.event.EventVerifier;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.stream.PartitionChecksum;
import io.cairn.stream.PartitionChecksums;
import io.cairn.stream.PublisherTest;
import io.cairn.stream.StreamModule;
import io.cairn.stream.StreamSettings;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes report a paid partition's checksum each interval: the round is opened for both, both
 * compute the same (count, checksum) from the journal, the report is final and equals what a
 * subscriber computes from the events it published.
 */
class ChecksumReportingTest {
  private static final Duration INTERVAL = Duration.ofSeconds(2);
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

  @TempDir Path dataDirectory;
  private ClusterNodes cluster;

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void bothNodesReportThePartitionsChecksumAndTheReportIsFinal() throws Exception {
    PrivateKeySigner operator = PrivateKeySigner.generate();
    ServiceIdentity service = ServiceIdentity.of(operator);
    PrivateKeySigner seller = PrivateKeySigner.generate();
    String streamId = seller.address() + "/reported";
    ChecksumSettings settings =
        new ChecksumSettings(true, INTERVAL, Duration.ofMillis(500), BigInteger.ZERO);
    cluster = ClusterNodes.start(2, TestDatabases.h2(dataDirectory));
    List<StreamModule> streams = new ArrayList<>();
    List<EmbeddedLedger> ledgers = new ArrayList<>();
    for (var node : cluster.nodes()) {
      ActorSystem<?> system = node.system();
      StreamModule stream = StreamModule.init(system, STREAMS, EventVerifier.standard());
      LedgerModule ledger =
          LedgerModule.init(
              system,
              new LedgerSettings(
                  Duration.ofSeconds(10), 100, 9000, LedgerConformanceSuite.UNBONDING_SECONDS),
              operator.address(),
              AddressRecoveries.preferred(),
              Clock.systemUTC(),
              stream.streams());
      ledger.reportChecksums(
          system,
          settings,
          stream.streams(),
          new PartitionChecksums(system, stream.resends()),
          service,
          Clock.systemUTC());
      streams.add(stream);
      ledgers.add(ledger.embedded().orElseThrow());
    }
    streams.get(0).streams().create(streamId, seller.address(), "", 1).toCompletableFuture().get();
    ledgers
        .get(0)
        .submit(
            seller,
            new LedgerOperation.CreateProduct(
                new ProductTerms(
                    List.of(streamId),
                    List.of(),
                    BigInteger.ONE,
                    1,
                    Bytes32.ZERO,
                    List.of(new ProductTerms.Beneficiary(seller.address(), 1)))))
        .toCompletableFuture()
        .get();

    long interval = PartitionChecksum.intervalOf(System.currentTimeMillis(), 2);
    PartitionChecksum expected = PartitionChecksum.start(streamId, 0, interval);
    StreamMessage previous = null;
    for (int i = 0; i < 5; i++) {
      StreamMessage event =
          PublisherTest.event(
              seller, streamId, 0, interval * 2000 + i, "{\"i\":" + i + "}", previous);
      streams.get(i % 2).publisher().publish(event).toCompletableFuture().get(10, TimeUnit.SECONDS);
      expected.add(event);
      previous = event;
    }

    RoundKey round = new RoundKey(streamId, 0, interval);
    RoundOutcome outcome =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> ledgers.get(1).outcome(round).toCompletableFuture().get(),
                RoundOutcome::closed);
    assertEquals(
        Optional.of(new RoundOutcome.Report(5, Bytes32.of(expected.value()))),
        outcome.finalReport(),
        "both nodes reported what the subscriber computes");
  }
}
