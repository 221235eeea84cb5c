package io.cairn.client;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.api.v1.Request;
import io.cairn.protocol.api.v1.ResendOptions;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.api.v1.Subscribe;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A subscription that outlives its connection, as a Kafka consumer outlives a broker's restart:
 * when the connection to the node is lost, or the node ends the subscription as {@code UNAVAILABLE}
 * or {@code SLOW_SUBSCRIBER}, it connects again after a growing pause and resumes with a resend
 * {@code after} the journal place of the last event it delivered, so that none is missed and none
 * comes twice. A refusal (no access, no such stream) ends it with its error, and so does any
 * failure before the node first confirmed it: a node that cannot be reached at all is the caller's
 * to hear of. Each connection is a {@link SocketSubscription}; the subscriber sees one subscription
 * throughout.
 */
final class ResumingSubscription implements Flow.Subscription {

  /** Opens one connection's subscription for {@code request}. */
  @FunctionalInterface
  interface Connector {
    SocketSubscription open(
        Request request,
        Flow.Subscriber<StreamMessage> subscriber,
        SocketSubscription.Positions positions);
  }

  private static final ScheduledExecutorService PAUSES =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "cairn-resubscribe");
            thread.setDaemon(true);
            return thread;
          });

  private final Flow.Subscriber<? super StreamMessage> subscriber;
  private final Subscribe subscribe;
  private final CairnClient.Resubscribe settings;
  private final Connector connector;

  // guarded by this
  private SocketSubscription current;
  private long outstanding;
  private boolean announced;
  private boolean confirmedOnce;
  private boolean cancelled;
  private Duration pause;

  /** The journal place of the last event delivered, or -1 before the first. */
  private long lastDelivered = -1;

  /** The partition's place when the node first confirmed the subscription, or -1. */
  private long firstConfirmedAt = -1;

  private ResumingSubscription(
      Flow.Subscriber<? super StreamMessage> subscriber,
      Subscribe subscribe,
      CairnClient.Resubscribe settings,
      Connector connector) {
    this.subscriber = subscriber;
    this.subscribe = subscribe;
    this.settings = settings;
    this.connector = connector;
    this.pause = settings.firstPause();
  }

  static void start(
      Flow.Subscriber<? super StreamMessage> subscriber,
      Subscribe subscribe,
      CairnClient.Resubscribe settings,
      Connector connector) {
    new ResumingSubscription(subscriber, subscribe, settings, connector).connect();
  }

  @Override
  public void request(long n) {
    SocketSubscription now;
    synchronized (this) {
      if (n > 0) {
        outstanding = Long.MAX_VALUE - outstanding < n ? Long.MAX_VALUE : outstanding + n;
      }
      now = current;
    }
    // a non-positive demand is the connection's to refuse (Reactive Streams rule 3.9)
    now.request(n);
  }

  @Override
  public void cancel() {
    SocketSubscription now;
    synchronized (this) {
      cancelled = true;
      now = current;
    }
    if (now != null) {
      now.cancel();
    }
  }

  private void connect() {
    Request request;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      request = Request.newBuilder().setSubscribe(resumePoint()).build();
    }
    Connection connection = new Connection();
    connector.open(request, connection, connection);
  }

  /**
   * What to ask for next: after the last event delivered; before any, after the partition's place
   * when first confirmed if no history was asked for; otherwise the subscription as first asked.
   */
  private Subscribe resumePoint() {
    long after =
        lastDelivered >= 0
            ? lastDelivered
            : subscribe.getResend().getKindCase() == ResendOptions.KindCase.KIND_NOT_SET
                ? firstConfirmedAt
                : -1;
    if (after < 0) {
      return subscribe;
    }
    return subscribe.toBuilder()
        .setResend(subscribe.getResend().toBuilder().setAfter(after))
        .build();
  }

  private static boolean isLostConnection(Throwable failure) {
    return failure instanceof UncheckedIOException
        || failure instanceof CairnApiException refused
            && (refused.code().equals(ErrorCode.UNAVAILABLE.name())
                || refused.code().equals(ErrorCode.SLOW_SUBSCRIBER.name()));
  }

  /** One connection's signals, and where it stands. */
  private final class Connection
      implements Flow.Subscriber<StreamMessage>, SocketSubscription.Positions {
    @Override
    public void onSubscribe(Flow.Subscription opened) {
      boolean first;
      boolean stopped;
      long demand;
      synchronized (ResumingSubscription.this) {
        current = (SocketSubscription) opened;
        first = !announced;
        announced = true;
        demand = outstanding;
        stopped = cancelled;
      }
      if (stopped) {
        opened.cancel();
      } else if (first) {
        subscriber.onSubscribe(ResumingSubscription.this);
      } else if (demand > 0) {
        opened.request(demand);
      }
    }

    @Override
    public void confirmedAt(long sequenceNr) {
      boolean resumed;
      synchronized (ResumingSubscription.this) {
        resumed = confirmedOnce;
        confirmedOnce = true;
        if (firstConfirmedAt < 0) {
          firstConfirmedAt = sequenceNr;
        }
        pause = settings.firstPause();
      }
      if (resumed) {
        settings.notices().accept("resubscribed to " + part());
      }
    }

    @Override
    public void delivering(long sequenceNr) {
      synchronized (ResumingSubscription.this) {
        lastDelivered = sequenceNr;
        if (outstanding != Long.MAX_VALUE) {
          outstanding--;
        }
      }
    }

    @Override
    public void onNext(StreamMessage event) {
      subscriber.onNext(event);
    }

    @Override
    public void onError(Throwable failure) {
      Duration wait;
      synchronized (ResumingSubscription.this) {
        if (cancelled) {
          return;
        }
        if (!confirmedOnce || !isLostConnection(failure)) {
          cancelled = true;
          wait = null;
        } else {
          wait = pause;
          pause =
              pause.multipliedBy(2).compareTo(settings.maxPause()) > 0
                  ? settings.maxPause()
                  : pause.multipliedBy(2);
        }
      }
      if (wait == null) {
        subscriber.onError(failure);
        return;
      }
      settings
          .notices()
          .accept(
              "lost "
                  + part()
                  + ": "
                  + failure.getMessage()
                  + "; resubscribing in "
                  + wait.toMillis()
                  + " ms");
      PAUSES.schedule(ResumingSubscription.this::connect, wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void onComplete() {
      subscriber.onComplete();
    }
  }

  private String part() {
    return subscribe.getStreamId() + " partition " + subscribe.getPartition();
  }
}
