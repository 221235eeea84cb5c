package io.cairn.persist;

import static io.cairn.persist.PairEvents.pair;
import static io.cairn.persist.PersistorNodes.await;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.journal.JournalSettings;
import io.cairn.keys.InMemoryStreamKeys;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.persist.Pair;
import io.cairn.protocol.stream.Permission;
import io.cairn.stream.Grantee;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A persistor set to follow its stream only while a licence on it is active, on one node and a real
 * journal, each database through a subclass: unlicensed it records nothing; a licence (a
 * time-limited subscribe grant, as a purchase makes) makes it catch up on everything published
 * before and follow live; once the licence has lapsed it records nothing new, and the next licence
 * makes it catch up again, each pair once. A restart keeps it paused, or following, as it was.
 */
abstract class LicensedPersistorSuite {
  private static final PersistorSettings SETTINGS =
      new PersistorSettings(
          Duration.ofMillis(300), Duration.ofMillis(100), Duration.ofSeconds(10), 16, 4, 3, 2);

  /** How long a count must stay the same to count as "not recorded": several intervals. */
  private static final Duration STAYS = Duration.ofMillis(1500);

  private final PrivateKeySigner owner = PrivateKeySigner.generate();
  private final PrivateKeySigner publisherKey = PrivateKeySigner.generate();
  private final PrivateKeySigner service = PrivateKeySigner.generate();
  private final PrivateKeySigner firstBuyer = PrivateKeySigner.generate();
  private final PrivateKeySigner secondBuyer = PrivateKeySigner.generate();
  private final InMemoryStreamKeys keys = new InMemoryStreamKeys();
  private final String streamId = owner.address() + "/sold";
  private final List<Pair> published = new ArrayList<>();
  private PersistorNodes nodes;
  private PairEvents events;
  private GroupKey key;

  protected abstract JournalSettings journal();

  @AfterEach
  void stop() {
    if (nodes != null) {
      nodes.close();
    }
  }

  private void start() throws Exception {
    nodes = PersistorNodes.start(1, journal(), SETTINGS, keys, service);
  }

  private ActorTestKit node() {
    return nodes.cluster.node(0);
  }

  private Persistor.Status status() {
    return PersistorNodes.status(node(), streamId);
  }

  /** Publishes an event with {@code count} new addresses. */
  private void publish(int count) {
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      pairs.add(pair("item/" + published.size()));
      published.add(pairs.get(i));
    }
    await(nodes.publisher(node()).publish(events.pairs(0, key, pairs)));
  }

  private void license(PrivateKeySigner buyer, Instant until) {
    await(
        nodes
            .streams(node())
            .grant(
                streamId,
                owner.address(),
                Grantee.of(buyer.address()),
                Permission.SUBSCRIBE,
                Optional.of(until)));
  }

  private void awaitCount(long count) {
    await()
        .atMost(PersistorNodes.WAIT)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertEquals(count, status().count()));
  }

  /** The count stays at {@code count} for a while: events published meanwhile are not recorded. */
  private void assertStays(long count) {
    await()
        .during(STAYS)
        .atMost(STAYS.multipliedBy(3))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertEquals(count, status().count()));
  }

  private void awaitPaused() {
    await()
        .atMost(PersistorNodes.WAIT)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () ->
                assertTrue(
                    status().pausedBecause().orElse("").startsWith("no active licence"),
                    "paused: " + status().pausedBecause()));
  }

  /** The pairs recorded are the ones published, each once, in order. */
  private void assertRecordedExactly() {
    List<Pair> recorded = nodes.pairs(node(), streamId, 0, published.size(), SETTINGS.pageSize());
    assertEquals(published.size(), new HashSet<>(recorded).size(), "no pair twice");
    assertEquals(published, recorded);
  }

  @Test
  void followsOnlyWhileLicensedAndCatchesUpWithEachNewLicence() throws Exception {
    start();
    key = nodes.createStream(streamId, owner, 1);
    await(
        nodes
            .streams(node())
            .grant(
                streamId, owner.address(), Grantee.of(publisherKey.address()), Permission.PUBLISH));
    events = new PairEvents(publisherKey, streamId, "pairs");
    Persistor.Status appointed =
        PersistorNodes.configure(
            node(), streamId, Persistor.Mode.CHECKPOINT, Optional.empty(), true);
    assertTrue(appointed.whileLicensed());
    awaitPaused();

    // no licence: published events are not recorded
    publish(2);
    publish(1);
    assertStays(0);

    // a licence: everything published before it, then what comes live; long enough for the
    // catch-up and a live pair on a loaded machine (a first start of the projection reads the
    // journal's streams from the beginning), short enough to wait out
    Instant firstEnd = Instant.now().plusSeconds(20);
    license(firstBuyer, firstEnd);
    awaitCount(3);
    assertEquals(Optional.empty(), status().pausedBecause());
    publish(2);
    awaitCount(5);

    // the licence lapses: nothing new is recorded, and the status says since when
    awaitPaused();
    assertTrue(
        status().pausedBecause().orElseThrow().contains(firstEnd.toString().substring(0, 19)));
    publish(1);
    publish(2);
    assertStays(5);

    // a restart while paused keeps it paused
    nodes.close();
    start();
    awaitPaused();
    publish(1);
    assertStays(5);

    // a second licence: it catches up on the four pairs published while paused, each once
    license(secondBuyer, Instant.now().plusSeconds(300));
    awaitCount(9);
    assertRecordedExactly();

    // a restart while following keeps following
    nodes.close();
    start();
    publish(2);
    awaitCount(11);
    assertEquals(Optional.empty(), status().pausedBecause());
    assertRecordedExactly();
  }

  @Test
  void aLicenceRevokedStopsItAndTurningTheSettingOffFollowsAgain() throws Exception {
    start();
    key = nodes.createStream(streamId, owner, 1);
    await(
        nodes
            .streams(node())
            .grant(
                streamId, owner.address(), Grantee.of(publisherKey.address()), Permission.PUBLISH));
    events = new PairEvents(publisherKey, streamId, "pairs");
    license(firstBuyer, Instant.now().plusSeconds(300));
    // appointed while a licence is active: it follows at once
    PersistorNodes.configure(node(), streamId, Persistor.Mode.CHECKPOINT, Optional.empty(), true);
    publish(2);
    awaitCount(2);

    await(
        nodes
            .streams(node())
            .revoke(
                streamId, owner.address(), Grantee.of(firstBuyer.address()), Permission.SUBSCRIBE));
    awaitPaused();
    publish(1);
    assertStays(2);

    // without the setting it follows whatever the licences, from where it stopped
    Persistor.Status always =
        PersistorNodes.configure(node(), streamId, Persistor.Mode.CHECKPOINT, Optional.empty());
    assertEquals(false, always.whileLicensed());
    awaitCount(3);
    assertEquals(Optional.empty(), status().pausedBecause());
    assertRecordedExactly();
  }
}
