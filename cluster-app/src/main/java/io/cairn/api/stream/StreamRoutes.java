package io.cairn.api.stream;

import io.cairn.api.ApiJson;
import io.cairn.api.ApiRoutes;
import io.cairn.api.auth.Authentication;
import io.cairn.keys.KeyCustodians;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.proto.stream.CreateStreamRequest;
import io.cairn.protocol.proto.stream.PermissionRequest;
import io.cairn.protocol.proto.stream.StreamDescription;
import io.cairn.protocol.proto.stream.StreamList;
import io.cairn.protocol.proto.stream.UpdateStreamRequest;
import io.cairn.protocol.stream.Permission;
import io.cairn.protocol.stream.StreamId;
import io.cairn.stream.Grantee;
import io.cairn.stream.Streams;
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
                                                        ApiJson.ok(StreamJson.describe(state)))),
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
                                                                    StreamJson.describe(
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
            parsed(
                () -> StreamId.parse(request.getId()),
                id ->
                    reply(
                        streams.create(
                            id.toString(),
                            requester,
                            request.getDescription(),
                            request.getPartitions()),
                        state ->
                            ApiJson.response(StatusCodes.CREATED, StreamJson.describe(state))
                                .addHeader(
                                    Location.create(
                                        "/api/v1/streams/"
                                            + StreamJson.encodeId(state.streamId()))))));
  }

  private Route update(String id, EthereumAddress requester) {
    return this.<UpdateStreamRequest>body(
        UpdateStreamRequest.newBuilder(),
        request ->
            reply(
                streams.update(id, requester, request.getDescription(), request.getPartitions()),
                state -> ApiJson.ok(StreamJson.describe(state))));
  }

  private Route grant(String id, EthereumAddress requester) {
    return this.<PermissionRequest>body(
        PermissionRequest.newBuilder(),
        request ->
            parsed(
                () -> grantee(request.getPublic(), request.getAddress()),
                grantee ->
                    parsed(
                        () -> Permission.parse(request.getPermission()),
                        permission ->
                            reply(
                                streams.grant(id, requester, grantee, permission),
                                state -> ApiJson.ok(StreamJson.describe(state))))));
  }

  /**
   * {@code DELETE /streams/{id}/permissions/{address or "public"}/{permission}}. Revoking {@code
   * subscribe} answers, after a bounded wait, whether the key custodian's rotation that follows is
   * done or pending.
   */
  private Route revoke(String id, EthereumAddress requester, String grantee, String permission) {
    return parsed(
        () -> grantee("public".equals(grantee), grantee),
        who ->
            parsed(
                () -> Permission.parse(permission),
                what -> reply(revoked(id, requester, who, what), ApiJson::ok)));
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
                        .thenApply(rotation -> StreamJson.revoked(revocation.state(), rotation))
                    : CompletableFuture.completedFuture(StreamJson.describe(revocation.state())));
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
                            parsed(
                                () -> owner.map(EthereumAddress::parse),
                                ownerAddress ->
                                    reply(
                                        streams.search(
                                            ownerAddress,
                                            text,
                                            Math.min(Math.max(max.orElse(100), 1), 1000)),
                                        found -> {
                                          StreamList.Builder list = StreamList.newBuilder();
                                          found.forEach(
                                              state -> list.addStreams(StreamJson.describe(state)));
                                          return ApiJson.ok(list);
                                        })))));
  }

  private static Grantee grantee(boolean everyone, String address) {
    return everyone ? Grantee.EVERYONE : Grantee.of(EthereumAddress.parse(address));
  }
}
