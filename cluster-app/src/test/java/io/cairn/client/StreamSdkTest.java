package io.cairn.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.api.auth.SessionTokens;
import io.cairn.node.SignedEvents;
import io.cairn.node.TestNode;
import io.cairn.protocol.api.v1.ResendOptions;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.event.PrivateKeySigner;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java SDK's stream calls against a real node. */
class StreamSdkTest {
  /**
   * How long a test waits for what must come; a quiet wait of {@link #QUIET} shows that nothing
   * more does.
   */
  private static final long PATIENCE_SECONDS = 20;

  private static final long QUIET = 300;

  @TempDir static Path data;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    // without the stream cache a partition count change reaches publishing at once
    node = TestNode.start(data, Map.of("cairn.stream.permission-cache-ttl", "0s"));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private final List<Recorder> recorders = new ArrayList<>();

  /** A recorder whose subscription ends with the test. */
  private Recorder recorder(long initialDemand) {
    Recorder recorder = new Recorder(initialDemand);
    recorders.add(recorder);
    return recorder;
  }

  @AfterEach
  void endSubscriptions() {
    recorders.forEach(recorder -> recorder.subscribed.thenAccept(Flow.Subscription::cancel));
  }

  @Test
  void createGrantPublishAndReadBack() {
    PrivateKeySigner wallet = PrivateKeySigner.generate();
    CairnClient owner = CairnClient.connect(node.api()).authenticate(wallet);
    String stream = wallet.address() + "/sdk";
    assertEquals(stream, owner.createStream(stream, "from the SDK", 2).getId());

    CairnClient anonymous = CairnClient.connect(node.api());
    assertEquals(
        "UNAUTHENTICATED",
        assertThrows(
                CairnApiException.class, () -> anonymous.storedEvents(stream, 0, "last?count=1"))
            .code());
    owner.grant(stream, null, "subscribe");

    EventPublisher publisher = new EventPublisher(owner, wallet);
    for (int i = 0; i < 5; i++) {
      assertEquals(i + 1, publisher.publishJson(stream, 1, "{\"i\":" + i + "}").getSequenceNr());
    }
    List<StreamMessage> stored = anonymous.storedEvents(stream, 1, "last?count=10");
    assertEquals(5, stored.size());
    for (int i = 0; i < 5; i++) {
      assertEquals(
          "{\"i\":" + i + "}", stored.get(i).getContentMessage().getContent().toStringUtf8());
      if (i > 0) {
        assertEquals(
            stored.get(i - 1).getMessageId().getTimestamp(),
            stored.get(i).getPreviousMessageRef().getTimestamp());
      }
    }
    assertEquals(
        "STREAM_EXISTS",
        assertThrows(CairnApiException.class, () -> owner.createStream(stream, "", 1)).code());
  }

  @Test
  void aPartitionKeyPicksTheSamePartitionInTheSdkAndTheNode() throws Exception {
    PrivateKeySigner wallet = PrivateKeySigner.generate();
    CairnClient owner = CairnClient.connect(node.api()).authenticate(wallet);
    String stream = wallet.address() + "/keyed";
    owner.createStream(stream, "", 3);
    EventPublisher publisher = new EventPublisher(owner, wallet);

    // of 3 partitions "bar" maps to 2 and "room 7" to 1, of 5 "bar" maps to 0 (see
    // PartitionKeysTest)
    publisher.publishJson(stream, "bar", "{\"key\":\"bar\"}");
    publisher.publishJson(stream, "room 7", "{\"key\":\"room 7\"}");
    assertEquals(1, owner.storedEvents(stream, 2, "last?count=10").size());
    assertEquals(1, owner.storedEvents(stream, 1, "last?count=10").size());

    // the publisher counted 3 partitions; once the stream has 5, the node refuses partition 2 for
    // "bar", and the publisher counts again and signs the event for partition 0
    HttpResponse<String> grown =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        node.api()
                            .resolve(
                                "/api/v1/streams/"
                                    + URLEncoder.encode(stream, StandardCharsets.UTF_8)))
                    .header(
                        "Authorization",
                        "Bearer "
                            + new SessionTokens(
                                    HexFormat.of().parseHex(TestNode.SESSION_SECRET),
                                    Duration.ofHours(1),
                                    Clock.systemUTC())
                                .issue(wallet.address()))
                    .header("Content-Type", "application/json")
                    .PUT(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"description\":\"\",\"partitions\":5}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, grown.statusCode(), grown.body());
    publisher.publishJson(stream, "bar", "{\"key\":\"bar\"}");
    assertEquals(1, owner.storedEvents(stream, 0, "last?count=10").size());
    assertEquals(1, owner.storedEvents(stream, 2, "last?count=10").size());

    StreamMessage wrongPartition = signedFor(wallet, stream, 1);
    CairnApiException refused =
        assertThrows(CairnApiException.class, () -> owner.publish(wrongPartition, "bar"));
    assertEquals("PARTITION_KEY_MISMATCH", refused.code());
    assertEquals(422, refused.status());
  }

