package io.cairn.api.stream;

import io.cairn.api.ApiJson;
import io.cairn.api.ws.WebSocketHandler;
import io.cairn.api.ws.WebSocketRoutes;
import io.cairn.api.ws.WebSocketSession;
import io.cairn.api.ws.WebSocketSession.Outgoing;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.PublishResult;
import io.cairn.protocol.api.v1.PublishResults;
import io.cairn.protocol.api.v1.Request;
import io.cairn.protocol.api.v1.Resend;
import io.cairn.protocol.api.v1.ResendOptions;
import io.cairn.protocol.api.v1.Response;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.api.v1.StreamPart;
import io.cairn.protocol.api.v1.Subscribe;
import io.cairn.stream.PartitionFeed;
import io.cairn.stream.Publisher;
import io.cairn.stream.Resends;
import io.cairn.stream.Stream;
import io.cairn.stream.StreamAccess;
import io.cairn.stream.StreamPartition;
import io.cairn.stream.Streams;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.stream.BufferOverflowException;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The stream feature on one WebSocket connection: publish and publish batches, subscriptions and
 * resends, with the same rules as the HTTP routes ({@link StreamAccess}, {@link PartitionKeyCheck},
 * {@link StreamApiMapper}). Every answer and every subscription's events run into the session's
 * {@code out}, which feeds the socket with backpressure; a subscription's live events wait in a
 * bounded buffer, and a subscriber too slow for it is told and disconnected without holding back
 * the partition or anyone else.
 */
public final class StreamWebSocketHandler implements WebSocketHandler {
  /** The node's stream services, from which each connection gets its handler. */
  public static final class Factory implements WebSocketHandler.Factory {
    private final ActorSystem<?> system;
    private final Publisher publisher;
    private final PartitionKeyCheck partitionKeys;
    private final Resends resends;
    private final Streams streams;
    private final int liveBuffer;

    public Factory(
        ActorSystem<?> system,
        Publisher publisher,
        PartitionKeyCheck partitionKeys,
        Resends resends,
        Streams streams,
        int liveBuffer) {
      this.system = system;
      this.publisher = publisher;
      this.partitionKeys = partitionKeys;
      this.resends = resends;
      this.streams = streams;
      this.liveBuffer = liveBuffer;
    }

    @Override
    public Set<Request.BodyCase> requestTypes() {
      return EnumSet.of(
          Request.BodyCase.PUBLISH,
          Request.BodyCase.PUBLISH_BATCH,
          Request.BodyCase.SUBSCRIBE,
          Request.BodyCase.UNSUBSCRIBE,
          Request.BodyCase.RESEND);
    }

    @Override
    public WebSocketHandler open(WebSocketSession session) {
      return new StreamWebSocketHandler(this, session);
    }
  }

  private final ActorSystem<?> system;
  private final WebSocketSession session;
  private final Publisher publisher;
  private final PartitionKeyCheck partitionKeys;
  private final Resends resends;
  private final PartitionFeed feed;
  private final Streams streams;
  private final int liveBuffer;
  private final Sink<Outgoing, NotUsed> out;
  private final Map<String, UniqueKillSwitch> subscriptions = new ConcurrentHashMap<>();

  /**
   * Completes once the latest publish was handed to the publisher; only {@link #handle} touches it.
   */
  private CompletionStage<Void> lastHandedOver = CompletableFuture.completedStage(null);

  private StreamWebSocketHandler(Factory services, WebSocketSession session) {
    this.system = services.system;
    this.session = session;
    this.publisher = services.publisher;
    this.partitionKeys = services.partitionKeys;
    this.resends = services.resends;
    this.feed = new PartitionFeed(services.system, services.resends);
    this.streams = services.streams;
    this.liveBuffer = services.liveBuffer;
    this.out = session.out();
  }

