package io.cairn.pinning;

import io.cairn.core.Cores;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.ledger.Bytes32;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/** The cluster's pinning jobs as the API sees them: each a sharded {@link PinningJob}. */
public final class PinningJobs {
  /** How many jobs a list asks for their state at once. */
  private static final int LIST_PARALLELISM = 8;

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final PinningSettings settings;
  private final Cores cores;
  private final PinningJobDirectory directory;

  public PinningJobs(ActorSystem<?> system, PinningSettings settings, Cores cores) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.settings = settings;
    this.cores = cores;
    this.directory = new PinningJobDirectory(system);
  }

  /**
   * Starts {@code supporter}'s job for {@code requestId}, or answers the one it already started
   * with the same terms. Bad terms are refused before anything else, and a core the cluster does
   * not hold is {@code CORE_NOT_FOUND}: neither creates a job.
   */
  public CompletionStage<PinningJob.RequestAnswer> request(
      EthereumAddress supporter, String requestId, PinningJob.Terms terms) {
    Optional<Rejection> problem = PinRequests.problemWith(requestId, terms, settings);
    if (problem.isPresent()) {
      return CompletableFuture.failedFuture(problem.get());
    }
    return cores
        .info(HexFormat.of().parseHex(terms.coreKey()))
        .thenCompose(
            core ->
                sharding
                    .entityRefFor(
                        PinningJob.ENTITY_KEY, PinRequests.jobId(supporter, requestId).toString())
                    .<PinningJob.RequestAnswer>askWithStatus(
                        replyTo -> new PinningJob.Request(supporter, requestId, terms, replyTo),
                        settings.askTimeout()));
  }

  public CompletionStage<PinningJob.Job> get(Bytes32 jobId) {
    return ask(jobId, PinningJob.Get::new);
  }

  /** Cancels the job; only its supporter may. */
  public CompletionStage<PinningJob.Job> cancel(Bytes32 jobId, EthereumAddress by) {
    return ask(jobId, replyTo -> new PinningJob.Cancel(by, replyTo));
  }

  /**
   * Up to {@code max} of {@code supporter}'s jobs, the newest first, as {@link PinningJobDirectory}
   * lists them (a job requested in the last second may be missing).
   */
  public CompletionStage<List<PinningJob.Job>> jobsOf(EthereumAddress supporter, int max) {
    return directory
        .jobsOf(supporter, max)
        .thenCompose(
            ids ->
                Source.from(ids).mapAsync(LIST_PARALLELISM, this::get).runWith(Sink.seq(), system))
        .thenApply(ArrayList::new);
  }

  private CompletionStage<PinningJob.Job> ask(
      Bytes32 jobId, Function<ActorRef<StatusReply<PinningJob.Job>>, PinningJob.Command> command) {
    return sharding
        .entityRefFor(PinningJob.ENTITY_KEY, jobId.toString())
        .askWithStatus(command::apply, settings.askTimeout());
  }
}