  private static StreamMessage signedFor(PrivateKeySigner wallet, String stream, int partition) {
    return SignedEvents.event(wallet, stream, partition, System.currentTimeMillis(), "{}", null);
  }

  /** A Flow subscriber that keeps what it is given, for the test thread to take. */
  private static final class Recorder implements Flow.Subscriber<StreamMessage> {
    final BlockingQueue<StreamMessage> events = new LinkedBlockingQueue<>();
    final CompletableFuture<Flow.Subscription> subscribed = new CompletableFuture<>();
    final CompletableFuture<Throwable> failed = new CompletableFuture<>();
    final CompletableFuture<Void> completed = new CompletableFuture<>();
    private final long initialDemand;

    Recorder(long initialDemand) {
      this.initialDemand = initialDemand;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      if (initialDemand > 0) {
        subscription.request(initialDemand);
      }
      subscribed.complete(subscription);
    }

    @Override
    public void onNext(StreamMessage event) {
      events.add(event);
    }

    @Override
    public void onError(Throwable failure) {
      failed.complete(failure);
    }

    @Override
    public void onComplete() {
      completed.complete(null);
    }

    Flow.Subscription awaitSubscribed() throws Exception {
      return subscribed.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
    }

    String next() throws InterruptedException {
      StreamMessage event = events.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
      assertNotNull(event, "no event within " + PATIENCE_SECONDS + " s");
      return event.getContentMessage().getContent().toStringUtf8();
    }

    void assertNothingMore() throws InterruptedException {
      assertNull(
          events.poll(QUIET, TimeUnit.MILLISECONDS), "nothing more was requested or published");
    }
  }

  /** A stream only its owner may read, with a publisher and an authenticated client for it. */
  private record PrivateStream(
      String id, PrivateKeySigner wallet, CairnClient owner, EventPublisher publisher) {
    static PrivateStream create(String path) {
      PrivateKeySigner wallet = PrivateKeySigner.generate();
      CairnClient owner = CairnClient.connect(node.api()).authenticate(wallet);
      String id = wallet.address() + "/" + path;
      owner.createStream(id, "", 1);
      return new PrivateStream(id, wallet, owner, new EventPublisher(owner, wallet));
    }

    void publish(int from, int to) {
      for (int i = from; i < to; i++) {
        publisher.publishJson(id, 0, "{\"i\":" + i + "}");
      }
    }
  }

  private static String content(int i) {
    return "{\"i\":" + i + "}";
  }

  @Test
  void subscribeThenPublishReceivesEventsInOrder() throws Exception {
    PrivateStream stream = PrivateStream.create("live");
    Recorder recorder = recorder(Long.MAX_VALUE);
    stream.owner().subscribe(stream.id(), 0).subscribe(recorder);
    recorder.awaitSubscribed();

    stream.publish(0, 20);
    for (int i = 0; i < 20; i++) {
      assertEquals(content(i), recorder.next());
    }
    recorder.assertNothingMore();
    assertFalse(recorder.failed.isDone());
  }

  @Test
  void historyThenLiveWithNothingMissedOrDoubled() throws Exception {
    PrivateStream stream = PrivateStream.create("history");
    stream.publish(0, 5);
    Recorder recorder = recorder(Long.MAX_VALUE);
    stream
        .owner()
        .subscribe(stream.id(), 0, ResendOptions.newBuilder().setLast(3).build())
        .subscribe(recorder);
    recorder.awaitSubscribed();
    stream.publish(5, 10);

    for (int i = 2; i < 10; i++) {
      assertEquals(content(i), recorder.next());
    }
    recorder.assertNothingMore();
  }

