package io.cairn.ledger;

import io.cairn.cluster.ClusterNodes;
import io.cairn.journal.TestDatabases;
import io.cairn.protocol.event.AddressRecoveries;
import io.cairn.protocol.event.EventVerifier;
import io.cairn.protocol.event.EvmSigner;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.stream.StreamModule;
import io.cairn.stream.StreamSettings;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The conformance suite on the embedded ledger: one node on an H2 journal. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedLedgerConformanceTest extends LedgerConformanceSuite {
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
  private static final LedgerSettings SETTINGS =
      new LedgerSettings(Duration.ofSeconds(10), 50, 9000, UNBONDING_SECONDS);

  @TempDir static Path dataDirectory;
  private final PrivateKeySigner operator = PrivateKeySigner.generate();
  private final AdjustableClock clock = new AdjustableClock();
  private ClusterNodes cluster;
  private EmbeddedLedger ledger;

  @BeforeAll
  void startNode() throws Exception {
    cluster = ClusterNodes.start(1, TestDatabases.h2(dataDirectory));
    ledger =
        LedgerModule.init(
                cluster.node(0).system(),
                SETTINGS,
                operator.address(),
                AddressRecoveries.preferred(),
                clock,
                StreamModule.init(cluster.node(0).system(), STREAMS, EventVerifier.standard())
                    .streams())
            .embedded()
            .orElseThrow();
  }

  @AfterAll
  void stopNode() {
    cluster.close();
  }

  @Override
  protected Ledger ledger() {
    return ledger;
  }

  @Override
  protected EvmSigner operator() {
    return operator;
  }

  @Override
  protected EvmSigner newAccount() {
    return PrivateKeySigner.generate();
  }

  @Override
  protected void advance(long seconds) {
    clock.advance(Duration.ofSeconds(seconds));
  }
}
