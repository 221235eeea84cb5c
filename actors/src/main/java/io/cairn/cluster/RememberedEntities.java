package io.cairn.cluster;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;

/**
 * Sharding settings for entities that must run whether or not anyone sends them a message (a timer,
 * a follow-up, a process step): sharding restarts them wherever their shard goes. The list of
 * entities is kept in the journal (event-sourced store mode), so no distributed-data durable store
 * has to live on the nodes' disks.
 */
public final class RememberedEntities {
  private RememberedEntities() {}

  public static ClusterShardingSettings on(ActorSystem<?> system, NodeRole role) {
    return ClusterShardingSettings.create(system)
        .withRole(role.label())
        .withRememberEntities(true)
        .withRememberEntitiesStoreMode(
            ClusterShardingSettings.RememberEntitiesStoreModeEventSourced$.MODULE$);
  }
}
