package io.cairn.api.keys;

import io.cairn.api.ApiJson;
import io.cairn.api.ApiRoutes;
import io.cairn.api.auth.Authentication;
import io.cairn.keys.KeyCustodian;
import io.cairn.keys.KeyCustodians;
import io.cairn.protocol.api.v1.StreamMessage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * A stream's key custodian: {@code PUT /streams/{id}/custodian} appoints it and {@code POST
 * /streams/{id}/custodian/rotate} rotates the group key (the owner, with a session); {@code GET
 * /streams/{id}/custodian} tells anyone the current key id and the address that signs key
 * responses; {@code POST /streams/{id}/keys} takes a signed Streamr group key request and answers
 * the signed response. The key request needs no session: its signature names the requester.
 */
public final class CustodianRoutes extends ApiRoutes {
  private final KeyCustodians custodians;
  private final Authentication authentication;

  public CustodianRoutes(
      ActorSystem<?> system, KeyCustodians custodians, Authentication authentication) {
    super(system);
    this.custodians = custodians;
    this.authentication = authentication;
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
                            "custodian",
                            () ->
                                concat(
                                    get(
                                        () ->
                                            reply(custodians.info(id), CustodianRoutes::describe)),
                                    put(
                                        () ->
                                            authentication.authenticated(
                                                requester ->
                                                    reply(
                                                        custodians.appoint(id, requester),
                                                        CustodianRoutes::describe))))),
                        path(
                            PathMatchers.segment("custodian").slash("rotate"),
                            () ->
                                post(
                                    () ->
                                        authentication.authenticated(
                                            requester ->
                                                reply(
                                                    custodians.rotate(id, requester),
                                                    CustodianRoutes::describe)))),
                        path(
                            "keys",
                            () ->
                                post(
                                    () ->
                                        this.<StreamMessage>body(
                                            StreamMessage.newBuilder(),
                                            request ->
                                                reply(
                                                    custodians.requestKeys(id, request),
                                                    ApiJson::ok)))))));
  }

  private static HttpResponse describe(KeyCustodian.Info info) {
    return ApiJson.ok(CustodianApiMapper.description(info));
  }
}
