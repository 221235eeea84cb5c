package io.cairn.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.cli.CairnCommandLine;
import io.cairn.cluster.ClusterNodes;
import io.cairn.node.CuttableProxy;
import io.cairn.node.SignedEvents;
import io.cairn.node.TestNode;
import io.cairn.protocol.api.v1.ResendOptions;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.event.PrivateKeySigner;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Subscriptions that outlive their connection, against a real node: the connection cut by the
 * network (a relay that resets it) and the node itself restarted, each while a publisher keeps
 * going. The subscriber, through the SDK and through {@code cairn subscribe}, gets every event
 * once, in order.
 */
class ResubscribeTest {
  private static final int EVENTS = 300;

  /** The publisher's pace: long enough that the cuts fall mid-stream. */
  private static final Duration BETWEEN_EVENTS = Duration.ofMillis(5);

  private static final CairnClient.Resubscribe QUICKLY =
      new CairnClient.Resubscribe(Duration.ofMillis(50), Duration.ofSeconds(1), notice -> {});

  @TempDir Path data;

  @Test
  void aSubscriptionWhoseConnectionIsCutResumesAfterTheLastEventItDelivered() throws Exception {
    try (TestNode node = TestNode.start(data);
        CuttableProxy network = new CuttableProxy(node.api())) {
      PrivateKeySigner owner = PrivateKeySigner.generate();
      String stream = owner.address() + "/cut";
      CairnClient.connect(node.api()).authenticate(owner).createStream(stream, "", 1);
      List<StreamMessage> events = signed(owner, stream);
      List<String> notices = Collections.synchronizedList(new ArrayList<>());
      Collected received =
          subscribe(CairnClient.connect(network.api()).authenticate(owner), stream, notices);

      CompletableFuture<Void> publishing = publish(() -> node.api(), owner, events);
      await().atMost(Duration.ofSeconds(30)).until(() -> received.events.size() >= EVENTS / 3);
      network.cut();
      await().atMost(Duration.ofSeconds(30)).until(() -> received.events.size() >= 2 * EVENTS / 3);
      network.cut();
      publishing.get(60, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(30)).until(() -> received.events.size() >= EVENTS);

      assertEquals(events, List.copyOf(received.events), "every event once, in order");
      assertEquals(null, received.failure.get());
      assertEquals(
          2,
          notices.stream().filter(notice -> notice.startsWith("resubscribed")).count(),
          notices.toString());
    }
  }

  @Test
  void aSubscriptionResumesAcrossARestartOfTheNode() throws Exception {
    int[] ports = ClusterNodes.distinctFreePorts(3);
    Map<String, Object> fixedPorts =
        Map.of(
            "cairn.node.api-port", ports[0],
            "cairn.node.cluster-port", ports[1],
            "cairn.node.management-port", ports[2]);
    AtomicReference<TestNode> node = new AtomicReference<>(TestNode.start(data, fixedPorts));
    URI api = node.get().api();
    try {
      PrivateKeySigner owner = PrivateKeySigner.generate();
      String stream = owner.address() + "/restarted";
      CairnClient.connect(api).authenticate(owner).createStream(stream, "", 1);
      List<StreamMessage> events = signed(owner, stream);
      List<String> notices = Collections.synchronizedList(new ArrayList<>());
      Collected received = subscribe(CairnClient.connect(api).authenticate(owner), stream, notices);

      CompletableFuture<Void> publishing = publish(() -> api, owner, events);
      await().atMost(Duration.ofSeconds(30)).until(() -> received.events.size() >= EVENTS / 3);
      node.getAndSet(null).close();
      node.set(TestNode.start(data, fixedPorts));
      publishing.get(90, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(60)).until(() -> received.events.size() >= EVENTS);

      assertEquals(events, List.copyOf(received.events), "every event once, in order");
      assertEquals(null, received.failure.get());
      assertTrue(
          notices.stream().anyMatch(notice -> notice.startsWith("resubscribed")),
          notices.toString());
    } finally {
      if (node.get() != null) {
        node.get().close();
      }
    }
  }