  @Test
  void demandIsHonoured() throws Exception {
    PrivateStream stream = PrivateStream.create("demand");
    Recorder oneAtATime = recorder(1);
    Recorder everything = recorder(Long.MAX_VALUE);
    stream.owner().subscribe(stream.id(), 0).subscribe(oneAtATime);
    stream.owner().subscribe(stream.id(), 0).subscribe(everything);
    Flow.Subscription subscription = oneAtATime.awaitSubscribed();
    everything.awaitSubscribed();

    stream.publish(0, 5);
    for (int i = 0; i < 5; i++) {
      assertEquals(content(i), everything.next(), "the unbounded subscriber has them all");
    }
    assertEquals(content(0), oneAtATime.next());
    oneAtATime.assertNothingMore();

    subscription.request(2);
    assertEquals(content(1), oneAtATime.next());
    assertEquals(content(2), oneAtATime.next());
    oneAtATime.assertNothingMore();

    subscription.request(Long.MAX_VALUE);
    assertEquals(content(3), oneAtATime.next());
    assertEquals(content(4), oneAtATime.next());
  }

  @Test
  void cancelStopsDelivery() throws Exception {
    PrivateStream stream = PrivateStream.create("cancel");
    Recorder cancelled = recorder(Long.MAX_VALUE);
    Recorder witness = recorder(Long.MAX_VALUE);
    stream.owner().subscribe(stream.id(), 0).subscribe(cancelled);
    stream.owner().subscribe(stream.id(), 0).subscribe(witness);
    Flow.Subscription subscription = cancelled.awaitSubscribed();
    witness.awaitSubscribed();

    stream.publish(0, 1);
    assertEquals(content(0), cancelled.next());
    subscription.cancel();
    stream.publish(1, 4);
    for (int i = 0; i < 4; i++) {
      assertEquals(content(i), witness.next());
    }
    cancelled.assertNothingMore();
    assertFalse(
        cancelled.failed.isDone() || cancelled.completed.isDone(),
        "a cancelled subscriber hears nothing more");
  }

  @Test
  void subscribingWithoutPermissionGivesTheNodesCode() throws Exception {
    PrivateStream stream = PrivateStream.create("closed");
    Recorder stranger = recorder(Long.MAX_VALUE);
    CairnClient.connect(node.api())
        .authenticate(PrivateKeySigner.generate())
        .subscribe(stream.id(), 0)
        .subscribe(stranger);
    CairnApiException refused =
        assertInstanceOf(
            CairnApiException.class, stranger.failed.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
    assertEquals("NOT_PERMITTED", refused.code());
    assertEquals(403, refused.status());
    assertTrue(stranger.subscribed.isDone(), "onSubscribe came before onError");

    Recorder anonymous = recorder(1);
    CairnClient.connect(node.api()).subscribe(stream.id(), 0).subscribe(anonymous);
    assertEquals(
        "UNAUTHENTICATED",
        ((CairnApiException) anonymous.failed.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).code());
  }

  @Test
  void callbacksAndResend() throws Exception {
    PrivateStream stream = PrivateStream.create("callbacks");
    stream.publish(0, 4);
    List<String> resent = new ArrayList<>();
    stream
        .owner()
        .resend(stream.id(), 0, ResendOptions.newBuilder().setLast(2).build())
        .forEach(event -> resent.add(event.getContentMessage().getContent().toStringUtf8()));
    assertEquals(List.of(content(2), content(3)), resent);

    BlockingQueue<StreamMessage> live = new LinkedBlockingQueue<>();
    BlockingQueue<RuntimeException> failures = new LinkedBlockingQueue<>();
    Flow.Subscription subscription =
        stream
            .owner()
            .subscribe(
                stream.id(), 0, ResendOptions.getDefaultInstance(), live::add, failures::add);
    stream.publish(4, 6);
    assertEquals(
        content(4),
        live.poll(PATIENCE_SECONDS, TimeUnit.SECONDS)
            .getContentMessage()
            .getContent()
            .toStringUtf8());
    assertEquals(
        content(5),
        live.poll(PATIENCE_SECONDS, TimeUnit.SECONDS)
            .getContentMessage()
            .getContent()
            .toStringUtf8());
    subscription.cancel();
    assertEquals(List.of(), List.copyOf(failures));

    CairnClient.connect(node.api())
        .subscribe(stream.id(), 0, ResendOptions.getDefaultInstance(), event -> {}, failures::add);
    assertEquals(
        "UNAUTHENTICATED",
        ((CairnApiException) failures.poll(PATIENCE_SECONDS, TimeUnit.SECONDS)).code());
    assertEquals(
        "NOT_PERMITTED",
        assertThrows(
                CairnApiException.class,
                () ->
                    CairnClient.connect(node.api())
                        .authenticate(PrivateKeySigner.generate())
                        .resend(stream.id(), 0, ResendOptions.newBuilder().setLast(1).build()))
            .code());
  }
}
