package io.cairn.persist;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.cluster.ClusterNodes;
import io.cairn.journal.JournalSettings;
import io.cairn.keys.InMemoryStreamKeys;
import io.cairn.protocol.api.v1.PairPage;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.encryption.GroupKeyLookup;
import io.cairn.protocol.event.EventVerifier;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.persist.Checkpoint;
import io.cairn.protocol.persist.Pair;
import io.cairn.protocol.persist.PairAccumulator;
import io.cairn.protocol.persist.PairSealing;
import io.cairn.protocol.stream.Permission;
import io.cairn.stream.Grantee;
import io.cairn.stream.Publisher;
import io.cairn.stream.Resends;
import io.cairn.stream.StreamModule;
import io.cairn.stream.StreamPartition;
import io.cairn.stream.StreamSettings;
import io.cairn.stream.Streams;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.stream.javadsl.Sink;

/** Nodes with streams and persistors on one journal, and what the persistor tests ask of them. */
final class PersistorNodes implements AutoCloseable {
  static final StreamSettings STREAMS =
      new StreamSettings(
          100,
          4096,
          100,
          Duration.ofSeconds(10),
          1024 * 1024,
          Duration.ofMillis(1),
          10_000,
          10000,
          Duration.ofSeconds(60));
  static final Duration WAIT = Duration.ofSeconds(40);

  final ClusterNodes cluster;
  private final Map<ActorTestKit, StreamModule> streams;
  final InMemoryStreamKeys keys;
  final PrivateKeySigner service;

  private PersistorNodes(
      ClusterNodes cluster,
      Map<ActorTestKit, StreamModule> streams,
      InMemoryStreamKeys keys,
      PrivateKeySigner service) {
    this.cluster = cluster;
    this.streams = streams;
    this.keys = keys;
    this.service = service;
  }

  static PersistorNodes start(
      int count,
      JournalSettings journal,
      PersistorSettings settings,
      InMemoryStreamKeys keys,
      PrivateKeySigner service)
      throws Exception {
    ClusterNodes cluster = ClusterNodes.start(count, journal);
    Map<ActorTestKit, StreamModule> streams = new HashMap<>();
    for (ActorTestKit node : cluster.nodes()) {
      StreamModule stream = StreamModule.init(node.system(), STREAMS, EventVerifier.standard());
      PersistorModule.init(node.system(), settings, stream, keys, () -> service);
      streams.put(node, stream);
    }
    return new PersistorNodes(cluster, streams, keys, service);
  }

  Streams streams(ActorTestKit node) {
    return streams.get(node).streams();
  }

  Publisher publisher(ActorTestKit node) {
    return streams.get(node).publisher();
  }

  Resends resends(ActorTestKit node) {
    return streams.get(node).resends();
  }

  /** A stream of {@code owner} on which the service address may publish, with a first group key. */
  GroupKey createStream(String streamId, PrivateKeySigner owner, int partitions) {
    Streams streams = streams(cluster.node(0));
    await(streams.create(streamId, owner.address(), "", partitions));
    await(
        streams.grant(
            streamId, owner.address(), Grantee.of(service.address()), Permission.PUBLISH));
    return keys.rotate(streamId);
  }

  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static Persistor.Status configure(
      ActorTestKit node, String streamId, Persistor.Mode mode, Optional<Duration> interval) {
    return configure(node, streamId, mode, interval, false);
  }

  static Persistor.Status configure(
      ActorTestKit node,
      String streamId,
      Persistor.Mode mode,
      Optional<Duration> interval,
      boolean whileLicensed) {
    return await(
        ClusterSharding.get(node.system())
            .entityRefFor(Persistor.ENTITY_KEY, streamId)
            .<Persistor.Status>askWithStatus(
                replyTo -> new Persistor.Configure(mode, interval, whileLicensed, replyTo),
                Duration.ofSeconds(20)));
  }

  static Persistor.Status status(ActorTestKit node, String streamId) {
    return await(
        ClusterSharding.get(node.system())
            .entityRefFor(Persistor.ENTITY_KEY, streamId)
            .askWithStatus(Persistor.GetStatus::new, Duration.ofSeconds(20)));
  }

  static CompletionStage<Persistor.Located> locate(
      ActorTestKit node, String streamId, long from, long to) {
    return ClusterSharding.get(node.system())
        .entityRefFor(Persistor.ENTITY_KEY, streamId)
        .askWithStatus(replyTo -> new Persistor.Locate(from, to, replyTo), Duration.ofSeconds(20));
  }

  /**
   * Pairs [from, to) as a catch-up reads them: located, read from the journal in pages, opened with
   * the keys.
   */
  List<Pair> pairs(ActorTestKit node, String streamId, long from, long to, int pageSize) {
    Persistor.Located located = await(locate(node, streamId, from, to));
    List<PairPage> pages =
        await(
            new PairJournal(node.system(), JdbcReadJournal.Identifier())
                .pages(streamId, located.fromSequenceNr(), located.from(), located.to(), pageSize)
                .runWith(Sink.seq(), node.system()));
    List<Pair> pairs = new ArrayList<>();
    long expectedIndex = from;
    for (PairPage page : pages) {
      assertTrue(page.getFirstIndex() == expectedIndex, "pages follow each other");
      assertTrue(page.getPairsCount() <= pageSize, "a page holds " + pageSize + " pairs at most");
      GroupKey key = await(keys.find(streamId, List.of(page.getGroupKeyId()))).get(0);
      page.getPairsList()
          .forEach(sealedPair -> pairs.add(PairSealing.open(sealedPair.toByteArray(), key)));
      expectedIndex += page.getPairsCount();
    }
    return pairs;
  }

  static byte[] root(List<Pair> pairs) {
    PairAccumulator accumulator = new PairAccumulator();
    pairs.forEach(accumulator::append);
    return accumulator.root();
  }

  /** The events of the persistor's chain stored on partition 0, in order. */
  List<StreamPartition.Stored> persistorEvents(ActorTestKit node, String streamId) {
    return await(
        resends(node)
            .last(
                StreamPartition.entityId(streamId, 0),
                100_000,
                new Resends.Filter(
                    Optional.of(service.address().value()), Optional.of(Persistor.CHAIN_ID)))
            .map(Resends.Resent::stored)
            .runWith(Sink.seq(), node.system()));
  }

  /** The checkpoints published, checked: signed by the service address, chained without gaps. */
  List<Checkpoint> checkpoints(ActorTestKit node, String streamId) {
    List<Checkpoint> checkpoints = new ArrayList<>();
    for (StreamPartition.Stored stored : persistorEvents(node, streamId)) {
      assertTrue(stored.gap().isEmpty(), "the persistor's chain has no gap: " + stored);
      StreamMessage event = parse(stored.message());
      assertTrue(
          EventVerifier.standard().verify(event).accepted(), "signed by the service address");
      Checkpoint.fromContent(event.getContentMessage().getContent().toByteArray())
          .ifPresent(checkpoints::add);
    }
    return checkpoints;
  }

  static StreamMessage parse(byte[] message) {
    try {
      return StreamMessage.parseFrom(message);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  GroupKeyLookup lookup(String streamId) {
    return id -> await(keys.find(streamId, List.of(id))).stream().findFirst();
  }

  @Override
  public void close() {
    cluster.close();
  }
}
