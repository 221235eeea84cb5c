package io.cairn.stream;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * This node's end of the cluster-wide topics, one per stream partition: the partition entity
 * publishes each stored event to its topic, and every node's subscribers to that partition receive
 * it. A topic is started the first time this node publishes or subscribes to it, and stopped once
 * it has had no local subscriber and no use for {@code cairn.stream.topic-idle-after}.
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

  /** How long the sweep waits for a topic to say how many local subscribers it has. */
  private static final Duration STATS_TIMEOUT = Duration.ofSeconds(5);

  /** A topic actor on this node and when this node last published or subscribed to it. */
  private static final class LocalTopic {
    private final ActorRef<Topic.Command<Delivery>> ref;
    private volatile long lastUsedNanos = System.nanoTime();

    LocalTopic(ActorRef<Topic.Command<Delivery>> ref) {
      this.ref = ref;
    }
  }

  private final ActorSystem<?> system;
  private final long idleAfterNanos;
  private final ConcurrentMap<String, LocalTopic> topics = new ConcurrentHashMap<>();

  /**
   * Numbers each topic actor this node starts: a topic stopped as idle may still be stopping when
   * the partition's next event starts it again, and the two need different actor names.
   */
  private final AtomicLong started = new AtomicLong();

  private PartitionTopics(ActorSystem<?> system) {
    this.system = system;
    Duration idleAfter = system.settings().config().getDuration("cairn.stream.topic-idle-after");
    this.idleAfterNanos = idleAfter.toNanos();
    Duration sweepEvery = idleAfter.dividedBy(2);
    system
        .scheduler()
        .scheduleWithFixedDelay(
            sweepEvery, sweepEvery, this::stopIdleTopics, system.executionContext());
  }

  /** The topic of {@code streamPartition} ({@code <stream id>#<partition>}), started if need be. */
  public ActorRef<Topic.Command<Delivery>> topic(String streamPartition) {
    return use(streamPartition, ref -> {});
  }

  public void publish(Delivery delivery) {
    use(delivery.streamPartition(), ref -> ref.tell(Topic.publish(delivery)));
  }

  /**
   * Until {@code subscriber} stops: the topic watches it. There is no unsubscribe on purpose: one
   * that races the subscriber's stop makes the topic deregister twice from the receptionist, and
   * the receptionist stops on the second.
   */
  public void subscribe(String streamPartition, ActorRef<Delivery> subscriber) {
    use(streamPartition, ref -> ref.tell(Topic.subscribe(subscriber)));
  }

  /** Topic actors on this node now. */
  public int size() {
    return topics.size();
  }

  /**
   * Marks the topic used and tells it {@code message} under the map's lock for the partition, so
   * that a sweep never stops a topic between its use and the message reaching its mailbox.
   */
  private ActorRef<Topic.Command<Delivery>> use(
      String streamPartition, Consumer<ActorRef<Topic.Command<Delivery>>> message) {
    return topics.compute(
            streamPartition,
            (name, existing) -> {
              LocalTopic topic = existing == null ? start(name) : existing;
              topic.lastUsedNanos = System.nanoTime();
              message.accept(topic.ref);
              return topic;
            })
        .ref;
  }

  private LocalTopic start(String streamPartition) {
    return new LocalTopic(
        system.systemActorOf(
            Topic.create(Delivery.class, "partition:" + streamPartition),
            "partition-topic-"
                + URLEncoder.encode(streamPartition, StandardCharsets.UTF_8)
                + "-"
                + started.incrementAndGet(),
            Props.empty()));
  }

  /**
   * Stops each topic unused for {@code topic-idle-after} that has no local subscriber, unless it
   * was used again while its subscribers were being counted.
   */
  private void stopIdleTopics() {
    long now = System.nanoTime();
    topics.forEach(
        (name, topic) -> {
          long lastUsed = topic.lastUsedNanos;
          if (now - lastUsed < idleAfterNanos) {
            return;
          }
          AskPattern.<Topic.Command<Delivery>, Topic.TopicStats>ask(
                  topic.ref, Topic::getTopicStats, STATS_TIMEOUT, system.scheduler())
              .thenAccept(
                  stats -> {
                    if (stats.localSubscriberCount() == 0) {
                      topics.computeIfPresent(
                          name,
                          (key, current) -> {
                            if (current != topic || current.lastUsedNanos != lastUsed) {
                              return current;
                            }
                            Adapter.toClassic(system).stop(Adapter.toClassic(current.ref));
                            return null;
                          });
                    }
                  });
        });
  }
}
