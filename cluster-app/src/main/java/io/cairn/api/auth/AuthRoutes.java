package io.cairn.api.auth;

import io.cairn.api.ApiJson;
import io.cairn.api.ApiRoutes;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.proto.api.Challenge;
import io.cairn.protocol.proto.api.ChallengeRequest;
import io.cairn.protocol.proto.api.Session;
import io.cairn.protocol.proto.api.SessionRequest;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code POST /api/v1/auth/challenge} and {@code POST /api/v1/auth/session}. */
public final class AuthRoutes extends ApiRoutes {
  private final SessionChallenges challenges;
  private final SessionTokens tokens;

  public AuthRoutes(ActorSystem<?> system, SessionChallenges challenges, SessionTokens tokens) {
    super(system);
    this.challenges = challenges;
    this.tokens = tokens;
  }

  @Override
  public Route routes() {
    return pathPrefix(
        "auth",
        () ->
            concat(
                path(
                    "challenge",
                    () ->
                        post(
                            () ->
                                this.<ChallengeRequest>body(
                                    ChallengeRequest.newBuilder(),
                                    request ->
                                        parsed(
                                            () -> EthereumAddress.parse(request.getAddress()),
                                            address -> {
                                              SessionChallenges.Challenge challenge =
                                                  challenges.challenge(address);
                                              return complete(
                                                  ApiJson.ok(
                                                      Challenge.newBuilder()
                                                          .setChallenge(challenge.text())
                                                          .setExpiresAtMs(
                                                              challenge
                                                                  .expiresAt()
                                                                  .toEpochMilli())));
                                            })))),
                path(
                    "session",
                    () ->
                        post(
                            () ->
                                this.<SessionRequest>body(
                                    SessionRequest.newBuilder(),
                                    request ->
                                        parsed(
                                            () ->
                                                challenges.open(
                                                    request.getChallenge(), request.getSignature()),
                                            address -> {
                                              String token = tokens.issue(address);
                                              return complete(
                                                  ApiJson.ok(
                                                      Session.newBuilder()
                                                          .setToken(token)
                                                          .setAddress(address.value())
                                                          .setExpiresAtMs(
                                                              tokens
                                                                  .expiryOf(token)
                                                                  .toEpochMilli())));
                                            }))))));
  }
}