  @Override
  public void handle(boolean text, Request request) {
    String id = request.getRequestId();
    switch (request.getBodyCase()) {
      case PUBLISH ->
          session.answer(
              text,
              id,
              publish(
                      request.getPublish(),
                      request.hasPartitionKey()
                          ? Optional.of(request.getPartitionKey())
                          : Optional.empty())
                  .thenApply(
                      ack ->
                          Response.newBuilder()
                              .setRequestId(id)
                              .setPublishAck(StreamApiMapper.ack(ack))
                              .build()));
      case PUBLISH_BATCH -> publishBatch(text, id, request.getPublishBatch().getEventsList());
      case SUBSCRIBE -> {
        Subscribe subscribe = request.getSubscribe();
        Optional<ResendOptions> resend =
            subscribe.hasResend() ? Optional.of(subscribe.getResend()) : Optional.empty();
        // a filter that cannot be read is refused before anything is subscribed
        resend.ifPresent(StreamApiMapper::filter);
        subscribe(text, id, subscribe.getStreamId(), subscribe.getPartition(), resend);
      }
      case UNSUBSCRIBE -> {
        StreamPart part = request.getUnsubscribe();
        UniqueKillSwitch subscription =
            subscriptions.remove(StreamPartition.entityId(part.getStreamId(), part.getPartition()));
        if (subscription == null) {
          throw new Rejection(
              ErrorCode.NOT_FOUND,
              "no subscription to "
                  + part.getStreamId()
                  + "#"
                  + part.getPartition()
                  + " on this connection");
        }
        subscription.shutdown();
        send(text, Response.newBuilder().setRequestId(id).setUnsubscribed(part).build());
      }
      case RESEND -> {
        Resend resend = request.getResend();
        StreamApiMapper.filter(resend.getOptions());
        resend(text, id, resend.getStreamId(), resend.getPartition(), resend.getOptions());
      }
      default ->
          throw new IllegalArgumentException(
              "the stream handler does not take " + request.getBodyCase());
    }
  }

  @Override
  public void close() {
    subscriptions.values().forEach(UniqueKillSwitch::shutdown);
    subscriptions.clear();
  }

  private void send(boolean text, Response response) {
    session.send(text, response);
  }

  /** Each event published as if alone, all answered in one frame once the last has its outcome. */
  private void publishBatch(boolean text, String id, List<StreamMessage> events) {
    if (events.isEmpty()) {
      throw new Rejection(ErrorCode.MALFORMED_REQUEST, "publishBatch holds no events");
    }
    List<CompletableFuture<PublishResult>> results =
        events.stream()
            .map(
                event ->
                    publish(event, Optional.empty())
                        .handle(
                            (ack, refused) ->
                                refused == null
                                    ? PublishResult.newBuilder()
                                        .setAck(StreamApiMapper.ack(ack))
                                        .build()
                                    : PublishResult.newBuilder()
                                        .setError(
                                            ApiJson.apiError(ApiJson.rejectionOf(refused, system)))
                                        .build())
                        .toCompletableFuture())
            .toList();
    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .thenRun(
            () -> {
              PublishResults.Builder answer = PublishResults.newBuilder();
              results.forEach(result -> answer.addResults(result.join()));
              send(text, Response.newBuilder().setRequestId(id).setPublishResults(answer).build());
            });
  }

  /**
   * Publishes reach the publisher in the order they arrived, each after its partition key check:
   * the publisher keeps that order, so a chain published in a pipeline stays in order even when one
   * check waits for the stream's state and the next has no key to check.
   */
  private CompletionStage<StreamPartition.Ack> publish(
      StreamMessage event, Optional<String> partitionKey) {
    if (partitionKey.isEmpty() && lastHandedOver.toCompletableFuture().isDone()) {
      return publisher.publish(event);
    }
    CompletionStage<CompletionStage<StreamPartition.Ack>> handedOver =
        lastHandedOver
            .thenCompose(previous -> partitionKeys.check(event, partitionKey))
            .thenApply(checked -> publisher.publish(event));
    lastHandedOver = handedOver.handle((ack, refused) -> null);
    return handedOver.thenCompose(ack -> ack);
  }

  /**
   * The stream, if it has {@code partition} and this connection may subscribe to it (or everyone
   * may).
   */
  private CompletionStage<Stream.State> readable(String streamId, int partition) {
    return streams
        .get(streamId)
        .thenApply(stream -> StreamAccess.requireSubscriber(stream, partition, session.address()));
  }

