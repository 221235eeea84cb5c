package io.cairn.api.stream;

import com.google.protobuf.util.JsonFormat;
import io.cairn.api.ApiJson;
import io.cairn.api.ApiRoutes;
import io.cairn.client.EventJson;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.stream.Publisher;
import io.cairn.stream.Resends;
import io.cairn.stream.StreamPartition;
import java.nio.ByteBuffer;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.StringUnmarshallers;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Publishing ({@code POST /streams/{id}/messages}, with an optional {@code partitionKey} the
 * event's partition must match) and the stored-event queries at the paths and parameters of a
 * Streamr storage node ({@code /streams/{id}/data/partitions/{p}/last|from|range}). Answers stream
 * from the journal with backpressure: {@code format=object} as a JSON array in the object form of
 * Streamr's storage nodes, {@code format=protobuf-json} as a JSON array of StreamMessages in
 * protobuf's JSON mapping, {@code format=raw} as frames of a 4-byte big-endian length and the
 * protobuf bytes.
 */
public final class StreamDataRoutes extends ApiRoutes {
  private static final JsonFormat.Printer JSON =
      JsonFormat.printer().omittingInsignificantWhitespace();

  private final Publisher publisher;
  private final PartitionKeyCheck partitionKeys;
  private final Resends resends;
  private final StreamReadAccess access;
  private final long maxContentBytes;

  public StreamDataRoutes(
      ActorSystem<?> system,
      Publisher publisher,
      PartitionKeyCheck partitionKeys,
      Resends resends,
      StreamReadAccess access,
      long maxContentBytes) {
    super(system);
    this.maxContentBytes = maxContentBytes;
    this.publisher = publisher;
    this.partitionKeys = partitionKeys;
    this.resends = resends;
    this.access = access;
  }

  @Override
  public Route routes() {
    return pathPrefix(
        "streams",
        () ->
            pathPrefix(
                PathMatchers.segment(),
                id ->
                    concat(
                        path("messages", () -> post(() -> publish(id))),
                        pathPrefix(
                            PathMatchers.segment("data")
                                .slash("partitions")
                                .slash(PathMatchers.integerSegment()),
                            // the resource first, then who may read it: an unknown path is 404
                            // on any stream
                            partition ->
                                get(
                                    () ->
                                        concat(
                                            path(
                                                "last",
                                                () ->
                                                    access.readable(
                                                        id, partition, () -> last(id, partition))),
                                            path(
                                                "from",
                                                () ->
                                                    access.readable(
                                                        id, partition, () -> from(id, partition))),
                                            path(
                                                "range",
                                                () ->
                                                    access.readable(
                                                        id,
                                                        partition,
                                                        () -> range(id, partition)))))))));
  }

  private Route publish(String id) {
    // room for the largest content in base64 and its envelope, so that an oversized content is
    // answered CONTENT_TOO_LARGE by the publisher rather than cut off while parsing
    long limit = maxContentBytes * 4 / 3 + 64 * 1024;
    return withSizeLimit(
        limit,
        () ->
            parameterOptional(
                "partitionKey",
                partitionKey ->
                    this.<StreamMessage>body(
                        StreamMessage.newBuilder(),
                        message -> {
                          if (!message.getMessageId().getStreamId().equals(id)) {
                            return complete(
                                ApiJson.error(
                                    ErrorCode.INVALID_EVENT,
                                    "the event names stream '"
                                        + message.getMessageId().getStreamId()
                                        + "' but was sent to "
                                        + id));
                          }
                          return reply(
                              partitionKeys
                                  .check(message, partitionKey)
                                  .thenCompose(checked -> publisher.publish(message)),
                              ack -> ApiJson.ok(StreamApiMapper.ack(ack)));
                        })));
  }

  private Route last(String id, int partition) {
    return parameterOptional(
        StringUnmarshallers.INTEGER,
        "count",
        count ->
            filtered(
                filter ->
                    respond(
                        resends.last(
                            StreamPartition.entityId(id, partition),
                            Math.max(0, count.orElse(1)),
                            filter))));
  }

  private Route from(String id, int partition) {
    return parameter(
        StringUnmarshallers.LONG,
        "fromTimestamp",
        fromTimestamp ->
            parameterOptional(
                StringUnmarshallers.INTEGER,
                "fromSequenceNumber",
                fromSequence ->
                    filtered(
                        filter ->
                            respond(
                                resends.from(
                                    StreamPartition.entityId(id, partition),
                                    new StreamPartition.Position(
                                        fromTimestamp, fromSequence.orElse(0)),
                                    filter)))));
  }

  private Route range(String id, int partition) {
    return parameter(
        StringUnmarshallers.LONG,
        "fromTimestamp",
        fromTimestamp ->
            parameter(
                StringUnmarshallers.LONG,
                "toTimestamp",
                toTimestamp ->
                    parameterOptional(
                        StringUnmarshallers.INTEGER,
                        "fromSequenceNumber",
                        fromSequence ->
                            parameterOptional(
                                StringUnmarshallers.INTEGER,
                                "toSequenceNumber",
                                toSequence ->
                                    filtered(
                                        filter ->
                                            respond(
                                                resends.range(
                                                    StreamPartition.entityId(id, partition),
                                                    new StreamPartition.Position(
                                                        fromTimestamp, fromSequence.orElse(0)),
                                                    new StreamPartition.Position(
                                                        toTimestamp,
                                                        toSequence.orElse(Integer.MAX_VALUE)),
                                                    filter)))))));
  }

  private Route filtered(Function<Resends.Filter, Route> inner) {
    return parameterOptional(
        "publisherId",
        publisherId ->
            parameterOptional(
                "msgChainId", chainId -> inner.apply(Resends.Filter.parse(publisherId, chainId))));
  }

  private Route respond(Source<Resends.Resent, NotUsed> events) {
    return parameterOptional(
        "format",
        format -> {
          String chosen = format.orElse("object");
          if (chosen.equals("raw")) {
            return complete(
                HttpResponse.create()
                    .withEntity(
                        HttpEntities.create(
                            ContentTypes.APPLICATION_OCTET_STREAM,
                            events.map(event -> frame(event.stored().message())))));
          }
          org.apache.pekko.japi.function.Function<StreamMessage, String> json =
              switch (chosen) {
                case "object" -> event -> EventJson.streamrObject(event).toString();
                case "protobuf-json" -> JSON::print;
                default -> null;
              };
          if (json == null) {
            return complete(
                ApiJson.error(
                    ErrorCode.MALFORMED_REQUEST,
                    "format is object, protobuf-json or raw, not " + chosen));
          }
          Source<ByteString, NotUsed> array =
              events
                  .map(
                      event ->
                          ByteString.fromString(
                              json.apply(StreamMessage.parseFrom(event.stored().message()))))
                  .intersperse(
                      ByteString.fromString("["),
                      ByteString.fromString(","),
                      ByteString.fromString("]"));
          return complete(
              HttpResponse.create()
                  .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, array)));
        });
  }

  /** One raw frame: the message's length as 4 bytes big-endian, then the message. */
  static ByteString frame(byte[] message) {
    return ByteString.fromByteBuffer(ByteBuffer.allocate(4).putInt(message.length).flip())
        .concat(ByteString.fromArray(message));
  }
}
