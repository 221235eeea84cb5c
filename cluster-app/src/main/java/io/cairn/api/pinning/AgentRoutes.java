package io.cairn.api.pinning;

import io.cairn.api.ApiJson;
import io.cairn.api.ApiRoutes;
import io.cairn.api.auth.Authentication;
import io.cairn.pinning.PinnedReplicas;
import io.cairn.pinning.ServiceChecks;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * What a signed-in agent has to do ({@code GET /agent/tasks}): the replicas it seals as hoster or
 * witness, the open challenges to the replicas it hosts, and the service checks it is to make as an
 * attester. The session's address is the agent.
 */
public final class AgentRoutes extends ApiRoutes {
  private final PinnedReplicas replicas;
  private final ServiceChecks checks;
  private final Authentication authentication;

  public AgentRoutes(
      ActorSystem<?> system,
      PinnedReplicas replicas,
      ServiceChecks checks,
      Authentication authentication) {
    super(system);
    this.replicas = replicas;
    this.checks = checks;
    this.authentication = authentication;
  }

  @Override
  public Route routes() {
    return path(
        PathMatchers.segment("agent").slash("tasks"),
        () ->
            get(
                () ->
                    authentication.authenticated(
                        agent ->
                            reply(
                                replicas
                                    .tasksOf(agent)
                                    .thenCombine(
                                        checks.tasksOf(agent),
                                        (tasks, checked) ->
                                            AgentApiMapper.tasks(
                                                tasks, checked, replicas.settings().seal())),
                                ApiJson::ok))));
  }
}
