package io.cairn.api.node;

import io.cairn.api.ApiJson;
import io.cairn.api.ApiRoutes;
import io.cairn.cluster.NodeRole;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.Health;
import io.cairn.protocol.api.v1.NodeInfo;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /api/v1/health} and {@code GET /api/v1/node}. */
public final class NodeRoutes extends ApiRoutes {
  private final Cluster cluster;
  private final NodeInfo.Builder template;

  /**
   * {@code serviceAddress}: the cluster's service identity, on a node that holds it; {@code
   * checksumReporter}: the address this node reports checksums as, on a node that reports them.
   */
  public NodeRoutes(
      ActorSystem<?> system,
      Set<NodeRole> roles,
      String journalKind,
      String version,
      Optional<EthereumAddress> serviceAddress,
      Optional<EthereumAddress> checksumReporter) {
    super(system);
    this.cluster = Cluster.get(system);
    this.template =
        NodeInfo.newBuilder()
            .setAddress(cluster.selfMember().address().toString())
            .addAllRoles(roles.stream().sorted().map(NodeRole::label).toList())
            .setVersion(version)
            .setJournal(journalKind);
    serviceAddress.ifPresent(address -> template.setServiceAddress(address.value()));
    checksumReporter.ifPresent(address -> template.setChecksumReporter(address.value()));
  }

  @Override
  public Route routes() {
    return concat(
        path("health", () -> get(this::health)),
        path(
            "node",
            () ->
                get(
                    () ->
                        complete(
                            ApiJson.ok(
                                template.clone().setMemberStatus(memberStatus()).build())))));
  }

  /** 200 while this node is an Up member of its cluster, 503 with its status otherwise. */
  private Route health() {
    Member self = cluster.selfMember();
    if (self.status() == MemberStatus.up()) {
      return complete(ApiJson.ok(Health.newBuilder().setStatus("ok")));
    }
    return complete(
        ApiJson.response(
            StatusCodes.SERVICE_UNAVAILABLE, Health.newBuilder().setStatus(memberStatus())));
  }

  private String memberStatus() {
    return cluster.selfMember().status().toString().toLowerCase(Locale.ROOT);
  }
}
