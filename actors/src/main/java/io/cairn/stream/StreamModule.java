package io.cairn.stream;

import io.cairn.cluster.NodeRole;
import io.cairn.journal.JournalSettings;
import io.cairn.protocol.event.EventVerifier;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The stream feature on one node, built once: its sharded entities, its read models on the nodes
 * with the stream role, and the services every transport and the persistor share.
 *
 * @param streams the ask facade of the {@link Stream} entities
 * @param cache the node's bounded cache of stream metadata that publishing checks against
 * @param publisher the node's one publisher: per-partition queues and the verification before them
 * @param resends stored events of a partition, read from the journal
 */
public record StreamModule(
    Streams streams, StreamCache cache, Publisher publisher, Resends resends) {

  /** Starts the feature on {@code system}; the verifier checks every event before it is stored. */
  public static StreamModule init(
      ActorSystem<?> system, StreamSettings settings, EventVerifier verifier) {
    Stream.init(system, settings);
    StreamPartition.init(system, settings);
    Streams streams = new Streams(system, settings);
    if (NodeRole.STREAM.isHeldBy(system)) {
      StreamDirectory.start(system);
      PartitionIndex.start(system);
      GrantExpiry.start(system, streams, Clock.systemUTC(), settings.askTimeout());
    }
    StreamCache cache = new StreamCache(streams, settings);
    return new StreamModule(
        streams,
        cache,
        new Publisher(system, settings, cache, verifier),
        new Resends(system, JournalSettings.READ_JOURNAL, settings.askTimeout()));
  }
}
