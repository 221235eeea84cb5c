package io.cairn.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cairn.cluster.ClusterNodes;
import io.cairn.core.CoreModule;
import io.cairn.core.CoreSettings;
import io.cairn.journal.JournalSettings;
import io.cairn.ledger.AdjustableClock;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.ledger.Bytes32;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The job directory a supporter's list reads, kept by its projection on a real journal. Each
 * database runs the same suite through a subclass.
 */
abstract class PinningJobDirectorySuite {
  private static final PinningJob.Terms TERMS = new PinningJob.Terms("cd".repeat(32), 2, 7);

  private final AdjustableClock clock = new AdjustableClock();
  private ClusterNodes cluster;
  private ActorSystem<?> system;
  private PinningJobs jobs;

  protected abstract JournalSettings journal();

  @BeforeEach
  void startNode() throws Exception {
    cluster = ClusterNodes.start(1, journal());
    system = cluster.node(0).system();
    PinningSettings settings = PinningSettings.fromConfig(system.settings().config());
    CoreModule core = CoreModule.init(system, CoreSettings.fromConfig(system.settings().config()));
    EpochSecrets epochs = new EpochSecrets(new byte[32]);
    jobs =
        PinningModule.init(
                system,
                settings,
                clock,
                core.cores(),
                () -> epochs,
                io.cairn.protocol.event.AddressRecoveries.preferred(),
                provider -> CompletableFuture.completedFuture(BigInteger.ZERO))
            .jobs();
  }

  @AfterEach
  void stopNode() {
    cluster.close();
  }

  @Test
  void aSupportersListHoldsItsOwnJobsNewestFirstWhateverBecameOfThem() {
    // fresh addresses: other runs' jobs share a PostgreSQL journal
    EthereumAddress supporter = PrivateKeySigner.generate().address();
    EthereumAddress other = PrivateKeySigner.generate().address();
    Bytes32 first = request(supporter, "first");
    Bytes32 second = request(supporter, "second");
    Bytes32 others = request(other, "first");
    jobs.cancel(first, supporter).toCompletableFuture().join();

    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> ids(supporter, 10).size() == 2);
    assertEquals(List.of(second, first), ids(supporter, 10));
    assertEquals(List.of(second), ids(supporter, 1), "max caps the answer");
    assertEquals(
        PinningJob.Status.CANCELLED,
        jobs.jobsOf(supporter, 10).toCompletableFuture().join().get(1).status(),
        "the answer is each job's state");
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> ids(other, 10).size() == 1);
    assertEquals(List.of(others), ids(other, 10));
  }

  /** Asks the job directly: the facade's core check belongs to the API's tests. */
  private Bytes32 request(EthereumAddress supporter, String requestId) {
    Bytes32 jobId = PinRequests.jobId(supporter, requestId);
    ClusterSharding.get(system)
        .entityRefFor(PinningJob.ENTITY_KEY, jobId.toString())
        .<PinningJob.RequestAnswer>askWithStatus(
            replyTo -> new PinningJob.Request(supporter, requestId, TERMS, replyTo),
            Duration.ofSeconds(10))
        .toCompletableFuture()
        .join();
    // distinct request times, so the newest-first order is the order of the requests
    clock.advance(Duration.ofMinutes(1));
    return jobId;
  }

  private List<Bytes32> ids(EthereumAddress supporter, int max) {
    return jobs.jobsOf(supporter, max).toCompletableFuture().join().stream()
        .map(PinningJob.Job::jobId)
        .toList();
  }
}