  @Test
  void cairnSubscribePrintsEveryEventOnceWhenItsConnectionIsCut() throws Exception {
    try (TestNode node = TestNode.start(data);
        CuttableProxy network = new CuttableProxy(node.api())) {
      PrivateKeySigner owner = PrivateKeySigner.generate();
      String stream = owner.address() + "/cut-cli";
      CairnClient.connect(node.api()).authenticate(owner).createStream(stream, "", 1);
      List<StreamMessage> events = signed(owner, stream);
      // whenever the command's subscription is confirmed, its history holds what came before
      CompletableFuture<CairnCommandLine.Result> subscribed =
          CompletableFuture.supplyAsync(
              () ->
                  CairnCommandLine.against(
                      network.api(),
                      "subscribe",
                      stream,
                      "--last",
                      Integer.toString(EVENTS),
                      "--count",
                      Integer.toString(EVENTS),
                      "--key",
                      owner.toHex()));
      CompletableFuture<Void> publishing = publish(() -> node.api(), owner, events);
      await().atMost(Duration.ofSeconds(30)).until(() -> network.connections() > 0);
      // a third of the way: the command is reading by then, and the publisher not done
      LockSupport.parkNanos(BETWEEN_EVENTS.multipliedBy(EVENTS / 3).toNanos());
      network.cut();
      publishing.get(60, TimeUnit.SECONDS);
      CairnCommandLine.Result result = subscribed.get(60, TimeUnit.SECONDS);

      assertEquals(0, result.exitCode(), result.err());
      List<Integer> numbers = new ArrayList<>();
      Matcher n = Pattern.compile("\"n\": ?(\\d+)").matcher(result.out());
      while (n.find()) {
        numbers.add(Integer.parseInt(n.group(1)));
      }
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < EVENTS; i++) {
        expected.add(i);
      }
      assertEquals(expected, numbers, "every event once, in order");
      assertTrue(result.err().contains("resubscribed to " + stream), result.err());
    }
  }

  private static List<StreamMessage> signed(PrivateKeySigner owner, String stream) {
    List<StreamMessage> events = new ArrayList<>();
    long start = System.currentTimeMillis();
    StreamMessage previous = null;
    for (int i = 0; i < EVENTS; i++) {
      previous = SignedEvents.event(owner, stream, 0, start + i, "{\"n\":" + i + "}", previous);
      events.add(previous);
    }
    return events;
  }

  /**
   * Publishes {@code events} one by one at the test's pace, each sent again until the node
   * acknowledges it (a node being restarted refuses connections for a while).
   */
  private static CompletableFuture<Void> publish(
      Supplier<URI> node, PrivateKeySigner owner, List<StreamMessage> events) {
    return CompletableFuture.runAsync(
        () -> {
          for (StreamMessage event : events) {
            while (true) {
              try {
                CairnClient.connect(node.get()).authenticate(owner).publish(event);
                break;
              } catch (RuntimeException nodeAway) {
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
              }
            }
            LockSupport.parkNanos(BETWEEN_EVENTS.toNanos());
          }
        });
  }

  /** What a subscriber took, and how it ended, if it did. */
  private static final class Collected implements Flow.Subscriber<StreamMessage> {
    final List<StreamMessage> events = Collections.synchronizedList(new ArrayList<>());
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final CountDownLatch confirmed = new CountDownLatch(1);

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
      confirmed.countDown();
    }

    @Override
    public void onNext(StreamMessage event) {
      events.add(event);
    }

    @Override
    public void onError(Throwable error) {
      failure.set(error);
    }

    @Override
    public void onComplete() {
      failure.set(new AssertionError("a live subscription completed"));
    }
  }

  /** A live subscription, confirmed by the node before this returns. */
  private static Collected subscribe(CairnClient client, String stream, List<String> notices)
      throws InterruptedException {
    Collected received = new Collected();
    client
        .subscribe(stream, 0, ResendOptions.getDefaultInstance(), QUICKLY.toldTo(notices::add))
        .subscribe(received);
    assertTrue(received.confirmed.await(30, TimeUnit.SECONDS), "the node confirmed");
    return received;
  }
}
