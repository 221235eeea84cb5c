package io.cairn.bench.load;

import com.google.protobuf.ByteString;
import io.cairn.client.CairnClient;
import io.cairn.client.ResponseListener;
import io.cairn.protocol.api.v1.ContentMessage;
import io.cairn.protocol.api.v1.ContentType;
import io.cairn.protocol.api.v1.MessageRef;
import io.cairn.protocol.api.v1.PublishBatch;
import io.cairn.protocol.api.v1.PublishResult;
import io.cairn.protocol.api.v1.Request;
import io.cairn.protocol.api.v1.Response;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.api.v1.Subscribe;
import io.cairn.protocol.event.EventSigner;
import io.cairn.protocol.event.PrivateKeySigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives real Cairn nodes over WebSocket: creates a public stream, subscribes on each subscriber
 * node, then publishes pre-signed 100-byte events through the publisher node with a window of
 * events in flight, and prints events/s accepted, events/s delivered and the publish-to-deliver
 * latency. Signing happens before the clock starts: the figures are the nodes', not this client's.
 *
 * <p>{@code --batch N} sends N events per WebSocket frame ({@code publish_batch}), as a Kafka
 * producer batches records; each event is still checked, stored and acknowledged on its own. {@code
 * --no-subscribers} measures accepting and storing alone. {@code --warmup N} first runs the same
 * load with N events on the same partition (another chain), unmeasured, so the figures are of
 * compiled code on the nodes that serve it, not of the JIT compiler at work.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.cairn.bench.load.LoadGenerator \
 *     --publish http://127.0.0.1:7171 --subscribe http://127.0.0.1:7172 [--subscribe ...] \
 *     [--events 50000] [--window 256] [--batch 1] [--warmup 0] [--no-subscribers] \
 *     [--rate 0 (events/s; 0: as fast as acknowledged)] [--timeline]
 * </pre>
 */
public final class LoadGenerator {
  private final URI publishNode;
  private final List<URI> subscribeNodes;
  private final int events;
  private final int window;
  private final int rate;
  private final int batch;
  private final boolean timeline;

  private LoadGenerator(
      URI publishNode,
      List<URI> subscribeNodes,
      int events,
      int window,
      int rate,
      int batch,
      boolean timeline) {
    this.timeline = timeline;
    this.publishNode = publishNode;
    this.subscribeNodes = subscribeNodes;
    this.events = events;
    this.window = window;
    this.rate = rate;
    this.batch = batch;
  }

