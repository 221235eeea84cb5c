package io.cairn.api.stream;

import io.cairn.api.ApiJson;
import io.cairn.api.ApiRoutes;
import io.cairn.api.auth.Authentication;
import io.cairn.keys.KeyCustodians;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.CreateStreamRequest;
import io.cairn.protocol.api.v1.PermissionRequest;
import io.cairn.protocol.api.v1.StreamDescription;
import io.cairn.protocol.api.v1.UpdateStreamRequest;
import io.cairn.protocol.stream.Permission;
import io.cairn.protocol.stream.StreamId;
import io.cairn.stream.Grantee;
import io.cairn.stream.Streams;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.StringUnmarshallers;

/**
 * {@code /api/v1/streams}: create, read, update, delete and search streams, grant and revoke
 * permissions. Stream ids hold a slash, so in paths they are percent-encoded ({@code
 * 0xabc.../sensors} is {@code 0xabc...%2Fsensors}), as Streamr clients send them. Reading is
 * public; every change needs a session and is checked by the stream itself.
 */
public final class StreamRoutes extends ApiRoutes {
  private final Streams streams;
  private final KeyCustodians custodians;
  private final Authentication authentication;

  public StreamRoutes(
      ActorSystem<?> system,
      Streams streams,
      KeyCustodians custodians,
      Authentication authentication) {
    super(system);
    this.streams = streams;
    this.custodians = custodians;
    this.authentication = authentication;
  }

  @Override
  public Route routes() {
    return pathPrefix(
        "streams",
        () ->
            concat(
                pathEnd(
                    () ->
                        concat(
                            get(this::search),
                            post(() -> authentication.authenticated(this::create)))),
                pathPrefix(
                    PathMatchers.segment(),
                    id ->
                        concat(
                            pathEnd(
                                () ->
                                    concat(
                                        get(
                                            () ->
                                                reply(
                                                    streams.get(id),
                                                    state ->
                                                        ApiJson.ok(
                                                            StreamApiMapper.description(state)))),
                                        put(
                                            () ->
                                                authentication.authenticated(
                                                    requester -> update(id, requester))),
                                        delete(
                                            () ->
                                                authentication.authenticated(
                                                    requester ->
                                                        reply(
                                                            streams.delete(id, requester),
                                                            state ->
                                                                ApiJson.ok(
                                                                    StreamApiMapper.description(
                                                                        state))))))),
                            path(
                                "permissions",
                                () ->
                                    post(
                                        () ->
                                            authentication.authenticated(
                                                requester -> grant(id, requester)))),
                            path(
                                PathMatchers.segment("permissions")
                                    .slash(PathMatchers.segment())
                                    .slash(PathMatchers.segment()),
                                (grantee, permission) ->
                                    delete(
                                        () ->
                                            authentication.authenticated(
                                                requester ->
                                                    revoke(
                                                        id, requester, grantee, permission))))))));
  }

  private Route create(EthereumAddress requester) {
    return this.<CreateStreamRequest>body(
        CreateStreamRequest.newBuilder(),
        request ->
            reply(
                streams.create(
                    StreamId.parse(request.getId()).toString(),
                    requester,
                    request.getDescription(),
                    request.getPartitions()),
                state ->
                    ApiJson.response(StatusCodes.CREATED, StreamApiMapper.description(state))
                        .addHeader(
                            Location.create("/api/v1/streams/" + encodeId(state.streamId())))));
  }

  private Route update(String id, EthereumAddress requester) {
    return this.<UpdateStreamRequest>body(
        UpdateStreamRequest.newBuilder(),
        request ->
            reply(
                streams.update(id, requester, request.getDescription(), request.getPartitions()),
                state -> ApiJson.ok(StreamApiMapper.description(state))));
  }

  private Route grant(String id, EthereumAddress requester) {
    return this.<PermissionRequest>body(
        PermissionRequest.newBuilder(),
        request ->
            reply(
                streams.grant(
                    id,
                    requester,
                    StreamApiMapper.grantee(request.getPublic(), request.getAddress()),
                    Permission.parse(request.getPermission())),
                state -> ApiJson.ok(StreamApiMapper.description(state))));
  }

  /**
   * {@code DELETE /streams/{id}/permissions/{address or "public"}/{permission}}. Revoking {@code
   * subscribe} answers, after a bounded wait, whether the key custodian's rotation that follows is
   * done or pending.
   */
  private Route revoke(String id, EthereumAddress requester, String grantee, String permission) {
    Grantee who = StreamApiMapper.grantee("public".equals(grantee), grantee);
    Permission what = Permission.parse(permission);
    return reply(revoked(id, requester, who, what), ApiJson::ok);
  }

  private CompletionStage<StreamDescription> revoked(
      String id, EthereumAddress requester, Grantee who, Permission what) {
    return streams
        .revoke(id, requester, who, what)
        .thenCompose(
            revocation ->
                what == Permission.SUBSCRIBE
                    ? custodians
                        .rotationAfterRevoke(id, revocation.sequenceNr())
                        .thenApply(
                            rotation -> StreamApiMapper.revoked(revocation.state(), rotation))
                    : CompletableFuture.completedFuture(
                        StreamApiMapper.description(revocation.state())));
  }

  /**
   * {@code GET /streams?owner=&search=&max=}: streams of an owner, or whose id or description holds
   * the text.
   */
  private Route search() {
    return parameterOptional(
        "owner",
        owner ->
            parameterOptional(
                "search",
                text ->
                    parameterOptional(
                        StringUnmarshallers.INTEGER,
                        "max",
                        max ->
                            reply(
                                streams.search(
                                    owner.map(EthereumAddress::parse),
                                    text,
                                    Math.min(Math.max(max.orElse(100), 1), 1000)),
                                found -> ApiJson.ok(StreamApiMapper.list(found))))));
  }

  /**
   * A stream id as one path segment: its slashes, spaces and other characters percent-encoded (a
   * '+' in a path is a plus, so form-encoded spaces are written %20).
   */
  private static String encodeId(String streamId) {
    return URLEncoder.encode(streamId, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
