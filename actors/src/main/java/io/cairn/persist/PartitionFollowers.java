package io.cairn.persist;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.encryption.EncryptionException;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.persist.MalformedPairContentException;
import io.cairn.stream.PartitionFeed;
import io.cairn.stream.Stream;
import io.cairn.stream.StreamPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistor's reading of its stream, a child of the entity: one {@link PartitionFeed} per
 * partition, from the last event the persistor holds. Each event is opened off the entity's thread
 * (its group key fetched, decrypted, decoded, sealed again: {@link PairExtraction}) and handed to
 * the persistor in batches, as fast as it records them. A feed that fails is started again after a
 * pause, from where the persistor is then.
 *
 * <p>Events without pairs are reported with the next pairs, or, at most once per interval, alone:
 * writing each position down would cost a journal write per batch of a busy stream, and losing one
 * only means reading its events again after a restart.
 */
final class PartitionFollowers {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionFollowers.class);
  private static final Duration FOLLOW_RETRY = Duration.ofSeconds(2);

  /** Events opened at once per partition: decrypting and sealing again takes a core each. */
  private static final int OPENING = Runtime.getRuntime().availableProcessors();

  sealed interface Command {}

  private enum ReadStream implements Command {
    INSTANCE
  }

  private record PartitionsKnown(int partitions) implements Command {}

  private record StreamUnread(Throwable failure) implements Command {}

  private record Follow(int partition) implements Command {}

  private record FollowEnded(int partition, Optional<Throwable> failure) implements Command {}

  /** One event read: its sequence number, and its pairs if it holds any. */
  private record Read(long sequenceNr, Optional<PairExtraction.Pairs> pairs) {}

  /** Events read while the persistor was busy: the last one's number, and the pairs among them. */
  private record Batch(long readTo, List<PairExtraction.Pairs> pairs) {
    static Batch of(Read read) {
      return new Batch(read.sequenceNr(), new ArrayList<>()).add(read);
    }

    Batch add(Read read) {
      read.pairs().ifPresent(pairs::add);
      return new Batch(read.sequenceNr(), pairs);
    }
  }

  static Behavior<Command> create(
      String streamId,
      ActorRef<Persistor.Command> persistor,
      PartitionFeed feed,
      KeyCache keys,
      byte[] serviceId,
      PersistorSettings settings) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  context.getSelf().tell(ReadStream.INSTANCE);
                  return new PartitionFollowers(
                          context, timers, streamId, persistor, feed, keys, serviceId, settings)
                      .following();
                }));
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final String streamId;
  private final ActorRef<Persistor.Command> persistor;
  private final PartitionFeed feed;
  private final KeyCache keys;
  private final byte[] serviceId;
  private final PersistorSettings settings;
  private final Materializer materializer;
  private final Executor opening;

  private PartitionFollowers(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      String streamId,
      ActorRef<Persistor.Command> persistor,
      PartitionFeed feed,
      KeyCache keys,
      byte[] serviceId,
      PersistorSettings settings) {
    this.context = context;
    this.timers = timers;
    this.streamId = streamId;
    this.persistor = persistor;
    this.feed = feed;
    this.keys = keys;
    this.serviceId = serviceId;
    this.settings = settings;
    // the feeds stop with the persistor
    this.materializer = Materializer.createMaterializer(context);
    this.opening = context.getSystem().executionContext();
  }

  private Behavior<Command> following() {
    return Behaviors.receive(Command.class)
        .onMessageEquals(ReadStream.INSTANCE, this::readStream)
        .onMessage(
            StreamUnread.class,
            unread -> {
              LOG.warn(
                  "Persistor of {} cannot read its stream, trying again: {}",
                  streamId,
                  unread.failure().getMessage());
              timers.startSingleTimer(ReadStream.INSTANCE, FOLLOW_RETRY);
              return Behaviors.same();
            })
        .onMessage(
            PartitionsKnown.class,
            known -> {
              for (int partition = 0; partition < known.partitions(); partition++) {
                context.getSelf().tell(new Follow(partition));
              }
              return Behaviors.same();
            })
        .onMessage(
            Follow.class,
            follow -> {
              context.pipeToSelf(
                  follow(follow.partition()),
                  (done, failure) ->
                      new FollowEnded(follow.partition(), Optional.ofNullable(failure)));
              return Behaviors.same();
            })
        .onMessage(
            FollowEnded.class,
            ended -> {
              LOG.warn(
                  "Persistor of {} stopped reading partition {}, starting again: {}",
                  streamId,
                  ended.partition(),
                  ended.failure().map(Throwable::getMessage).orElse("the feed ended"));
              timers.startSingleTimer(
                  "follow-" + ended.partition(), new Follow(ended.partition()), FOLLOW_RETRY);
              return Behaviors.same();
            })
        .build();
  }

  private Behavior<Command> readStream() {
    context.pipeToSelf(
        ClusterSharding.get(context.getSystem())
            .entityRefFor(Stream.ENTITY_KEY, streamId)
            .<Stream.State>askWithStatus(Stream.Get::new, settings.askTimeout()),
        (stream, failure) ->
            failure != null ? new StreamUnread(failure) : new PartitionsKnown(stream.partitions()));
    return Behaviors.same();
  }

  /** Follows {@code partition} from where the persistor is, until the feed fails. */
  private CompletionStage<Done> follow(int partition) {
    long reportEvery = settings.interval().toNanos();
    return AskPattern.<Persistor.Command, Long>ask(
            persistor,
            replyTo -> new Persistor.GetPosition(partition, replyTo),
            settings.askTimeout(),
            context.getSystem().scheduler())
        .thenCompose(
            position ->
                feed.follow(
                        StreamPartition.entityId(streamId, partition),
                        PartitionFeed.History.after(position),
                        PartitionFeed.LiveBuffer.repairing(settings.catchUpBatch()))
                    .mapAsync(OPENING, event -> read(partition, event))
                    .batch(settings.catchUpBatch(), Batch::of, Batch::add)
                    .statefulMap(
                        () -> System.nanoTime() - reportEvery,
                        (reported, batch) -> {
                          long now = System.nanoTime();
                          boolean due = !batch.pairs().isEmpty() || now - reported >= reportEvery;
                          return Pair.create(
                              due ? now : reported,
                              due ? Optional.of(batch) : Optional.<Batch>empty());
                        },
                        reported -> Optional.empty())
                    .filter(Optional::isPresent)
                    .map(Optional::get)
                    .mapAsync(
                        1,
                        batch ->
                            AskPattern.<Persistor.Command, Done>ask(
                                persistor,
                                replyTo ->
                                    new Persistor.Record(
                                        partition, batch.readTo(), batch.pairs(), replyTo),
                                settings.askTimeout(),
                                context.getSystem().scheduler()))
                    .runWith(Sink.ignore(), materializer));
  }

  /** One event, opened on the node's dispatcher once its group key is at hand. */
  private CompletionStage<Read> read(int partition, PartitionFeed.Event event) {
    long sequenceNr = event.sequenceNr();
    StreamMessage message;
    try {
      message = StreamMessage.parseFrom(event.message());
    } catch (InvalidProtocolBufferException e) {
      LOG.warn(
          "Persistor of {} skips unreadable event {} of partition {}",
          streamId,
          sequenceNr,
          partition);
      return CompletableFuture.completedFuture(new Read(sequenceNr, Optional.empty()));
    }
    Optional<String> keyId = PairExtraction.keyIdOf(message, serviceId);
    if (keyId.isEmpty()) {
      return CompletableFuture.completedFuture(new Read(sequenceNr, Optional.empty()));
    }
    return keys.forReading(keyId.get())
        .thenApplyAsync(
            key -> new Read(sequenceNr, key.flatMap(k -> open(partition, sequenceNr, message, k))),
            opening);
  }

  private Optional<PairExtraction.Pairs> open(
      int partition, long sequenceNr, StreamMessage message, GroupKey key) {
    try {
      Optional<PairExtraction.Pairs> pairs = PairExtraction.extract(sequenceNr, message, key);
      pairs.ifPresent(
          found ->
              found
                  .skipped()
                  .forEach(
                      reason ->
                          LOG.info(
                              "Persistor of {} skips a pair of event {} of partition {}: {}",
                              streamId,
                              sequenceNr,
                              partition,
                              reason)));
      return pairs;
    } catch (MalformedPairContentException notPairs) {
      LOG.debug(
          "Persistor of {}: event {} of partition {} holds no pairs: {}",
          streamId,
          sequenceNr,
          partition,
          notPairs.getMessage());
    } catch (EncryptionException undecryptable) {
      LOG.warn(
          "Persistor of {} cannot decrypt event {} of partition {}: {}",
          streamId,
          sequenceNr,
          partition,
          undecryptable.getMessage());
    }
    return Optional.empty();
  }
}
