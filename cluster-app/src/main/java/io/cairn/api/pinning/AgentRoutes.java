package io.cairn.api.pinning;

import io.cairn.api.ApiJson;
import io.cairn.api.ApiRoutes;
import io.cairn.api.auth.Authentication;
import io.cairn.pinning.PinnedReplicas;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * What a signed-in agent has to do ({@code GET /agent/tasks}): the replicas it seals as hoster or
 * witness, and the open challenges to the replicas it hosts. The session's address is the agent.
 */
public final class AgentRoutes extends ApiRoutes {
  private final PinnedReplicas replicas;
  private final Authentication authentication;

  public AgentRoutes(
      ActorSystem<?> system, PinnedReplicas replicas, Authentication authentication) {
    super(system);
    this.replicas = replicas;
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
                                replicas.tasksOf(agent),
                                tasks ->
                                    ApiJson.ok(
                                        AgentApiMapper.tasks(
                                            tasks, replicas.settings().seal()))))));
  }
}
