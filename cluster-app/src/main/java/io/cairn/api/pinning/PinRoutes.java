package io.cairn.api.pinning;

import io.cairn.api.ApiJson;
import io.cairn.api.ApiRoutes;
import io.cairn.api.auth.Authentication;
import io.cairn.pinning.JobMoney;
import io.cairn.pinning.PinnedReplicas;
import io.cairn.pinning.PinningJob;
import io.cairn.pinning.PinningJobs;
import io.cairn.pinning.PinningModule;
import io.cairn.pinning.Provider;
import io.cairn.pinning.Providers;
import io.cairn.pinning.ServiceChecks;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.ChallengeAnswerSubmission;
import io.cairn.protocol.api.v1.PinJobView;
import io.cairn.protocol.api.v1.PinRequest;
import io.cairn.protocol.api.v1.ServiceReport;
import io.cairn.protocol.pinning.v1.SignedPinningStatement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Pinning jobs: a supporter signed in requests one ({@code POST /pins}: 201 when the request
 * started it, 200 when the same request id did before), lists its own ({@code GET /pins}) and
 * cancels one ({@code DELETE /pins/{jobId}}); anyone reads a job ({@code GET /pins/{jobId}}). The
 * session's address is the supporter: nobody requests or cancels in another's name. Agents submit
 * their commitments ({@code POST /pins/{jobId}/replicas/{slot}/commitment}) and challenge answers
 * ({@code POST /pins/{jobId}/challenges/{challengeId}}) without a session: each is a statement
 * signed by the agent's key, which the replica checks against its hoster or encoder. An attester
 * signed in reports a service check ({@code POST /pins/{jobId}/replicas/{slot}/service-report}):
 * the session says who reports, and the hoster's signed proofs of contact what it found.
 */
public final class PinRoutes extends ApiRoutes {
  /**
   * A supporter's list holds at most this many jobs, the newest: enough for anyone paying for each
   * one, and a bound on one answer's size.
   */
  static final int LISTED_JOBS = 1000;

  private final PinningJobs jobs;
  private final PinnedReplicas replicas;
  private final JobMoney money;
  private final Providers providers;
  private final ServiceChecks checks;
  private final Authentication authentication;

  public PinRoutes(ActorSystem<?> system, PinningModule pinning, Authentication authentication) {
    super(system);
    this.jobs = pinning.jobs();
    this.replicas = pinning.replicas();
    this.money = pinning.money();
    this.providers = pinning.providers();
    this.checks = pinning.checks();
    this.authentication = authentication;
  }

  /** The job with its replicas' reports, money and hosters' standing. */
  private CompletionStage<PinJobView> status(PinningJob.Job job) {
    List<CompletableFuture<Provider.Info>> hosters =
        job.replicas().stream()
            .map(replica -> replica.hoster())
            .distinct()
            .map(hoster -> providers.get(hoster).toCompletableFuture())
            .toList();
    CompletableFuture<Map<EthereumAddress, Provider.Info>> byAddress =
        CompletableFuture.allOf(hosters.toArray(CompletableFuture[]::new))
            .thenApply(
                all ->
                    hosters.stream()
                        .map(CompletableFuture::join)
                        .collect(Collectors.toMap(Provider.Info::address, info -> info)));
    return replicas
        .reports(job)
        .thenCombine(money.of(job.jobId()), (reports, earned) -> Map.entry(reports, earned))
        .thenCombine(
            byAddress,
            (reportsAndMoney, infos) ->
                PinApiMapper.view(
                    job,
                    new PinApiMapper.Details(
                        reportsAndMoney.getKey(),
                        reportsAndMoney.getValue(),
                        infos,
                        providers.reputationRules())));
  }

  @Override
  public Route routes() {
    return concat(
        path(
            "pins",
            () ->
                concat(
                    post(
                        () ->
                            authentication.authenticated(
                                supporter ->
                                    this.<PinRequest>body(
                                        PinRequest.newBuilder(),
                                        request ->
                                            reply(
                                                jobs.request(
                                                    supporter,
                                                    request.getRequestId(),
                                                    PinApiMapper.terms(request)),
                                                answer ->
                                                    ApiJson.response(
                                                        answer.created()
                                                            ? StatusCodes.CREATED
                                                            : StatusCodes.OK,
                                                        PinApiMapper.view(answer.job())))))),
                    get(
                        () ->
                            authentication.authenticated(
                                supporter ->
                                    reply(
                                        jobs.jobsOf(supporter, LISTED_JOBS),
                                        list -> ApiJson.ok(PinApiMapper.list(list))))))),
        path(
            PathMatchers.segment("pins").slash(PathMatchers.segment()),
            jobId ->
                concat(
                    get(
                        () ->
                            reply(
                                jobs.get(PinApiMapper.jobId(jobId)).thenCompose(this::status),
                                ApiJson::ok)),
                    delete(
                        () ->
                            authentication.authenticated(
                                supporter ->
                                    reply(
                                        jobs.cancel(PinApiMapper.jobId(jobId), supporter),
                                        PinRoutes::view))))),
        path(
            PathMatchers.segment("pins")
                .slash(PathMatchers.segment())
                .slash("replicas")
                .slash(PathMatchers.segment())
                .slash("commitment"),
            (jobId, slot) ->
                post(
                    () ->
                        this.<SignedPinningStatement>body(
                            SignedPinningStatement.newBuilder(),
                            signed ->
                                reply(
                                    replicas.commit(
                                        PinApiMapper.jobId(jobId),
                                        AgentApiMapper.slot(slot),
                                        signed),
                                    replica -> ApiJson.ok(PinApiMapper.replicaView(replica)))))),
        path(
            PathMatchers.segment("pins")
                .slash(PathMatchers.segment())
                .slash("replicas")
                .slash(PathMatchers.segment())
                .slash("service-report"),
            (jobId, slot) ->
                post(
                    () ->
                        authentication.authenticated(
                            attester ->
                                this.<ServiceReport>body(
                                    ServiceReport.newBuilder(),
                                    report ->
                                        reply(
                                            checks.report(
                                                PinApiMapper.jobId(jobId),
                                                AgentApiMapper.slot(slot),
                                                attester,
                                                AgentApiMapper.checkId(report.getCheckId()),
                                                AgentApiMapper.blocks(report)),
                                            grade -> ApiJson.ok(AgentApiMapper.grade(grade))))))),
        path(
            PathMatchers.segment("pins")
                .slash(PathMatchers.segment())
                .slash("challenges")
                .slash(PathMatchers.segment()),
            (jobId, challengeId) ->
                post(
                    () ->
                        this.<ChallengeAnswerSubmission>body(
                            ChallengeAnswerSubmission.newBuilder(),
                            submission ->
                                reply(
                                    replicas.answer(
                                        PinApiMapper.jobId(jobId),
                                        AgentApiMapper.challengeId(challengeId),
                                        submission.getAnswer(),
                                        submission.getStatement()),
                                    verdict -> ApiJson.ok(AgentApiMapper.verdict(verdict)))))));
  }

  private static HttpResponse view(PinningJob.Job job) {
    return ApiJson.ok(PinApiMapper.view(job));
  }
}
