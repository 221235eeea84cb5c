package io.cairn.stream;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * This node's end of the cluster-wide topics, one per stream partition: the partition entity
 * publishes each stored event to its topic, and every node's subscribers to that partition receive
 * it. A topic is started the first time this node publishes or subscribes to it.
 */
public final class PartitionTopics implements Extension {
  /**
   * The events one journal write stored, in order, delivered to subscribers as one message: a busy
   * partition's subscribers, near and on other nodes, get one message per write, not per event. The
   * first has {@code firstSequenceNr}, each next one the number after; the numbers order the
   * partition's events.
   */
  public record Delivery(String streamPartition, long firstSequenceNr, List<byte[]> messages) {
    public Delivery {
      messages = List.copyOf(messages);
    }

    /** One stored event. */
    public static Delivery of(String streamPartition, long sequenceNr, byte[] message) {
      return new Delivery(streamPartition, sequenceNr, List.of(message));
    }

    /** The announcement that {@code lastSequenceNr} is the partition's last stored event. */
    public static Delivery head(String streamPartition, long lastSequenceNr) {
      return new Delivery(streamPartition, lastSequenceNr + 1, List.of());
    }

    public long lastSequenceNr() {
      return firstSequenceNr + messages.size() - 1;
    }

    @Override
    public boolean equals(Object other) {
      if (!(other instanceof Delivery that)
          || firstSequenceNr != that.firstSequenceNr
          || !streamPartition.equals(that.streamPartition)
          || messages.size() != that.messages.size()) {
        return false;
      }
      for (int i = 0; i < messages.size(); i++) {
        if (!Arrays.equals(messages.get(i), that.messages.get(i))) {
          return false;
        }
      }
      return true;
    }

    @Override
    public int hashCode() {
      return streamPartition.hashCode() * 31 + Long.hashCode(firstSequenceNr);
    }

    @Override
    public String toString() {
      return "Delivery["
          + streamPartition
          + " #"
          + firstSequenceNr
          + ", "
          + messages.size()
          + " events]";
    }
  }

  public static final ExtensionId<PartitionTopics> ID =
      new ExtensionId<>() {
        @Override
        public PartitionTopics createExtension(ActorSystem<?> system) {
          return new PartitionTopics(system);
        }
      };

  public static PartitionTopics get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private final ActorSystem<?> system;
  private final ConcurrentMap<String, ActorRef<Topic.Command<Delivery>>> topics =
      new ConcurrentHashMap<>();

  private PartitionTopics(ActorSystem<?> system) {
    this.system = system;
  }

  /** The topic of {@code streamPartition} ({@code <stream id>#<partition>}). */
  public ActorRef<Topic.Command<Delivery>> topic(String streamPartition) {
    return topics.computeIfAbsent(
        streamPartition,
        name ->
            system.systemActorOf(
                Topic.create(Delivery.class, "partition:" + name),
                "partition-topic-" + URLEncoder.encode(name, StandardCharsets.UTF_8),
                Props.empty()));
  }

  public void publish(Delivery delivery) {
    topic(delivery.streamPartition()).tell(Topic.publish(delivery));
  }

  /**
   * Until {@code subscriber} stops: the topic watches it. There is no unsubscribe on purpose: one
   * that races the subscriber's stop makes the topic deregister twice from the receptionist, and
   * the receptionist stops on the second.
   */
  public void subscribe(String streamPartition, ActorRef<Delivery> subscriber) {
    topic(streamPartition).tell(Topic.subscribe(subscriber));
  }
}
