package io.cairn.api.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.api.auth.SessionTokens;
import io.cairn.client.ResponseListener;
import io.cairn.cluster.ClusterNodes;
import io.cairn.journal.TestDatabases;
import io.cairn.node.SignedEvents;
import io.cairn.node.TestNode;
import io.cairn.protocol.api.v1.Request;
import io.cairn.protocol.api.v1.Response;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.api.v1.Subscribe;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.stream.PartitionTopics;
import io.cairn.stream.StreamPartition;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole nodes on PostgreSQL, used through the public API only. With four, a publisher streams one
 * signed chain into one node over WebSocket, with a window of events in flight, while subscribers
 * on two other nodes read it live. Halfway through, the node hosting the partition, which no socket
 * is connected to, crashes and is downed; the publisher sends again every event that was not
 * acknowledged. Afterwards every acknowledged event is stored exactly once, in chain order, and
 * each subscriber received exactly the stored events, in that order. No event is refused as out of
 * order: the events behind a batch lost with the host are turned back until it is sent again.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StreamClusterWebSocketTest {
  private static final int EVENTS = 10_000;
  private static final int WINDOW = 128;

  /** Long enough for asks to the crashed host to time out and for its partition to move. */
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(60);

  private static final SessionTokens SESSIONS =
      new SessionTokens(
          HexFormat.of().parseHex(TestNode.SESSION_SECRET), Duration.ofHours(1), Clock.systemUTC());

  @TempDir Path data;

  /** One WebSocket connection to a node, queueing every answer it receives. */
  private static final class Connection implements AutoCloseable {
    final BlockingQueue<Response> answers = new LinkedBlockingQueue<>();
    final WebSocket socket;

    Connection(TestNode node) {
      URI uri = URI.create("ws://" + node.api().getAuthority() + "/api/v1/ws");
      socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .buildAsync(uri, new ResponseListener(answers::add))
              .join();
    }

    void send(Request request) {
      socket.sendBinary(ByteBuffer.wrap(request.toByteArray()), true).join();
    }

    Response next() throws InterruptedException {
      Response answer = answers.poll(ANSWER_WITHIN.toSeconds(), TimeUnit.SECONDS);
      assertTrue(answer != null, "no answer within " + ANSWER_WITHIN);
      return answer;
    }

    @Override
    public void close() {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    }
  }

  @Test
  void survivingSubscribersReceiveEveryAcknowledgedEventOnceInOrderWhenThePartitionsHostCrashes()
      throws Exception {
    long began = System.nanoTime();
    PrivateKeySigner owner = PrivateKeySigner.generate();
    String stream = owner.address() + "/cluster-ws";
    String part = StreamPartition.entityId(stream, 0);
    String session = SESSIONS.issue(owner.address());
    // signing takes about as long as starting the nodes, which mostly wait for each other
    ExecutorService signing = Executors.newSingleThreadExecutor();
    Future<List<StreamMessage>> signed = signing.submit(() -> chain(owner, stream));
    signing.shutdown();

    try (ClusterNodes cluster =
        ClusterNodes.start(4, TestNode.wholeNodes(TestDatabases.postgres(), data, Map.of()))) {
      List<StreamMessage> events = signed.get();
      long ready = System.nanoTime();
      TestNode first = TestNode.of(cluster.node(0));
      first.createStream(stream, 1, session);
      // reading the partition starts it on some node: that one crashes, the others carry the
      // sockets
      assertEquals(List.of(), stored(first, stream, session));
      ActorTestKit host = cluster.hostOf(StreamPartition.ENTITY_KEY, part);
      List<TestNode> survivors = cluster.others(host).stream().map(TestNode::of).toList();

      try (Connection publisher = new Connection(survivors.get(0));
          Connection subscriberB = subscribe(survivors.get(1), stream, session);
          Connection subscriberC = subscribe(survivors.get(2), stream, session)) {
        awaitSubscribersKnownTo(TestNode.of(host), part, 2);

        long publishing = System.nanoTime();
        Published outcome =
            publishCrashingHostHalfway(publisher, events.subList(0, EVENTS - 1), cluster, host);
        long published = System.nanoTime();
        assertEquals(
            List.of(),
            outcome.unexpected(),
            "answers other than acknowledged, retry or out of order");
        // a batch lost with the host is sent again before any later event of the chain is stored
        assertEquals(Set.of(), outcome.refused(), "refused as out of order");
        Set<Integer> acknowledged = new HashSet<>(outcome.acknowledged());
        assertEquals(EVENTS - 1, acknowledged.size(), "every event acknowledged");

        // a publisher that lost its acknowledgements sends the same bytes again: each is a
        // duplicate
        List<Integer> replayed =
            acknowledged.stream().filter(n -> n >= EVENTS - 1 - WINDOW).sorted().toList();
        for (int n : replayed) {
          publisher.send(
              Request.newBuilder()
                  .setRequestId(Integer.toString(n))
                  .setPublish(events.get(n))
                  .build());
        }
        for (int n : replayed) {
          Response answer = publisher.next();
          assertTrue(
              answer.getPublishAck().getDuplicate(),
              "replayed " + answer.getRequestId() + ": " + answer);
        }
        // the last event goes after the replayed duplicates and marks the end for the subscribers
        int last = EVENTS - 1;
        publisher.send(
            Request.newBuilder()
                .setRequestId(Integer.toString(last))
                .setPublish(events.get(last))
                .build());
        Response lastAnswer = publisher.next();
        assertFalse(lastAnswer.getPublishAck().getDuplicate(), lastAnswer.toString());
        acknowledged.add(last);

        // the stored events in journal order are the acknowledged ones in chain order, each once,
        // as signed
        List<StreamMessage> expected = acknowledged.stream().sorted().map(events::get).toList();
        assertSameEvents(expected, stored(survivors.get(2), stream, session), "resent over HTTP");
        // the last event reaches a subscriber after everything stored before it: what came until
        // then is all
        assertSameEvents(
            expected,
            receivedUntil(subscriberB, events.get(last)),
            "received on " + survivors.get(1).seed());
        assertSameEvents(
            expected,
            receivedUntil(subscriberC, events.get(last)),
            "received on " + survivors.get(2).seed());
        System.out.printf(
            "cluster test: %d events, %d acknowledged (%d as duplicates, %d replayed), %d refused as"
                + " out of order, %d retries; nodes started and events signed in %.1f s, published in %.1f s, %.1f s in all%n",
            EVENTS,
            acknowledged.size(),
            outcome.duplicates(),
            replayed.size(),
            outcome.refused().size(),
            outcome.retried(),
            (ready - began) / 1e9,
            (published - publishing) / 1e9,
            (System.nanoTime() - began) / 1e9);
      }
    }
  }

  /**
   * A new stream's first events, published on the node that hosts its partition right after
   * subscribers on the other nodes were confirmed, before gossip has told the partition's topic
   * about them: the subscriptions know the partition's position when confirmed and fill from the
   * journal, so each receives every event, once and in order.
   */
  @Test
  void subscribersOnOtherNodesReceiveTheFirstEventsOfANewStreamPublishedOnItsPartitionsNode()
      throws Exception {
    PrivateKeySigner owner = PrivateKeySigner.generate();
    String session = SESSIONS.issue(owner.address());
    int first = 7;
    try (ClusterNodes cluster =
        ClusterNodes.start(3, TestNode.wholeNodes(TestDatabases.postgres(), data, Map.of()))) {
      TestNode api = TestNode.of(cluster.node(0));
      for (int round = 0; round < 3; round++) {
        String stream = owner.address() + "/new-" + round;
        String part = StreamPartition.entityId(stream, 0);
        api.createStream(stream, 1, session);
        // reading the empty partition starts it on some node: the publisher connects there
        assertEquals(List.of(), stored(api, stream, session));
        ActorTestKit hostMember = cluster.hostOf(StreamPartition.ENTITY_KEY, part);
        TestNode host = TestNode.of(hostMember);
        List<TestNode> others = cluster.others(hostMember).stream().map(TestNode::of).toList();
        long start = System.currentTimeMillis();
        List<StreamMessage> events = new ArrayList<>();
        StreamMessage previous = null;
        for (int i = 0; i < first; i++) {
          previous = SignedEvents.event(owner, stream, 0, start + i, "{\"n\":" + i + "}", previous);
          events.add(previous);
        }
        try (Connection subscriberB = subscribe(others.get(0), stream, session);
            Connection subscriberC = subscribe(others.get(1), stream, session);
            Connection publisher = new Connection(host)) {
          for (int i = 0; i < first; i++) {
            publisher.send(
                Request.newBuilder()
                    .setRequestId(Integer.toString(i))
                    .setPublish(events.get(i))
                    .build());
          }
          for (int i = 0; i < first; i++) {
            Response answer = publisher.next();
            assertTrue(answer.hasPublishAck(), answer.toString());
          }
          StreamMessage last = events.get(first - 1);
          assertSameEvents(
              events,
              receivedUntil(subscriberB, last),
              "round " + round + ", received on " + others.get(0).seed());
          assertSameEvents(
              events,
              receivedUntil(subscriberC, last),
              "round " + round + ", received on " + others.get(1).seed());
        }
      }
    }
  }

  /**
   * What became of the events published: acknowledged or refused for good, by index; answers not
   * expected.
   */
  private record Published(
      Set<Integer> acknowledged,
      Set<Integer> refused,
      int duplicates,
      int retried,
      List<Response> unexpected) {}

  /**
   * Publishes {@code events} with {@link #WINDOW} in flight, sending again each that the cluster
   * could not take (UNAVAILABLE), earliest first; once half are acknowledged, the partition's host
   * crashes.
   */
  private static Published publishCrashingHostHalfway(
      Connection publisher, List<StreamMessage> events, ClusterNodes cluster, ActorTestKit host)
      throws Exception {
    Set<Integer> acknowledged = new HashSet<>();
    Set<Integer> refused = new HashSet<>();
    List<Response> unexpected = new ArrayList<>();
    int duplicates = 0;
    int retried = 0;
    PriorityQueue<Integer> toSend = new PriorityQueue<>();
    for (int i = 0; i < events.size(); i++) {
      toSend.add(i);
    }
    int inFlight = 0;
    boolean crashed = false;
    while (!toSend.isEmpty() || inFlight > 0) {
      while (inFlight < WINDOW && !toSend.isEmpty()) {
        int next = toSend.poll();
        publisher.send(
            Request.newBuilder()
                .setRequestId(Integer.toString(next))
                .setPublish(events.get(next))
                .build());
        inFlight++;
      }
      Response answer = publisher.next();
      inFlight--;
      int n = Integer.parseInt(answer.getRequestId());
      if (answer.hasPublishAck()) {
        acknowledged.add(n);
        duplicates += answer.getPublishAck().getDuplicate() ? 1 : 0;
      } else if (answer.getError().getError().equals("OUT_OF_ORDER")) {
        refused.add(n);
      } else if (answer.getError().getError().equals("UNAVAILABLE")) {
        retried++;
        toSend.add(n);
      } else {
        unexpected.add(answer);
      }
      if (!crashed && acknowledged.size() >= events.size() / 2) {
        cluster.crash(host);
        crashed = true;
      }
    }
    assertTrue(crashed, "the host crashed mid-stream");
    return new Published(acknowledged, refused, duplicates, retried, unexpected);
  }

  /** One chain of signed events, one millisecond apart, each naming the one before. */
  private static List<StreamMessage> chain(PrivateKeySigner owner, String stream) {
    long start = System.currentTimeMillis() - 3_600_000;
    List<StreamMessage> events = new ArrayList<>(EVENTS);
    StreamMessage previous = null;
    for (int i = 0; i < EVENTS; i++) {
      previous = SignedEvents.event(owner, stream, 0, start + i, "{\"n\":" + i + "}", previous);
      events.add(previous);
    }
    return events;
  }

  /**
   * The last events of partition 0, as many as the test publishes, as the HTTP resend returns them
   * in raw frames.
   */
  private static List<StreamMessage> stored(TestNode node, String stream, String session)
      throws Exception {
    HttpResponse<byte[]> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        node.api()
                            .resolve(
                                "/api/v1/streams/"
                                    + URLEncoder.encode(stream, StandardCharsets.UTF_8)
                                    + "/data/partitions/0/last?count="
                                    + EVENTS
                                    + "&format=raw"))
                    .header("Authorization", "Bearer " + session)
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
    ByteBuffer frames = ByteBuffer.wrap(response.body());
    List<StreamMessage> events = new ArrayList<>();
    while (frames.hasRemaining()) {
      byte[] message = new byte[frames.getInt()];
      frames.get(message);
      events.add(StreamMessage.parseFrom(message));
    }
    return events;
  }

  private static Connection subscribe(TestNode node, String stream, String session)
      throws InterruptedException {
    Connection connection = new Connection(node);
    connection.send(Request.newBuilder().setRequestId("auth").setAuthenticate(session).build());
    assertTrue(connection.next().hasAuthenticated());
    connection.send(
        Request.newBuilder()
            .setRequestId("sub")
            .setSubscribe(Subscribe.newBuilder().setStreamId(stream))
            .build());
    assertTrue(connection.next().hasSubscribed());
    return connection;
  }

  /**
   * Waits until the partition's topic on {@code host} knows the subscribers' nodes: a live
   * subscription starts with the first event it is sent, so one published before would be missed.
   */
  private static void awaitSubscribersKnownTo(TestNode host, String part, int nodes)
      throws Exception {
    await()
        .alias("the subscribers' nodes are known to the partition's topic")
        .atMost(ANSWER_WITHIN)
        .until(
            () ->
                AskPattern.<Topic.Command<PartitionTopics.Delivery>, Topic.TopicStats>ask(
                            PartitionTopics.get(host.system()).topic(part),
                            Topic::getTopicStats,
                            Duration.ofSeconds(10),
                            host.system().scheduler())
                        .toCompletableFuture()
                        .get()
                        .topicInstanceCount()
                    == nodes);
  }

  private static void assertSameEvents(
      List<StreamMessage> expected, List<StreamMessage> actual, String what) {
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      assertEquals(expected.get(i), actual.get(i), what + ": event " + i + " of " + actual.size());
    }
    assertEquals(expected.size(), actual.size(), what + ": events");
  }

  /** The events a subscriber received, up to and including {@code last}. */
  private static List<StreamMessage> receivedUntil(Connection subscriber, StreamMessage last)
      throws InterruptedException {
    List<StreamMessage> received = new ArrayList<>();
    while (received.isEmpty() || !received.get(received.size() - 1).equals(last)) {
      Response answer = subscriber.next();
      assertTrue(answer.hasEvent(), answer.toString());
      received.add(answer.getEvent());
    }
    return received;
  }
}
