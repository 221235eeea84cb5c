package io.cairn.api.persist;

import io.cairn.api.ApiJson;
import io.cairn.api.ApiRoutes;
import io.cairn.api.auth.Authentication;
import io.cairn.api.stream.StreamReadAccess;
import io.cairn.persist.PairJournal;
import io.cairn.persist.Persistor;
import io.cairn.persist.PersistorSettings;
import io.cairn.protocol.api.v1.PairPage;
import io.cairn.stream.StreamAccess;
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
  private final StreamReadAccess access;
  private final PairJournal journal;
  private final PersistorSettings settings;

  public PersistorRoutes(
      ActorSystem<?> system,
      Streams streams,
      Authentication authentication,
      StreamReadAccess access,
      PairJournal journal,
      PersistorSettings settings) {
    super(system);
    this.streams = streams;
    this.authentication = authentication;
    this.access = access;
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
                                            access.readable(
                                                id,
                                                () ->
                                                    reply(
                                                        persistor(id)
                                                            .<Persistor.Status>askWithStatus(
                                                                Persistor.GetStatus::new,
                                                                settings.askTimeout()),
                                                        status ->
                                                            ApiJson.ok(
                                                                PersistorApiMapper.status(
                                                                    status))))),
                                    put(() -> owned(id, () -> configure(id))))),
                        path("pairs", () -> get(() -> access.readable(id, () -> pairs(id)))))));
  }

  private EntityRef<Persistor.Command> persistor(String id) {
    return ClusterSharding.get(system).entityRefFor(Persistor.ENTITY_KEY, id);
  }

  private Route configure(String id) {
    return this.<io.cairn.protocol.api.v1.PersistorSettings>body(
        io.cairn.protocol.api.v1.PersistorSettings.newBuilder(),
        requested -> {
          Optional<Duration> interval = PersistorApiMapper.interval(requested);
          return reply(
              persistor(id)
                  .<Persistor.Status>askWithStatus(
                      replyTo ->
                          new Persistor.Configure(
                              PersistorApiMapper.mode(requested.getMode()),
                              interval,
                              requested.getWhileLicensed(),
                              replyTo),
                      settings.askTimeout()),
              status -> ApiJson.ok(PersistorApiMapper.status(status)));
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
                    onSuccess(
                        persistor(id)
                            .<Persistor.Located>askWithStatus(
                                replyTo -> new Persistor.Locate(from, to.orElse(-1L), replyTo),
                                settings.askTimeout()),
                        range ->
                            complete(
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
                                                .map(PersistorRoutes::delimited)))))));
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

  /** Appointing a persistor commits the cluster to work for the stream: only its owner may. */
  private Route owned(String id, Supplier<Route> inner) {
    return authentication.authenticated(
        requester ->
            onSuccess(
                streams.get(id),
                stream -> {
                  StreamAccess.requireOwner(stream, requester, "appoints its persistor");
                  return inner.get();
                }));
  }
}
