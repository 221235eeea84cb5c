package io.cairn.persist;

import static io.cairn.persist.PairEvents.pair;
import static io.cairn.persist.PersistorNodes.WAIT;
import static io.cairn.persist.PersistorNodes.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.journal.JournalSettings;
import io.cairn.keys.InMemoryStreamKeys;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.EncryptionType;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.encryption.StreamEncryption;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.persist.Checkpoint;
import io.cairn.protocol.persist.Pair;
import io.cairn.protocol.persist.PairContent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A persistor on one node and a real journal, each database through a subclass: it records each
 * address once, catches up with what was stored before it was appointed, checkpoints signed events,
 * serves pairs from any index, and comes back by itself with the same count and root after the node
 * restarts.
 */
abstract class PersistorSuite {
  private static final PersistorSettings SETTINGS =
      new PersistorSettings(
          Duration.ofMillis(300), Duration.ofMillis(100), Duration.ofSeconds(10), 16, 4, 3, 2);

  private final PrivateKeySigner owner = PrivateKeySigner.generate();
  private final PrivateKeySigner publisherKey = PrivateKeySigner.generate();
  private final PrivateKeySigner service = PrivateKeySigner.generate();
  private final InMemoryStreamKeys keys = new InMemoryStreamKeys();
  private final String streamId = owner.address() + "/persisted";
  private PersistorNodes nodes;

  protected abstract JournalSettings journal();

  @AfterEach
  void stop() {
    if (nodes != null) {
      nodes.close();
    }
  }

  private PersistorNodes start(PersistorSettings settings) throws Exception {
    nodes = PersistorNodes.start(1, journal(), settings, keys, service);
    return nodes;
  }

  private ActorTestKit node() {
    return nodes.cluster.node(0);
  }

  private void publish(StreamMessage event) {
    await(nodes.publisher(node()).publish(event));
  }

  private void awaitCount(long count) {
    node()
        .createTestProbe()
        .awaitAssert(
            WAIT,
            Duration.ofMillis(200),
            () -> {
              assertEquals(count, PersistorNodes.status(node(), streamId).count());
              return null;
            });
  }

  /**
   * Waits for a checkpoint of {@code count} on the stream, without asking the persistor anything.
   */
  private Checkpoint awaitCheckpoint(long count) {
    return node()
        .createTestProbe()
        .awaitAssert(
            WAIT,
            Duration.ofMillis(200),
            () -> {
              List<Checkpoint> checkpoints = nodes.checkpoints(node(), streamId);
              assertTrue(
                  !checkpoints.isEmpty()
                      && checkpoints.get(checkpoints.size() - 1).count() == count,
                  "checkpoints so far: " + checkpoints);
              return checkpoints.get(checkpoints.size() - 1);
            });
  }

  @Test
  void aKeyCustodianThatDoesNotAnswerMakesThePersistorWaitNotSkip() throws Exception {
    start(SETTINGS);
    GroupKey key = nodes.createStream(streamId, owner, 1);
    await(
        nodes
            .streams(node())
            .grant(
                streamId,
                owner.address(),
                io.cairn.stream.Grantee.of(publisherKey.address()),
                io.cairn.protocol.stream.Permission.PUBLISH));
    PersistorNodes.configure(node(), streamId, Persistor.Mode.CHECKPOINT, Optional.empty());
    keys.away(true);
    publish(
        new PairEvents(publisherKey, streamId, "pairs")
            .pairs(0, key, List.of(pair("core-a/0"), pair("core-a/1"))));

    // more unanswered fetches than the attempts a custodian's "no such key" gets
    node()
        .createTestProbe()
        .awaitAssert(
            WAIT,
            Duration.ofMillis(200),
            () -> {
              assertTrue(keys.unanswered() > 4, "unanswered so far: " + keys.unanswered());
              return null;
            });
    assertEquals(0, PersistorNodes.status(node(), streamId).count());
    keys.away(false);

    awaitCount(2);
  }

