package io.cairn.keys;

import io.cairn.cluster.NodeRole;
import io.cairn.cluster.ServiceIdentity;
import io.cairn.protocol.encryption.MasterKey;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The key custody feature on one node, built once: the sharded {@link KeyCustodian}s on the nodes
 * with the persistor role (a proxy elsewhere), the rotation after a revocation on the nodes with
 * the stream role, and the services over them.
 *
 * @param custodians the ask facade the API uses
 * @param streamKeys the group keys as the persistor reads them
 */
public record KeysModule(KeyCustodians custodians, StreamKeys streamKeys) {

  /** The cluster secrets a custodian holds: the service key it signs with and the master key. */
  public record Custody(ServiceIdentity identity, MasterKey masterKey) {}

  /**
   * Starts the feature on {@code system}; {@code custody} is read only on a node with the persistor
   * role, so a node without it needs no secrets.
   */
  public static KeysModule init(
      ActorSystem<?> system, KeySettings settings, Supplier<Custody> custody) {
    if (NodeRole.PERSISTOR.isHeldBy(system)) {
      Custody secrets = custody.get();
      KeyCustodian.init(system, settings, secrets.identity(), secrets.masterKey());
    } else {
      KeyCustodian.initProxy(system);
    }
    if (NodeRole.STREAM.isHeldBy(system)) {
      RevokeRotation.start(system, settings);
    }
    return new KeysModule(
        new KeyCustodians(system, settings),
        new CustodianStreamKeys(system, settings.askTimeout()));
  }
}
