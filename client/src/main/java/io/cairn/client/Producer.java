package io.cairn.client;

import com.google.protobuf.ByteString;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.api.v1.ApiError;
import io.cairn.protocol.api.v1.ContentType;
import io.cairn.protocol.api.v1.MessageRef;
import io.cairn.protocol.api.v1.PublishAck;
import io.cairn.protocol.api.v1.PublishBatch;
import io.cairn.protocol.api.v1.PublishResult;
import io.cairn.protocol.api.v1.Request;
import io.cairn.protocol.api.v1.Response;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.event.EventSigner;
import io.cairn.protocol.event.EvmSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes one publisher's events over one WebSocket, pipelined and batched as Kafka's producer
 * does: {@link #publishAsync} places the event in its chain at once, signs it on one of {@code
 * signingThreads} threads (signing is most of a publisher's work), and answers when the node has
 * stored it. Events wait up to {@code linger} for others to share a {@code publishBatch} frame of
 * at most {@code batchSize}; up to {@code maxInFlight} batches are on their way at once. Each
 * stream partition is one message chain, signed in the order events are handed in and sent in that
 * order. An event the node could not take now ({@code UNAVAILABLE}: its partition was moving, or an
 * earlier event of its chain failed) is sent again, before any later one, up to {@code retries}
 * times; every other refusal fails that event's future. Buffered events are bounded by {@code
 * maxPending}: {@link #publishAsync} blocks while that many wait for their answers.
 */
public final class Producer implements AutoCloseable {

  /** How a producer batches, pipelines and retries. */
  public record Settings(
      Duration linger,
      int batchSize,
      int maxInFlight,
      int maxPending,
      int retries,
      Duration answerTimeout,
      int signingThreads) {

    /**
     * 5 ms linger, 200 events a batch, 20 batches in flight, 3 retries, a signing thread per
     * processor.
     */
    public static Settings defaults() {
      return new Settings(
          Duration.ofMillis(5),
          200,
          20,
          20_000,
          3,
          Duration.ofSeconds(60),
          Runtime.getRuntime().availableProcessors());
    }
  }

  /** An event on its way: its place in submission order, its bytes, and who waits for it. */
  private record Pending(
      long order, StreamMessage event, CompletableFuture<PublishAck> ack, int attempt)
      implements Comparable<Pending> {
    @Override
    public int compareTo(Pending other) {
      return Long.compare(order, other.order);
    }

    Pending again() {
      return new Pending(order, event, ack, attempt + 1);
    }
  }

  private final Settings settings;
  private final EventSigner signer;
  private final MessageChain chain = new MessageChain();
  private final Map<String, MessageRef> heads = new HashMap<>();
  private final Semaphore room;

  /** Every change to what waits and what is in flight happens on this one thread. */
  private final ScheduledExecutorService sender =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "cairn-producer");
            thread.setDaemon(true);
            return thread;
          });

  /** Signs events, each on whichever thread is free; they are sent in their order all the same. */
  private final ExecutorService signing;

  /** Signed events that an event handed in before them is still being signed for. */
  private final PriorityQueue<Pending> signedEarly = new PriorityQueue<>();

  /**
   * The order of the next event to join {@link #waiting}: events are sent in their chains' order.
   */
  private long nextInOrder;

  private final PriorityQueue<Pending> waiting = new PriorityQueue<>();
  private final Map<String, List<Pending>> inFlight = new ConcurrentHashMap<>();
  private final WebSocket socket;
  private long submitted;
  private long batches;
  private ScheduledFuture<?> lingering;
  private volatile Throwable broken;

  private Producer(Settings settings, EvmSigner signer, WebSocket socket) {
    this.settings = settings;
    this.signer = new EventSigner(signer);
    this.socket = socket;
    this.room = new Semaphore(settings.maxPending());
    this.signing =
        Executors.newFixedThreadPool(
            settings.signingThreads(),
            task -> {
              Thread thread = new Thread(task, "cairn-producer-signing");
              thread.setDaemon(true);
              return thread;
            });
  }

  static Producer open(
      HttpClient http, URI endpoint, Duration connectTimeout, EvmSigner signer, Settings settings) {
    Answers answers = new Answers();
    WebSocket socket;
    try {
      socket =
          http.newWebSocketBuilder()
              .connectTimeout(connectTimeout)
              .buildAsync(endpoint, new ResponseListenerWithEnd(answers))
              .join();
    } catch (CompletionException e) {
      throw CairnClient.unreachable(endpoint, e, connectTimeout);
    }
    Producer producer = new Producer(settings, signer, socket);
    answers.producer = producer;
    return producer;
  }

  /** Signs a JSON event for the partition and sends it with the next batch. */
  public CompletableFuture<PublishAck> publishAsync(String streamId, int partition, String json) {
    return publishAsync(streamId, partition, ByteString.copyFromUtf8(json), ContentType.JSON);
  }

  /** Signs a binary event for the partition and sends it with the next batch. */
  public CompletableFuture<PublishAck> publishAsync(
      String streamId, int partition, byte[] content) {
    return publishAsync(streamId, partition, ByteString.copyFrom(content), ContentType.BINARY);
  }

  private CompletableFuture<PublishAck> publishAsync(
      String streamId, int partition, ByteString content, ContentType type) {
    if (broken != null) {
      return CompletableFuture.failedFuture(broken);
    }
    try {
      room.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<PublishAck> ack = new CompletableFuture<>();
    ack.whenComplete((done, failure) -> room.release());
    long order;
    StreamMessage unsigned;
    synchronized (this) {
      // placed in its chain in the order handed in, so each event names the one before it
      order = submitted++;
      unsigned = place(streamId, partition, content, type);
    }
    signing.execute(
        () -> {
          Pending pending;
          try {
            pending = new Pending(order, signer.sign(unsigned), ack, 0);
          } catch (RuntimeException e) {
            // never sent, but its place in the order must still be passed for the events after it
            ack.completeExceptionally(e);
            pending = new Pending(order, null, ack, 0);
          }
          Pending signed = pending;
          sender.execute(() -> enqueue(signed));
        });
    return ack;
  }

  private StreamMessage place(
      String streamId, int partition, ByteString content, ContentType type) {
    String part = streamId + "#" + partition;
    StreamMessage.Builder event = chain.next(streamId, partition, heads.get(part), content, type);
    // pipelined: the next event names this one before it is stored
    heads.put(part, MessageChain.refOf(event));
    return event.build();
  }

  // ---- on the sender thread ----

  /** Takes a signed event; it waits to be sent once every event handed in before it has. */
  private void enqueue(Pending signed) {
    signedEarly.add(signed);
    while (!signedEarly.isEmpty() && signedEarly.peek().order() == nextInOrder) {
      Pending next = signedEarly.poll();
      nextInOrder++;
      if (next.event() != null) {
        queue(next);
      }
    }
  }

  private void queue(Pending pending) {
    if (broken != null) {
      pending.ack().completeExceptionally(broken);
      return;
    }
    waiting.add(pending);
    if (waiting.size() >= settings.batchSize()) {
      send();
    } else if (lingering == null) {
      lingering = sender.schedule(this::send, settings.linger().toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /** Sends what waits, in submission order, as far as the batches in flight allow. */
  private void send() {
    if (lingering != null) {
      lingering.cancel(false);
      lingering = null;
    }
    while (!waiting.isEmpty() && inFlight.size() < settings.maxInFlight() && broken == null) {
      List<Pending> batch = new ArrayList<>(Math.min(waiting.size(), settings.batchSize()));
      PublishBatch.Builder events = PublishBatch.newBuilder();
      while (!waiting.isEmpty() && batch.size() < settings.batchSize()) {
        Pending next = waiting.poll();
        batch.add(next);
        events.addEvents(next.event());
      }
      String id = Long.toString(batches++);
      inFlight.put(id, batch);
      sender.schedule(
          () -> timedOut(id), settings.answerTimeout().toMillis(), TimeUnit.MILLISECONDS);
      byte[] frame =
          Request.newBuilder().setRequestId(id).setPublishBatch(events).build().toByteArray();
      try {
        socket.sendBinary(ByteBuffer.wrap(frame), true).join();
      } catch (RuntimeException e) {
        fail(new UncheckedIOException("the connection to the node broke", new IOException(e)));
      }
    }
  }

  private void answered(Response response) {
    List<Pending> batch = inFlight.remove(response.getRequestId());
    if (batch == null) {
      return;
    }
    if (response.hasError()) {
      ApiError error = response.getError();
      batch.forEach(pending -> settle(pending, PublishResult.newBuilder().setError(error).build()));
    } else {
      List<PublishResult> results = response.getPublishResults().getResultsList();
      for (int i = 0; i < batch.size(); i++) {
        settle(batch.get(i), results.get(i));
      }
    }
    send();
  }

  private void settle(Pending pending, PublishResult result) {
    if (result.hasAck()) {
      pending.ack().complete(result.getAck());
      return;
    }
    ApiError error = result.getError();
    if (error.getError().equals(ErrorCode.UNAVAILABLE.name())
        && pending.attempt() < settings.retries()) {
      waiting.add(pending.again());
      return;
    }
    pending
        .ack()
        .completeExceptionally(new CairnApiException(0, error.getError(), error.getMessage()));
  }

  private void timedOut(String id) {
    List<Pending> batch = inFlight.remove(id);
    if (batch != null) {
      TimeoutException late =
          new TimeoutException("no answer within " + settings.answerTimeout().toSeconds() + " s");
      batch.forEach(pending -> pending.ack().completeExceptionally(late));
      send();
    }
  }

  private void fail(Throwable failure) {
    broken = failure;
    inFlight.values().forEach(batch -> batch.forEach(p -> p.ack().completeExceptionally(failure)));
    inFlight.clear();
    waiting.forEach(pending -> pending.ack().completeExceptionally(failure));
    waiting.clear();
  }

  /**
   * Sends what waits without lingering and returns once every event handed in so far has its
   * answer.
   */
  public void flush() {
    sender.execute(this::send);
    CompletableFuture<Void> drained = new CompletableFuture<>();
    sender.execute(() -> awaitDrained(drained));
    drained.join();
  }

  private void awaitDrained(CompletableFuture<Void> drained) {
    if (nextInOrder == submittedSoFar() && waiting.isEmpty() && inFlight.isEmpty()
        || broken != null) {
      drained.complete(null);
    } else {
      sender.schedule(() -> awaitDrained(drained), 1, TimeUnit.MILLISECONDS);
    }
  }

  /** Flushes, then closes the connection. */
  @Override
  public void close() {
    try {
      flush();
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    } catch (RuntimeException alreadyClosed) {
      // the node closed it first: nothing is left to say
    } finally {
      signing.shutdown();
      sender.shutdown();
    }
  }

  private synchronized long submittedSoFar() {
    return submitted;
  }

  /** Hands the node's answers to the producer's thread; an end of the connection fails the rest. */
  private static final class Answers {
    private volatile Producer producer;

    void answer(Response response) {
      producer.sender.execute(() -> producer.answered(response));
    }

    void ended(Throwable why) {
      Producer current = producer;
      if (current != null) {
        current.sender.execute(() -> current.fail(why));
      }
    }
  }

  private static final class ResponseListenerWithEnd implements WebSocket.Listener {
    private final Answers answers;
    private final ResponseListener responses;

    ResponseListenerWithEnd(Answers answers) {
      this.answers = answers;
      this.responses = new ResponseListener(answers::answer);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
      return responses.onBinary(socket, data, last);
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      return responses.onText(socket, data, last);
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
      answers.ended(
          new UncheckedIOException(
              new IOException("the node closed the connection: " + statusCode + " " + reason)));
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      answers.ended(
          new UncheckedIOException(
              "the connection to the node broke",
              error instanceof IOException io ? io : new IOException(error)));
    }
  }
}
