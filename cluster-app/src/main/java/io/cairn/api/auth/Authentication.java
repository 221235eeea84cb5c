package io.cairn.api.auth;

import io.cairn.api.ApiJson;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** The {@code authenticated} directive: the address of the request's session token. */
public final class Authentication extends AllDirectives {
  private static final String BEARER = "Bearer ";
  private final SessionTokens tokens;

  public Authentication(SessionTokens tokens) {
    this.tokens = tokens;
  }

  public SessionTokens tokens() {
    return tokens;
  }

  /**
   * Runs {@code inner} with the session's address; no or a bad {@code Authorization} header is a
   * 401.
   */
  public Route authenticated(Function<EthereumAddress, Route> inner) {
    return optionalHeaderValueByName(
        "Authorization",
        header -> {
          if (header.isEmpty() || !header.get().startsWith(BEARER)) {
            return complete(
                ApiJson.error(
                    ErrorCode.UNAUTHENTICATED,
                    "send 'Authorization: Bearer <token>' with a token from POST /api/v1/auth/session"));
          }
          EthereumAddress address;
          try {
            address = tokens.verify(header.get().substring(BEARER.length()).trim());
          } catch (Rejection refused) {
            return complete(ApiJson.error(refused));
          }
          return inner.apply(address);
        });
  }
}
