package io.cairn.api.pinning;

import io.cairn.api.ApiJson;
import io.cairn.api.ApiRoutes;
import io.cairn.api.auth.Authentication;
import io.cairn.pinning.PinnedReplicas;
import io.cairn.pinning.PinningJob;
import io.cairn.pinning.PinningJobs;
import io.cairn.pinning.ServiceChecks;
import io.cairn.protocol.api.v1.ChallengeAnswerSubmission;
import io.cairn.protocol.api.v1.PinRequest;
import io.cairn.protocol.api.v1.ServiceReport;
import io.cairn.protocol.pinning.v1.SignedPinningStatement;
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
  private final ServiceChecks checks;
  private final Authentication authentication;

  public PinRoutes(
      ActorSystem<?> system,
      PinningJobs jobs,
      PinnedReplicas replicas,
      ServiceChecks checks,
      Authentication authentication) {
    super(system);
    this.jobs = jobs;
    this.replicas = replicas;
    this.checks = checks;
    this.authentication = authentication;
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
                                jobs.get(PinApiMapper.jobId(jobId))
                                    .thenCompose(
                                        job ->
                                            replicas
                                                .reports(job)
                                                .thenApply(
                                                    reports -> PinApiMapper.view(job, reports))),
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