  public static void main(String[] args) throws Exception {
    URI publish = URI.create("http://127.0.0.1:7171");
    List<URI> subscribe = new ArrayList<>();
    int events = 50_000;
    int window = 256;
    int rate = 0;
    int batch = 1;
    int warmup = 0;
    boolean subscribers = true;
    boolean timeline = false;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--publish" -> publish = URI.create(args[i + 1]);
        case "--subscribe" -> subscribe.add(URI.create(args[i + 1]));
        case "--events" -> events = Integer.parseInt(args[i + 1]);
        case "--window" -> window = Integer.parseInt(args[i + 1]);
        case "--rate" -> rate = Integer.parseInt(args[i + 1]);
        case "--batch" -> batch = Integer.parseInt(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        case "--timeline" -> {
          timeline = true;
          i--;
        }
        case "--no-subscribers" -> {
          subscribers = false;
          i--;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (subscribe.isEmpty() && subscribers) {
      subscribe.add(publish);
    }
    PrivateKeySigner owner = PrivateKeySigner.generate();
    String stream = owner.address() + "/load-" + System.currentTimeMillis();
    CairnClient client = CairnClient.connect(publish).authenticate(owner);
    client.createStream(stream, "load generator", 1);
    client.grant(stream, null, "subscribe");
    if (warmup > 0) {
      System.out.printf("warming up with %,d events...%n", warmup);
      new LoadGenerator(publish, subscribe, warmup, window, rate, batch, false)
          .run(owner, stream, "warmup", false);
    }
    new LoadGenerator(publish, subscribe, events, window, rate, batch, timeline)
        .run(owner, stream, "load", true);
    System.exit(0);
  }

  /**
   * Prints, for each 100 ms of publishing, the largest publish-to-deliver latency at the first
   * subscriber and how many events took more than 50 ms: shows whether a tail is a recurring stall.
   */
  private static void printTimeline(long[] sentAt, long start, long[] latencies) {
    int slots = (int) ((sentAt[sentAt.length - 1] - start) / 100_000_000L) + 1;
    long[] worst = new long[slots];
    int[] slow = new int[slots];
    for (int n = 0; n < sentAt.length; n++) {
      int slot = (int) ((sentAt[n] - start) / 100_000_000L);
      worst[slot] = Math.max(worst[slot], latencies[n]);
      if (latencies[n] > 50_000_000L) {
        slow[slot]++;
      }
    }
    for (int slot = 0; slot < slots; slot++) {
      System.out.printf(
          "t=%5.1f s  max %6.1f ms  over 50 ms: %d%n", slot / 10.0, worst[slot] / 1e6, slow[slot]);
    }
  }

  /** A WebSocket that hands every binary Response to {@code onResponse}. */
  private static WebSocket connect(URI node, java.util.function.Consumer<Response> onResponse) {
    URI ws = URI.create("ws://" + node.getHost() + ":" + node.getPort() + "/api/v1/ws");
    return HttpClient.newHttpClient()
        .newWebSocketBuilder()
        .buildAsync(ws, new ResponseListener(onResponse))
        .join();
  }

  /**
   * Publishes this run's events as the chain {@code chain} of {@code stream}; subscribers count
   * only that chain.
   */
  private void run(PrivateKeySigner owner, String stream, String chain, boolean report)
      throws Exception {

    System.out.printf("signing %,d events of 100 bytes...%n", events);
    EventSigner signer = new EventSigner(owner);
    List<StreamMessage> signed = new ArrayList<>(events);
    long base = System.currentTimeMillis() - events;
    MessageRef previous = null;
    for (int i = 0; i < events; i++) {
      StreamMessage.Builder event = StreamMessage.newBuilder();
      event
          .getMessageIdBuilder()
          .setStreamId(stream)
          .setTimestamp(base + i)
          .setMessageChainId(chain);
      if (previous != null) {
        event.setPreviousMessageRef(previous);
      }
      String content = String.format("{\"n\":%9d,\"pad\":\"%s\"}", i, "x".repeat(100 - 25));
      event.setContentMessage(
          ContentMessage.newBuilder()
              .setContent(ByteString.copyFromUtf8(content))
              .setContentType(ContentType.JSON));
      signed.add(signer.sign(event.build()));
      previous = MessageRef.newBuilder().setTimestamp(base + i).build();
    }
    List<byte[]> frames = new ArrayList<>();
    for (int first = 0; first < events; first += batch) {
      Request.Builder request = Request.newBuilder().setRequestId(Integer.toString(first));
      if (batch == 1) {
        request.setPublish(signed.get(first));
      } else {
        request.setPublishBatch(
            PublishBatch.newBuilder()
                .addAllEvents(signed.subList(first, Math.min(events, first + batch))));
      }
      frames.add(request.build().toByteArray());
    }

    long[] sentAt = new long[events];
    long[][] latencies = new long[subscribeNodes.size()][events];
    CountDownLatch delivered = new CountDownLatch(events * subscribeNodes.size());
    CountDownLatch subscribed = new CountDownLatch(subscribeNodes.size());
    List<WebSocket> subscribers = new ArrayList<>();
    for (int s = 0; s < subscribeNodes.size(); s++) {
      int subscriber = s;
      WebSocket socket =
          connect(
              subscribeNodes.get(s),
              response -> {
                if (response.hasSubscribed()) {
                  subscribed.countDown();
                } else if (response.hasEvent()
                    && response.getEvent().getMessageId().getMessageChainId().equals(chain)) {
                  int n = (int) (response.getEvent().getMessageId().getTimestamp() - base);
                  latencies[subscriber][n] = System.nanoTime() - sentAt[n];
                  delivered.countDown();
                } else if (response.hasError()) {
                  System.out.println("subscriber " + subscriber + ": " + response.getError());
                }
              });
      socket
          .sendBinary(
              ByteBuffer.wrap(
                  Request.newBuilder()
                      .setRequestId("sub")
                      .setSubscribe(Subscribe.newBuilder().setStreamId(stream))
                      .build()
                      .toByteArray()),
              true)
          .join();
      subscribers.add(socket);
    }
    subscribed.await(30, TimeUnit.SECONDS);
    Thread.sleep(2000); // the subscriptions spread through the cluster

    Semaphore inFlight = new Semaphore(window);
    CountDownLatch acknowledged = new CountDownLatch(events);
    AtomicInteger refused = new AtomicInteger();
    WebSocket publisher =
        connect(
            publishNode,
            response -> {
              if (response.hasError()) {
                refused.incrementAndGet();
                System.out.println(
                    "refused " + response.getRequestId() + ": " + response.getError());
              }
              if (response.hasPublishResults()) {
                for (PublishResult result : response.getPublishResults().getResultsList()) {
                  if (result.hasError()) {
                    refused.incrementAndGet();
                    System.out.println(
                        "refused in " + response.getRequestId() + ": " + result.getError());
                  }
                  inFlight.release();
                  acknowledged.countDown();
                }
              } else {
                inFlight.release();
                acknowledged.countDown();
              }
            });
    System.out.printf("publishing to %s, subscribers on %s%n", publishNode, subscribeNodes);
    long start = System.nanoTime();
    for (int frame = 0; frame < frames.size(); frame++) {
      int first = frame * batch;
      int count = Math.min(batch, events - first);
      if (rate > 0) {
        long due = start + (long) first * 1_000_000_000L / rate;
        // parked, not spinning: the nodes measured share this machine's cores
        long early = due - System.nanoTime();
        if (early > 0) {
          LockSupport.parkNanos(early);
        }
      }
      inFlight.acquire(count);
      long now = System.nanoTime();
      Arrays.fill(sentAt, first, first + count, now);
      publisher.sendBinary(ByteBuffer.wrap(frames.get(frame)), true).join();
    }
    acknowledged.await(10, TimeUnit.MINUTES);
    long acceptedNanos = System.nanoTime() - start;
    delivered.await(2, TimeUnit.MINUTES);
    long deliveredNanos = System.nanoTime() - start;

    publisher.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    subscribers.forEach(socket -> socket.sendClose(WebSocket.NORMAL_CLOSURE, "done"));
    if (!report) {
      return;
    }
    System.out.printf(
        "accepted  %,d events in %.2f s: %,.0f events/s (%d refused)%n",
        events, acceptedNanos / 1e9, events / (acceptedNanos / 1e9), refused.get());
    if (subscribeNodes.isEmpty()) {
      return;
    }
    System.out.printf(
        "delivered %,d events to %d subscribers in %.2f s: %,.0f events/s per subscriber (%d missing)%n",
        events * subscribeNodes.size() - delivered.getCount(),
        subscribeNodes.size(),
        deliveredNanos / 1e9,
        events / (deliveredNanos / 1e9),
        delivered.getCount());
    if (timeline) {
      printTimeline(sentAt, start, latencies[0]);
    }
    for (int s = 0; s < subscribeNodes.size(); s++) {
      long[] sorted = Arrays.copyOf(latencies[s], events);
      Arrays.sort(sorted);
      System.out.printf(
          "publish->deliver latency at %s: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms%n",
          subscribeNodes.get(s),
          sorted[(int) (events * 0.50)] / 1e6,
          sorted[(int) (events * 0.99)] / 1e6,
          sorted[(int) (events * 0.999)] / 1e6);
    }
  }
}
