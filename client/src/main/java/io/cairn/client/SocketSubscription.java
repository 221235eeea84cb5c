package io.cairn.client;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.api.v1.ApiError;
import io.cairn.protocol.api.v1.Request;
import io.cairn.protocol.api.v1.Response;
import io.cairn.protocol.api.v1.StreamMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * One subscription (or resend) of a stream partition on a WebSocket of its own, delivered to a
 * {@link Flow.Subscriber}.
 *
 * <p>A socket's only backpressure, {@link WebSocket#request}, holds back everything on it, so each
 * subscription has a socket of its own and a subscriber that stops requesting holds back no other.
 * Events wait here until requested, at most {@link #READ_AHEAD} beyond the demand; past that the
 * socket is not read, and the node's buffer for this subscription fills instead (when it overflows,
 * the node ends the subscription with {@code SLOW_SUBSCRIBER}).
 *
 * <p>{@code onSubscribe} is signalled when the node first answers the request: for a subscribe,
 * once the subscription is in place, so every event published after it arrives. An error frame ends
 * the subscription with a {@link CairnApiException}: the events already requested are delivered
 * first, those not yet requested are dropped. A resend completes after its {@code resendDone}.
 * Cancelling closes the socket, which ends the subscription on the node.
 */
final class SocketSubscription implements Flow.Subscription {
  /**
   * Events read from the socket ahead of demand, so that a subscriber requesting one at a time is
   * not left waiting.
   */
  static final int READ_AHEAD = 16;

  /**
   * Where the subscription stands in its partition's journal, for one that resumes after a lost
   * connection: told before each event goes to the subscriber, and when the node confirms.
   */
  interface Positions {
    Positions IGNORED =
        new Positions() {
          @Override
          public void confirmedAt(long sequenceNr) {}

          @Override
          public void delivering(long sequenceNr) {}
        };

    /** The node confirmed the subscription with the partition's last place then. */
    void confirmedAt(long sequenceNr);

    /** The event at this place goes to the subscriber next. */
    void delivering(long sequenceNr);
  }

  private static final String AUTHENTICATION = "authenticate";
  private static final String REQUEST = "request";

  private final Flow.Subscriber<? super StreamMessage> subscriber;
  private final Positions positions;
  private final Request request;
  private final Optional<String> session;
  private final boolean endsWithResendDone;
  private final ResponseFrames frames = new ResponseFrames();

  private final Object lock = new Object();
  // everything below is guarded by lock
  private final Deque<Response> waiting = new ArrayDeque<>();
  private long demand;

  /** The node answered the request, or it failed before: onSubscribe may go out. */
  private boolean answered;

  private boolean announced;

  /** A terminal signal went out, or the subscriber cancelled: nothing more goes out. */
  private boolean finished;

  private RuntimeException failure;
  private boolean resendDone;

  /**
   * The socket is being closed; what it still delivers is read and dropped until the node's close.
   */
  private boolean closing;

  private boolean draining;
  private WebSocket socket;
  private boolean socketAsked;
  private boolean midMessage;

  /** The latest send: a WebSocket takes one send at a time, so each waits for the one before. */
  private CompletableFuture<WebSocket> sends;

  private SocketSubscription(
      Flow.Subscriber<? super StreamMessage> subscriber,
      Positions positions,
      Request request,
      Optional<String> session,
      boolean endsWithResendDone) {
    this.subscriber = Objects.requireNonNull(subscriber, "subscriber");
    this.positions = positions;
    this.request = request.toBuilder().setRequestId(REQUEST).build();
    this.session = session;
    this.endsWithResendDone = endsWithResendDone;
  }