  @Test
  void recordsEachAddressOnceAndComesBackAfterARestart() throws Exception {
    start(SETTINGS);
    GroupKey first = nodes.createStream(streamId, owner, 2);
    PairEvents events = new PairEvents(publisherKey, streamId, "pairs");
    await(
        nodes
            .streams(node())
            .grant(
                streamId,
                owner.address(),
                io.cairn.stream.Grantee.of(publisherKey.address()),
                io.cairn.protocol.stream.Permission.PUBLISH));
    Pair a = pair("core-a/0");
    Pair b = pair("core-a/1");
    Pair c = pair("core-b/0");
    Pair d = pair("core-b/1");
    Pair e = pair("core-c/0");
    // stored before anyone appointed the persistor: it reads them from the partition's journal
    publish(events.pairs(0, first, List.of(a, b)));

    Persistor.Status appointed =
        PersistorNodes.configure(node(), streamId, Persistor.Mode.CHECKPOINT, Optional.empty());
    assertEquals(Persistor.Mode.CHECKPOINT, appointed.mode());
    assertEquals(service.address().value(), appointed.serviceAddress());

    // the same address twice in one event, and an address seen before with another key: recorded
    // once, with the key seen first (first in the partition's order: partitions interleave freely)
    publish(events.pairs(1, first, List.of(c, pair(c.address()))));
    publish(events.pairs(0, first, List.of(pair(a.address()))));
    publish(events.content(0, first, "{\"temperature\":21}".getBytes(StandardCharsets.UTF_8)));
    publish(
        events.content(
            0,
            first,
            ("{\"data\":[{\"address\":\"short-key\",\"key\":\"AAAA\"},{\"address\":\""
                    + d.address()
                    + "\",\"key\":\""
                    + java.util.Base64.getEncoder().encodeToString(d.key())
                    + "\"}]}")
                .getBytes(StandardCharsets.UTF_8)));
    GroupKey second = keys.rotate(streamId);
    publish(events.pairs(1, second, List.of(e)));
    awaitCount(5);

    Persistor.Status status = PersistorNodes.status(node(), streamId);
    List<Pair> recorded = nodes.pairs(node(), streamId, 0, 5, SETTINGS.pageSize());
    assertEquals(
        Set.of(a, b, c, d, e), new HashSet<>(recorded), "each address once, with its first key");
    assertArrayEquals(PersistorNodes.root(recorded), status.root());
    // within a partition the order is the stream's
    assertTrue(
        recorded.indexOf(a) < recorded.indexOf(b) && recorded.indexOf(b) < recorded.indexOf(d));
    assertTrue(recorded.indexOf(c) < recorded.indexOf(e));

    Checkpoint checkpoint = awaitCheckpoint(5);
    assertArrayEquals(status.root(), checkpoint.root());
    assertEquals(
        5, PersistorNodes.status(node(), streamId).checkpoint().orElseThrow().checkpoint().count());

    // a catch-up from any index gives exactly the missing pairs
    assertEquals(recorded.subList(2, 5), nodes.pairs(node(), streamId, 2, 5, SETTINGS.pageSize()));
    assertEquals(recorded.subList(1, 4), nodes.pairs(node(), streamId, 1, 4, 2));
    assertEquals(List.of(), nodes.pairs(node(), streamId, 5, 5, SETTINGS.pageSize()));
    for (long[] range : new long[][] {{6, -1}, {-1, 3}, {3, 2}, {0, 6}}) {
      CompletionException refused =
          assertThrows(
              CompletionException.class,
              () ->
                  PersistorNodes.locate(node(), streamId, range[0], range[1])
                      .toCompletableFuture()
                      .join());
      assertEquals(
          ErrorCode.INVALID_RANGE, assertInstanceOf(Rejection.class, refused.getCause()).code());
    }
    assertNoKeyInClear(recorded);

    nodes.close();
    start(SETTINGS);
    // nobody asks the persistor anything: remembered by sharding, it restarts, follows the stream
    // and checkpoints the new pair, and a pair seen before the restart stays a duplicate
    Pair f = pair("core-d/0");
    publish(
        new PairEvents(publisherKey, streamId, "after-restart")
            .pairs(0, second, List.of(pair(b.address()), f)));
    Checkpoint afterRestart = awaitCheckpoint(6);
    List<Pair> all = nodes.pairs(node(), streamId, 0, 6, SETTINGS.pageSize());
    assertEquals(recorded, all.subList(0, 5), "the same pairs in the same order after recovery");
    assertEquals(f, all.get(5));
    assertArrayEquals(PersistorNodes.root(all), afterRestart.root());
    assertArrayEquals(PersistorNodes.root(all), PersistorNodes.status(node(), streamId).root());
  }

  /** The journal holds sealed pairs only: no event's bytes contain a data key. */
  private void assertNoKeyInClear(List<Pair> recorded) {
    CurrentEventsByPersistenceIdQuery journal =
        PersistenceQuery.get(node().system())
            .getReadJournalFor(
                CurrentEventsByPersistenceIdQuery.class, JdbcReadJournal.Identifier());
    List<Object> events =
        await(
            journal
                .currentEventsByPersistenceId(Persistor.persistenceId(streamId), 0, Long.MAX_VALUE)
                .map(envelope -> envelope.event())
                .runWith(Sink.seq(), node().system()));
    PersistorSerializer serializer =
        new PersistorSerializer(
            (org.apache.pekko.actor.ExtendedActorSystem)
                org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(node().system()));
    for (Object event : events) {
      String bytes = new String(serializer.toBinary(event), StandardCharsets.ISO_8859_1);
      for (Pair pair : recorded) {
        assertTrue(
            !bytes.contains(new String(pair.key(), StandardCharsets.ISO_8859_1)),
            "a key in clear in " + event);
      }
    }
  }