  /**
   * Answers {@code subscribed} once the feed has confirmed the partition's position, so that every
   * event stored after the answer reaches this connection.
   */
  private void subscribe(
      boolean text, String id, String streamId, int partition, Optional<ResendOptions> resend) {
    String part = StreamPartition.entityId(streamId, partition);
    StreamPart named =
        StreamPart.newBuilder().setStreamId(streamId).setPartition(partition).build();
    readable(streamId, partition)
        .whenComplete(
            (stream, refused) -> {
              if (refused != null) {
                send(text, WebSocketRoutes.error(id, ApiJson.rejectionOf(refused, system)));
                return;
              }
              PartitionFeed.History history =
                  resend
                      .map(
                          options ->
                              PartitionFeed.History.resend(
                                  head -> history(part, options, OptionalLong.of(head))))
                      .orElseGet(PartitionFeed.History::none);
              Source<Outgoing, CompletionStage<Long>> events =
                  feed.follow(part, history, PartitionFeed.LiveBuffer.failing(liveBuffer))
                      .map(
                          event ->
                              new Outgoing(
                                  text,
                                  Response.newBuilder()
                                      .setRequestId(id)
                                      .setSequenceNr(event.sequenceNr())
                                      .setEvent(StreamMessage.parseFrom(event.message()))
                                      .build(),
                                  false));
              CompletableFuture<Outgoing> subscribed = new CompletableFuture<>();
              Pair<CompletionStage<Long>, UniqueKillSwitch> running =
                  Source.completionStage(subscribed)
                      .concatMat(events, Keep.right())
                      .recover(
                          new PFBuilder<Throwable, Outgoing>()
                              .match(
                                  BufferOverflowException.class,
                                  overflow ->
                                      new Outgoing(
                                          text,
                                          WebSocketRoutes.error(
                                              id,
                                              new Rejection(
                                                  ErrorCode.SLOW_SUBSCRIBER,
                                                  "this connection read "
                                                      + part
                                                      + " too slowly: more than "
                                                      + liveBuffer
                                                      + " events waited; reconnect and resend from the last one")),
                                          true))
                              .matchAny(failure -> errorFrame(text, id, failure))
                              .build())
                      .viaMat(KillSwitches.single(), Keep.both())
                      .toMat(out, Keep.left())
                      .run(system);
              // registered before it is answered, so an unsubscribe right after the answer finds it
              UniqueKillSwitch previous = subscriptions.put(part, running.second());
              if (previous != null) {
                previous.shutdown();
              }
              running
                  .first()
                  .whenComplete(
                      (position, failure) -> {
                        if (failure == null) {
                          subscribed.complete(
                              new Outgoing(
                                  text,
                                  Response.newBuilder()
                                      .setRequestId(id)
                                      .setSequenceNr(position)
                                      .setSubscribed(named)
                                      .build(),
                                  false));
                        } else {
                          subscriptions.remove(part, running.second());
                        }
                      });
            });
  }

  private void resend(
      boolean text, String id, String streamId, int partition, ResendOptions options) {
    String part = StreamPartition.entityId(streamId, partition);
    StreamPart named =
        StreamPart.newBuilder().setStreamId(streamId).setPartition(partition).build();
    readable(streamId, partition)
        .whenComplete(
            (stream, refused) -> {
              if (refused != null) {
                send(text, WebSocketRoutes.error(id, ApiJson.rejectionOf(refused, system)));
                return;
              }
              history(part, options, OptionalLong.empty())
                  .map(
                      event ->
                          new Outgoing(
                              text,
                              Response.newBuilder()
                                  .setRequestId(id)
                                  .setSequenceNr(event.sequenceNr())
                                  .setEvent(StreamMessage.parseFrom(event.stored().message()))
                                  .build(),
                              false))
                  .concat(
                      Source.single(
                          new Outgoing(
                              text,
                              Response.newBuilder().setRequestId(id).setResendDone(named).build(),
                              false)))
                  // a resend that fails ends with an error frame instead of resendDone, and the
                  // connection goes on
                  .recover(
                      new PFBuilder<Throwable, Outgoing>()
                          .matchAny(failure -> errorFrame(text, id, failure))
                          .build())
                  .runWith(out, system);
            });
  }

  /** The error frame that answers request {@code id} when it fails with {@code failure}. */
  private Outgoing errorFrame(boolean text, String id, Throwable failure) {
    return new Outgoing(
        text, WebSocketRoutes.error(id, ApiJson.rejectionOf(failure, system)), false);
  }

  /**
   * The stored events {@code options} names; a subscription's history is taken as of the position
   * it was confirmed at ({@code upTo}), a resend's as of when it runs.
   */
  private Source<Resends.Resent, NotUsed> history(
      String part, ResendOptions options, OptionalLong upTo) {
    Resends.Filter filter = StreamApiMapper.filter(options);
    int last = Math.max(0, options.getLast());
    return switch (options.getKindCase()) {
      case LAST ->
          upTo.isPresent()
              ? resends.last(part, last, filter, upTo.getAsLong())
              : resends.last(part, last, filter);
      case FROM -> resends.from(part, StreamApiMapper.position(options.getFrom()), filter);
      case RANGE ->
          resends.range(
              part,
              StreamApiMapper.position(options.getRange().getFrom()),
              StreamApiMapper.position(options.getRange().getTo()),
              filter);
      case AFTER ->
          options.getAfter() < 0
              ? Source.failed(
                  new Rejection(
                      ErrorCode.MALFORMED_REQUEST,
                      "resend after "
                          + options.getAfter()
                          + ": a place in the journal is a sequence number, 0 or more"))
              : resends
                  .after(part, options.getAfter())
                  .filter(event -> filter.test(event.stored()));
      case KIND_NOT_SET -> Source.empty();
    };
  }
}
