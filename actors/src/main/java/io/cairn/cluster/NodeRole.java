package io.cairn.cluster;

import java.util.Locale;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The cluster roles a node can take. Entities are placed only on nodes with their role, so each
 * kind of work scales on its own; a node without a role still reaches those entities by proxy.
 */
public enum NodeRole {
  /** Serves the public HTTP and WebSocket API. */
  API,
  /** Hosts the Stream entities. */
  STREAM,
  /** Hosts the Core entities: stored Hypercore logs. */
  CORE,
  /** Hosts the Persistor and key custodian entities of encrypted persistence. */
  PERSISTOR;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the node of {@code system} has this role, as sharding decides where entities go. */
  public boolean isHeldBy(ActorSystem<?> system) {
    return Cluster.get(system).selfMember().hasRole(label());
  }
}