  @Test
  void rebroadcastsInBoundedPagesAndGoesOnWhereItStopped() throws Exception {
    start(SETTINGS);
    GroupKey key = nodes.createStream(streamId, owner, 1);
    await(
        nodes
            .streams(node())
            .grant(
                streamId,
                owner.address(),
                io.cairn.stream.Grantee.of(publisherKey.address()),
                io.cairn.protocol.stream.Permission.PUBLISH));
    List<Pair> published = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      published.add(pair("item/" + i));
    }
    publish(new PairEvents(publisherKey, streamId, "pairs").pairs(0, key, published));
    PersistorNodes.configure(
        node(), streamId, Persistor.Mode.REBROADCAST, Optional.of(Duration.ofMillis(200)));
    awaitCount(10);

    // three intervals at least: 2 pages of 3 pairs per interval, so the cycle wraps past 10
    List<List<Pair>> pages =
        node()
            .createTestProbe()
            .awaitAssert(
                WAIT,
                Duration.ofMillis(200),
                () -> {
                  List<List<Pair>> rebroadcast = new ArrayList<>();
                  for (var stored : nodes.persistorEvents(node(), streamId)) {
                    StreamMessage event = PersistorNodes.parse(stored.message());
                    if (event.getContentMessage().getEncryptionType() == EncryptionType.AES) {
                      byte[] content =
                          StreamEncryption.decryptContent(event, nodes.lookup(streamId)).content();
                      rebroadcast.add(PairContent.decode(content).pairs());
                    }
                  }
                  assertTrue(
                      rebroadcast.size() >= 7, rebroadcast.size() + " rebroadcast events so far");
                  return rebroadcast;
                });
    List<Pair> order = nodes.pairs(node(), streamId, 0, 10, SETTINGS.pageSize());
    int index = 0;
    for (List<Pair> page : pages) {
      assertTrue(page.size() <= SETTINGS.rebroadcastPageSize(), "a page of " + page.size());
      for (Pair pair : page) {
        assertEquals(
            order.get(index % 10), pair, "the cycle goes on where the last interval stopped");
        index++;
      }
    }

    // the journal says how far each interval went: never more than max-pages pages
    CurrentEventsByPersistenceIdQuery journal =
        PersistenceQuery.get(node().system())
            .getReadJournalFor(
                CurrentEventsByPersistenceIdQuery.class, JdbcReadJournal.Identifier());
    List<Long> cursors =
        await(
            journal
                .currentEventsByPersistenceId(Persistor.persistenceId(streamId), 0, Long.MAX_VALUE)
                .map(envelope -> envelope.event())
                .filter(event -> event instanceof Persistor.RebroadcastAdvanced)
                .map(event -> ((Persistor.RebroadcastAdvanced) event).nextIndex())
                .runWith(Sink.seq(), node().system()));
    long previous = 0;
    int bound = SETTINGS.rebroadcastPageSize() * SETTINGS.rebroadcastMaxPages();
    for (long cursor : cursors) {
      long start = previous >= 10 ? 0 : previous;
      assertTrue(
          cursor - start > 0 && cursor - start <= bound,
          "an interval went from " + start + " to " + cursor);
      previous = cursor;
    }
    Map<String, Long> byAddress =
        pages.stream()
            .flatMap(List::stream)
            .collect(Collectors.groupingBy(Pair::address, Collectors.counting()));
    assertEquals(10, byAddress.size(), "every pair rebroadcast");
    assertEquals(
        published.stream().map(Pair::address).collect(Collectors.toSet()), byAddress.keySet());
  }

  @Test
  void aStreamWithoutAPersistorSaysSo() throws Exception {
    start(SETTINGS);
    nodes.createStream(streamId, owner, 1);
    CompletionException refused =
        assertThrows(
            CompletionException.class,
            () -> PersistorNodes.locate(node(), streamId, 0, -1).toCompletableFuture().join());
    assertEquals(
        ErrorCode.PERSISTOR_NOT_APPOINTED,
        assertInstanceOf(Rejection.class, refused.getCause()).code());
    CompletionException tooShort =
        assertThrows(
            CompletionException.class,
            () ->
                org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.get(node().system())
                    .entityRefFor(Persistor.ENTITY_KEY, streamId)
                    .<Persistor.Status>askWithStatus(
                        replyTo ->
                            new Persistor.Configure(
                                Persistor.Mode.CHECKPOINT,
                                Optional.of(Duration.ofMillis(10)),
                                false,
                                replyTo),
                        Duration.ofSeconds(20))
                    .toCompletableFuture()
                    .join());
    assertEquals(
        ErrorCode.INVALID_PERSISTOR_SETTINGS,
        assertInstanceOf(Rejection.class, tooShort.getCause()).code());
  }
}
