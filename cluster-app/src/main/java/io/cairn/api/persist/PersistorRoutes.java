package io.cairn.api.persist;

import io.cairn.api.ApiJson;
import io.cairn.api.ApiRoutes;
import io.cairn.api.auth.Authentication;
import io.cairn.persist.PairJournal;
import io.cairn.persist.Persistor;
import io.cairn.persist.PersistorSerializer;
import io.cairn.persist.PersistorSettings;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.proto.persist.PairPage;
import io.cairn.protocol.stream.Permission;
import io.cairn.stream.Stream;
import io.cairn.stream.Streams;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.StringUnmarshallers;
import org.apache.pekko.util.ByteString;

/**
 * A stream's persistor: {@code GET /streams/{id}/persistor} (mode, count, root, latest signed
 * checkpoint), {@code PUT /streams/{id}/persistor} (the owner appoints or configures it) and {@code
 * GET /streams/{id}/pairs?from=N&to=M}, pairs [from, to) streamed from the persistor's journal with
 * backpressure as length-delimited {@code PairPage}s (a varint byte count, then the page), each
 * sealed under one group key exactly as stored. Reading needs what reading the stream's events
 * needs: the subscribe permission, or a public stream.
 */
public final class PersistorRoutes extends ApiRoutes {
  /** The content type of the pages: protobuf messages, each after its varint length. */
  public static final ContentType PAGES = ContentTypes.parse(PROTOBUF + "; delimited=true");

  private final Streams streams;
  private final Authentication authentication;
  private final PairJournal journal;
  private final PersistorSettings settings;

  public PersistorRoutes(
      ActorSystem<?> system,
      Streams streams,
      Authentication authentication,
      PairJournal journal,
      PersistorSettings settings) {
    super(system);
    this.streams = streams;
    this.authentication = authentication;
    this.journal = journal;
    this.settings = settings;
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
                        path(
                            "persistor",
                            () ->
                                concat(
                                    get(
                                        () ->
                                            readable(
                                                id,
                                                () ->
                                                    reply(
                                                        persistor(id)
                                                            .<Persistor.Status>askWithStatus(
                                                                Persistor.GetStatus::new,
                                                                settings.askTimeout()),
                                                        status ->
                                                            ApiJson.ok(
                                                                PersistorSerializer.toProto(
                                                                    status))))),
                                    put(() -> owned(id, () -> configure(id))))),
                        path("pairs", () -> get(() -> readable(id, () -> pairs(id)))))));
  }

  private EntityRef<Persistor.Command> persistor(String id) {
    return ClusterSharding.get(system).entityRefFor(Persistor.ENTITY_KEY, id);
  }

  private Route configure(String id) {
    return this.<io.cairn.protocol.proto.persist.PersistorSettings>body(
        io.cairn.protocol.proto.persist.PersistorSettings.newBuilder(),
        requested -> {
          if (requested.getIntervalMillis() < 0) {
            return complete(
                ApiJson.error(
                    ErrorCode.INVALID_PERSISTOR_SETTINGS, "intervalMillis is not negative"));
          }
          Optional<Duration> interval =
              requested.getIntervalMillis() == 0
                  ? Optional.empty()
                  : Optional.of(Duration.ofMillis(requested.getIntervalMillis()));
          return reply(
              persistor(id)
                  .<Persistor.Status>askWithStatus(
                      replyTo ->
                          new Persistor.Configure(
                              PersistorSerializer.fromProto(requested.getMode()),
                              interval,
                              replyTo),
                      settings.askTimeout()),
              status -> ApiJson.ok(PersistorSerializer.toProto(status)));
        });
  }

  private Route pairs(String id) {
    return parameter(
        StringUnmarshallers.LONG,
        "from",
        from ->
            parameterOptional(
                StringUnmarshallers.LONG,
                "to",
                to ->
                    onComplete(
                        persistor(id)
                            .<Persistor.Located>askWithStatus(
                                replyTo -> new Persistor.Locate(from, to.orElse(-1L), replyTo),
                                settings.askTimeout()),
                        located -> {
                          if (located.isFailure()) {
                            return complete(
                                ApiJson.error(ApiJson.rejectionOf(located.failed().get(), system)));
                          }
                          Persistor.Located range = located.get();
                          return complete(
                              HttpResponse.create()
                                  .withEntity(
                                      HttpEntities.createChunked(
                                          PAGES,
                                          journal
                                              .pages(
                                                  id,
                                                  range.fromSequenceNr(),
                                                  range.from(),
                                                  range.to(),
                                                  settings.pageSize())
                                              .map(PersistorRoutes::delimited))));
                        })));
  }

  /** One page after its varint length, as {@code parseDelimitedFrom} reads it. */
  static ByteString delimited(PairPage page) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(page.getSerializedSize() + 5);
    try {
      page.writeDelimitedTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory does not fail", e);
    }
    return ByteString.fromArrayUnsafe(out.toByteArray());
  }

  /**
   * The stream's persistor is read by those who may read the stream: everyone on a public stream,
   * else by session.
   */
  private Route readable(String id, Supplier<Route> inner) {
    return onComplete(
        streams.get(id),
        result -> {
          if (result.isFailure()) {
            return complete(ApiJson.error(ApiJson.rejectionOf(result.failed().get(), system)));
          }
          Stream.State stream = result.get();
          if (stream.publicPermissions().contains(Permission.SUBSCRIBE)) {
            return inner.get();
          }
          return authentication.authenticated(
              reader ->
                  stream.may(reader, Permission.SUBSCRIBE)
                      ? inner.get()
                      : complete(
                          ApiJson.error(
                              ErrorCode.NOT_PERMITTED,
                              reader + " lacks the subscribe permission on " + id)));
        });
  }

  /** Appointing a persistor commits the cluster to work for the stream: only its owner may. */
  private Route owned(String id, Supplier<Route> inner) {
    return authentication.authenticated(
        requester ->
            onComplete(
                streams.get(id),
                result -> {
                  if (result.isFailure()) {
                    return complete(
                        ApiJson.error(ApiJson.rejectionOf(result.failed().get(), system)));
                  }
                  return result.get().owner().equals(requester)
                      ? inner.get()
                      : complete(
                          ApiJson.error(
                              ErrorCode.NOT_PERMITTED,
                              "only the owner of " + id + " appoints its persistor"));
                }));
  }
}
