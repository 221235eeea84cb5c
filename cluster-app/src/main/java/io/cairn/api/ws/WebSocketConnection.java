package io.cairn.api.ws;

import io.cairn.api.ApiJson;
import io.cairn.api.auth.SessionTokens;
import io.cairn.api.stream.PartitionKeyCheck;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.proto.event.StreamMessage;
import io.cairn.protocol.proto.stream.ChainPosition;
import io.cairn.protocol.proto.stream.PublishAck;
import io.cairn.protocol.proto.ws.PublishResult;
import io.cairn.protocol.proto.ws.PublishResults;
import io.cairn.protocol.proto.ws.Request;
import io.cairn.protocol.proto.ws.ResendOptions;
import io.cairn.protocol.proto.ws.Response;
import io.cairn.protocol.proto.ws.StreamPart;
import io.cairn.protocol.stream.Permission;
import io.cairn.stream.PartitionFeed;
import io.cairn.stream.Publisher;
import io.cairn.stream.Resends;
import io.cairn.stream.Stream;
import io.cairn.stream.StreamPartition;
import io.cairn.stream.Streams;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.BufferOverflowException;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * One WebSocket connection's requests and subscriptions. Every answer and every subscription's
 * events run into {@code out}, which feeds the socket with backpressure; a subscription's live
 * events wait in a bounded buffer, and a subscriber too slow for it is told and disconnected
 * without holding back the partition or anyone else.
 */
final class WebSocketConnection {
  /**
   * An answer and the format of the request it answers; {@code last} closes the connection after
   * it.
   */
  record Outgoing(boolean text, Response response, boolean last) {}

  private final ActorSystem<?> system;
  private final WebSocketRequests requests;
  private final Publisher publisher;
  private final PartitionKeyCheck partitionKeys;
  private final Resends resends;
  private final PartitionFeed feed;
  private final Streams streams;
  private final SessionTokens tokens;
  private final int liveBuffer;
  private final Sink<Outgoing, NotUsed> out;
  private final BoundedSourceQueue<Outgoing> answers;
  private final Map<String, UniqueKillSwitch> subscriptions = new ConcurrentHashMap<>();
  private volatile Optional<EthereumAddress> address = Optional.empty();

  /**
   * Completes once the latest publish was handed to the publisher; only {@link #handle} touches it.
   */
  private CompletionStage<Void> lastHandedOver = CompletableFuture.completedStage(null);

  WebSocketConnection(
      ActorSystem<?> system,
      WebSocketRequests requests,
      Publisher publisher,
      PartitionKeyCheck partitionKeys,
      Resends resends,
      Streams streams,
      SessionTokens tokens,
      int liveBuffer,
      Sink<Outgoing, NotUsed> out,
      BoundedSourceQueue<Outgoing> answers) {
    this.system = system;
    this.requests = requests;
    this.publisher = publisher;
    this.partitionKeys = partitionKeys;
    this.resends = resends;
    this.feed = new PartitionFeed(system, resends);
    this.streams = streams;
    this.tokens = tokens;
    this.liveBuffer = liveBuffer;
    this.out = out;
    this.answers = answers;
  }

