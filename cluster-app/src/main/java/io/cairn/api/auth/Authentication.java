package io.cairn.api.auth;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The {@code authenticated} directives: the address of the request's session token. A missing,
 * forged or expired token is refused with a 401 by the API's error handler.
 */
public final class Authentication extends AllDirectives {
  private static final String BEARER = "Bearer ";
  private static final String HOW_TO_AUTHENTICATE =
      "send 'Authorization: Bearer <token>' with a token from POST /api/v1/auth/session";
  private final SessionTokens tokens;

  public Authentication(SessionTokens tokens) {
    this.tokens = tokens;
  }

  public SessionTokens tokens() {
    return tokens;
  }

  /** Runs {@code inner} with the session's address; a request without a session is refused. */
  public Route authenticated(Function<EthereumAddress, Route> inner) {
    return optionallyAuthenticated(
        address ->
            inner.apply(
                address.orElseThrow(
                    () -> new Rejection(ErrorCode.UNAUTHENTICATED, HOW_TO_AUTHENTICATE))));
  }

  /**
   * Runs {@code inner} with the session's address, or with none when the request names no session,
   * for what some may do without one; a token that names a session badly is still refused.
   */
  public Route optionallyAuthenticated(Function<Optional<EthereumAddress>, Route> inner) {
    return optionalHeaderValueByName(
        "Authorization", header -> inner.apply(header.map(this::sessionOf)));
  }

  private EthereumAddress sessionOf(String authorization) {
    if (!authorization.startsWith(BEARER)) {
      throw new Rejection(ErrorCode.UNAUTHENTICATED, HOW_TO_AUTHENTICATE);
    }
    return tokens.verify(authorization.substring(BEARER.length()).trim());
  }
}
