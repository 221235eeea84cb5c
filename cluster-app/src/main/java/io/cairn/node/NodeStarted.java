package io.cairn.node;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

/** Set once the node has started everything it runs; management's readiness check reads it. */
public final class NodeStarted extends AbstractExtensionId<NodeStarted.Flag>
    implements ExtensionIdProvider {
  public static final NodeStarted ID = new NodeStarted();

  public static final class Flag implements Extension {
    private final AtomicBoolean started = new AtomicBoolean();

    void markStarted() {
      started.set(true);
    }

    public boolean isStarted() {
      return started.get();
    }
  }

  @Override
  public Flag createExtension(ExtendedActorSystem system) {
    return new Flag();
  }

  @Override
  public NodeStarted lookup() {
    return ID;
  }
}