  void handle(boolean text, Request request) {
    String id = request.getRequestId();
    switch (request.getBodyCase()) {
      case AUTHENTICATE -> {
        try {
          EthereumAddress who = tokens.verify(request.getAuthenticate());
          address = Optional.of(who);
          send(text, Response.newBuilder().setRequestId(id).setAuthenticated(who.value()).build());
        } catch (Rejection refused) {
          send(text, WebSocketRoutes.error(id, refused));
        }
      }
      case PUBLISH ->
          answer(
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
                              .setPublishAck(toProto(ack))
                              .build()));
      case PUBLISH_BATCH -> publishBatch(text, id, request.getPublishBatch().getEventsList());
      case SUBSCRIBE ->
          subscribe(
              text,
              id,
              request.getSubscribe().getStreamId(),
              request.getSubscribe().getPartition(),
              request.getSubscribe().hasResend()
                  ? Optional.of(request.getSubscribe().getResend())
                  : Optional.empty());
      case UNSUBSCRIBE -> {
        StreamPart part = request.getUnsubscribe();
        UniqueKillSwitch subscription =
            subscriptions.remove(StreamPartition.entityId(part.getStreamId(), part.getPartition()));
        if (subscription == null) {
          send(
              text,
              WebSocketRoutes.error(
                  id,
                  new Rejection(
                      ErrorCode.NOT_FOUND,
                      "no subscription to "
                          + part.getStreamId()
                          + "#"
                          + part.getPartition()
                          + " on this connection")));
        } else {
          subscription.shutdown();
          send(text, Response.newBuilder().setRequestId(id).setUnsubscribed(part).build());
        }
      }
      case RESEND ->
          resend(
              text,
              id,
              request.getResend().getStreamId(),
              request.getResend().getPartition(),
              request.getResend().getOptions());
      default -> answer(text, id, requests.answer(request));
    }
  }

  /** One answer; a client that lets the answer queue fill up without reading is disconnected. */
  void send(boolean text, Response response) {
    QueueOfferResult result = answers.offer(new Outgoing(text, response, false));
    if (result != QueueOfferResult.enqueued() && result != QueueOfferResult.closed()) {
      answers.fail(new IllegalStateException("the client did not read its answers"));
    }
  }

  void close() {
    subscriptions.values().forEach(UniqueKillSwitch::shutdown);
    subscriptions.clear();
  }

  private void answer(boolean text, String id, CompletionStage<Response> answer) {
    answer.whenComplete(
        (response, failure) ->
            send(
                text,
                failure == null
                    ? response
                    : WebSocketRoutes.error(id, ApiJson.rejectionOf(failure, system))));
  }

  /** Each event published as if alone, all answered in one frame once the last has its outcome. */
  private void publishBatch(boolean text, String id, List<StreamMessage> events) {
    if (events.isEmpty()) {
      send(
          text,
          WebSocketRoutes.error(
              id, new Rejection(ErrorCode.MALFORMED_REQUEST, "publishBatch holds no events")));
      return;
    }
    List<CompletableFuture<PublishResult>> results =
        events.stream()
            .map(
                event ->
                    publish(event, Optional.empty())
                        .handle(
                            (ack, refused) ->
                                refused == null
                                    ? PublishResult.newBuilder().setAck(toProto(ack)).build()
                                    : PublishResult.newBuilder()
                                        .setError(
                                            WebSocketRoutes.apiError(
                                                ApiJson.rejectionOf(refused, system)))
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

  private static PublishAck toProto(StreamPartition.Ack ack) {
    return PublishAck.newBuilder()
        .setSequenceNr(ack.sequenceNr())
        .setDuplicate(ack.duplicate())
        .setGap(ack.gap())
        .build();
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
        .thenApply(
            stream -> {
              stream.requirePartition(partition);
              boolean allowed =
                  stream.publicPermissions().contains(Permission.SUBSCRIBE)
                      || address.map(who -> stream.may(who, Permission.SUBSCRIBE)).orElse(false);
              if (!allowed) {
                throw new Rejection(
                    address.isEmpty() ? ErrorCode.UNAUTHENTICATED : ErrorCode.NOT_PERMITTED,
                    address
                        .map(who -> who + " lacks the subscribe permission on " + streamId)
                        .orElse("authenticate first: stream " + streamId + " is not public"));
              }
              return stream;
            });
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
                      .map(options -> PartitionFeed.History.resend(history(part, options)))
                      .orElseGet(PartitionFeed.History::none);
              Source<Outgoing, CompletionStage<Long>> events =
                  feed.follow(part, history, PartitionFeed.LiveBuffer.failing(liveBuffer))
                      .map(
                          event ->
                              new Outgoing(
                                  text,
                                  Response.newBuilder()
                                      .setRequestId(id)
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
                              .matchAny(
                                  failure ->
                                      new Outgoing(
                                          text,
                                          WebSocketRoutes.error(
                                              id, ApiJson.rejectionOf(failure, system)),
                                          false))
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
              history(part, options)
                  .map(
                      event ->
                          new Outgoing(
                              text,
                              Response.newBuilder()
                                  .setRequestId(id)
                                  .setEvent(StreamMessage.parseFrom(event.stored().message()))
                                  .build(),
                              false))
                  .concat(
                      Source.single(
                          new Outgoing(
                              text,
                              Response.newBuilder().setRequestId(id).setResendDone(named).build(),
                              false)))
                  .runWith(out, system);
            });
  }

  private static Resends.Filter filterOf(ResendOptions options) {
    return new Resends.Filter(
        options.getPublisherId().isEmpty()
            ? Optional.empty()
            : Optional.of(options.getPublisherId().toLowerCase()),
        options.getMsgChainId().isEmpty()
            ? Optional.empty()
            : Optional.of(options.getMsgChainId()));
  }

  private Source<Resends.Resent, NotUsed> history(String part, ResendOptions options) {
    Resends.Filter filter = filterOf(options);
    return switch (options.getKindCase()) {
      case LAST -> resends.last(part, Math.max(0, options.getLast()), filter);
      case FROM -> resends.from(part, position(options.getFrom()), filter);
      case RANGE ->
          resends.range(
              part,
              position(options.getRange().getFrom()),
              position(options.getRange().getTo()),
              filter);
      case KIND_NOT_SET -> Source.empty();
    };
  }

  private static StreamPartition.Position position(ChainPosition position) {
    return new StreamPartition.Position(position.getTimestamp(), position.getSequenceNumber());
  }
}
