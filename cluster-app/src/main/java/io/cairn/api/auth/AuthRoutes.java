package io.cairn.api.auth;

import io.cairn.api.ApiJson;
import io.cairn.api.ApiRoutes;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.Challenge;
import io.cairn.protocol.api.v1.ChallengeRequest;
import io.cairn.protocol.api.v1.Session;
import io.cairn.protocol.api.v1.SessionRequest;
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
                                    request -> {
                                      SessionChallenges.Challenge challenge =
                                          challenges.challenge(
                                              EthereumAddress.parse(request.getAddress()));
                                      return complete(
                                          ApiJson.ok(
                                              Challenge.newBuilder()
                                                  .setChallenge(challenge.text())
                                                  .setExpiresAtMs(
                                                      challenge.expiresAt().toEpochMilli())));
                                    }))),
                path(
                    "session",
                    () ->
                        post(
                            () ->
                                this.<SessionRequest>body(
                                    SessionRequest.newBuilder(),
                                    request -> {
                                      EthereumAddress address =
                                          challenges.open(
                                              request.getChallenge(), request.getSignature());
                                      String token = tokens.issue(address);
                                      return complete(
                                          ApiJson.ok(
                                              Session.newBuilder()
                                                  .setToken(token)
                                                  .setAddress(address.value())
                                                  .setExpiresAtMs(
                                                      tokens.expiryOf(token).toEpochMilli())));
                                    })))));
  }
}