  /**
   * Connects to {@code endpoint}, authenticates with {@code session} if there is one, and sends
   * {@code request} (a subscribe or a resend); {@code endsWithResendDone} for a resend.
   */
  /**
   * Connects to {@code endpoint}, authenticates with {@code session} if there is one, and sends
   * {@code request} (a subscribe or a resend; {@code endsWithResendDone} for a resend), telling
   * {@code positions} where the subscription stands.
   */
  static SocketSubscription open(
      HttpClient http,
      URI endpoint,
      Duration connectTimeout,
      Optional<String> session,
      Request request,
      boolean endsWithResendDone,
      Flow.Subscriber<? super StreamMessage> subscriber,
      Positions positions) {
    SocketSubscription subscription =
        new SocketSubscription(subscriber, positions, request, session, endsWithResendDone);
    http.newWebSocketBuilder()
        .connectTimeout(connectTimeout)
        .buildAsync(endpoint, subscription.new Listener())
        .whenComplete(
            (socket, failure) -> {
              if (failure != null) {
                subscription.fail(CairnClient.unreachable(endpoint, failure, connectTimeout));
              }
            });
    return subscription;
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      fail(
          new IllegalArgumentException(
              "request(" + n + "): demand must be positive (Reactive Streams rule 3.9)"));
      return;
    }
    synchronized (lock) {
      demand = Long.MAX_VALUE - demand < n ? Long.MAX_VALUE : demand + n;
    }
    drain();
    askSocket();
  }

  @Override
  public void cancel() {
    synchronized (lock) {
      finished = true;
      waiting.clear();
    }
    close();
  }

  private final class Listener implements WebSocket.Listener {
    @Override
    public void onOpen(WebSocket opened) {
      opening(opened);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      Optional<Response> response;
      synchronized (lock) {
        socketAsked = false;
        midMessage = !last;
      }
      try {
        response = frames.add(data, last);
      } catch (IllegalStateException malformed) {
        fail(malformed);
        return null;
      }
      response.ifPresent(SocketSubscription.this::answer);
      askSocket();
      return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      synchronized (lock) {
        socketAsked = false;
      }
      fail(new IllegalStateException("the node answered a binary request with a text frame"));
      return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
      readOn();
      return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
      readOn();
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      fail(
          new UncheckedIOException(
              new IOException(
                  "the node closed the connection ("
                      + statusCode
                      + (reason.isEmpty() ? "" : " " + reason)
                      + ")")));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      fail(
          error instanceof IOException io
              ? new UncheckedIOException("the connection to the node failed: " + io, io)
              : new IllegalStateException("the connection to the node failed", error));
    }
  }

  private void opening(WebSocket opened) {
    boolean cancelledWhileConnecting;
    synchronized (lock) {
      socket = opened;
      sends = CompletableFuture.completedFuture(opened);
      cancelledWhileConnecting = closing;
      closing = false;
    }
    if (cancelledWhileConnecting) {
      close();
      return;
    }
    // the node handles a connection's requests in order: the subscribe acts as the session's
    // address
    session.ifPresent(
        token ->
            send(Request.newBuilder().setRequestId(AUTHENTICATION).setAuthenticate(token).build()));
    send(request);
    askSocket();
  }

  private void send(Request message) {
    CompletableFuture<WebSocket> sent;
    synchronized (lock) {
      sent =
          sends.thenCompose(open -> open.sendBinary(ByteBuffer.wrap(message.toByteArray()), true));
      sends = sent;
    }
    sent.whenComplete(
        (open, failed) -> {
          if (failed != null) {
            fail(
                new UncheckedIOException(
                    "cannot send to the node: " + failed, new IOException(failed)));
          }
        });
  }

  /**
   * One answer of the node; after a cancel, an error or the end of a resend, answers are dropped.
   */
  private void answer(Response response) {
    boolean ends;
    synchronized (lock) {
      if (closing) {
        return;
      }
      switch (response.getBodyCase()) {
        case EVENT -> {
          if (response.getRequestId().equals(REQUEST)) {
            waiting.add(response);
            answered = true;
          }
        }
        case SUBSCRIBED -> {
          answered = true;
          positions.confirmedAt(response.getSequenceNr());
        }
        case RESEND_DONE -> {
          answered = true;
          resendDone = endsWithResendDone;
        }
        case ERROR -> {
          answered = true;
          failure = refusal(response.getError());
        }
        default -> {
          // authenticated: the subscribe that follows it answers for both
        }
      }
      ends = failure != null || resendDone;
    }
    if (ends) {
      close();
    }
    drain();
  }

  /** Ends the subscription with {@code error}, unless it has already ended. */
  private void fail(RuntimeException error) {
    synchronized (lock) {
      if (closing || failure != null || resendDone) {
        return;
      }
      failure = error;
      answered = true;
    }
    close();
    drain();
  }

  private void close() {
    synchronized (lock) {
      if (closing) {
        return;
      }
      closing = true;
      if (socket == null) {
        // still connecting: opening closes it
        return;
      }
      WebSocket open = socket;
      sends =
          sends
              .handle((sent, failed) -> open)
              .thenCompose(closed -> closed.sendClose(WebSocket.NORMAL_CLOSURE, ""));
    }
    askSocket();
  }

  private void readOn() {
    synchronized (lock) {
      socketAsked = false;
    }
    askSocket();
  }

  /** Reads one more message from the socket if there is room for it (or it is being closed). */
  private void askSocket() {
    WebSocket readable;
    synchronized (lock) {
      boolean room = demand > Long.MAX_VALUE - READ_AHEAD || waiting.size() < demand + READ_AHEAD;
      if (socket == null || socketAsked || !(room || midMessage || closing)) {
        return;
      }
      socketAsked = true;
      readable = socket;
    }
    readable.request(1);
  }

  /**
   * Hands the subscriber every signal it may have now. Signals go out one at a time, outside the
   * lock: whichever thread finds nobody draining drains, and one that finds somebody draining
   * leaves its signal to that thread, which looks again before it stops.
   */
  private void drain() {
    synchronized (lock) {
      if (draining) {
        return;
      }
      draining = true;
    }
    try {
      for (Runnable signal = nextSignal(); signal != null; signal = nextSignal()) {
        signal.run();
      }
    } catch (RuntimeException | Error thrown) {
      synchronized (lock) {
        draining = false;
      }
      cancel();
      throw thrown;
    }
    askSocket();
  }

  private Runnable nextSignal() {
    synchronized (lock) {
      Runnable signal = signalNow();
      if (signal == null) {
        draining = false;
      }
      return signal;
    }
  }

  private Runnable signalNow() {
    if (finished) {
      return null;
    }
    if (!announced) {
      if (!answered) {
        return null;
      }
      announced = true;
      return () -> subscriber.onSubscribe(this);
    }
    if (demand > 0 && !waiting.isEmpty()) {
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      Response event = waiting.poll();
      return () -> {
        positions.delivering(event.getSequenceNr());
        subscriber.onNext(event.getEvent());
      };
    }
    if (failure != null && (waiting.isEmpty() || demand == 0)) {
      finished = true;
      waiting.clear();
      RuntimeException error = failure;
      return () -> subscriber.onError(error);
    }
    if (resendDone && waiting.isEmpty()) {
      finished = true;
      return subscriber::onComplete;
    }
    return null;
  }

  /** The node's error frame as the exception its HTTP answer would give: same code, its status. */
  private static CairnApiException refusal(ApiError error) {
    int status =
        Arrays.stream(ErrorCode.values())
            .filter(code -> code.name().equals(error.getError()))
            .mapToInt(ErrorCode::httpStatus)
            .findFirst()
            .orElse(0);
    return new CairnApiException(status, error.getError(), error.getMessage());
  }
}
