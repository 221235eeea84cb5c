package io.cairn.api.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SessionTokensTest {
  private static final EthereumAddress ALICE =
      new EthereumAddress("0x1111111111111111111111111111111111111111");
  private static final byte[] SECRET = new byte[32];
  private final Instant now = Instant.parse("2026-11-21T10:00:00Z");

  private SessionTokens at(Instant instant, byte[] secret) {
    return new SessionTokens(secret, Duration.ofHours(1), Clock.fixed(instant, ZoneOffset.UTC));
  }

  @Test
  void aTokenNamesItsAddressUntilItExpires() {
    String token = at(now, SECRET).issue(ALICE);
    assertEquals(ALICE, at(now.plusSeconds(3599), SECRET).verify(token));
    assertEquals(now.plusSeconds(3600), at(now, SECRET).expiryOf(token));
    Rejection expired =
        assertThrows(Rejection.class, () -> at(now.plusSeconds(3600), SECRET).verify(token));
    assertEquals(ErrorCode.SESSION_EXPIRED, expired.code());
  }

  @Test
  void anotherClustersOrAlteredTokenIsRefused() {
    String token = at(now, SECRET).issue(ALICE);
    byte[] otherSecret = new byte[32];
    Arrays.fill(otherSecret, (byte) 7);
    assertEquals(
        ErrorCode.UNAUTHENTICATED,
        assertThrows(Rejection.class, () -> at(now, otherSecret).verify(token)).code());

    byte[] bytes = Base64.getUrlDecoder().decode(token);
    for (int i = 0; i < bytes.length; i++) {
      byte[] altered = bytes.clone();
      altered[i] ^= 1;
      String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(altered);
      assertEquals(
          ErrorCode.UNAUTHENTICATED,
          assertThrows(Rejection.class, () -> at(now, SECRET).verify(forged)).code(),
          "byte " + i);
    }
    assertEquals(
        ErrorCode.UNAUTHENTICATED,
        assertThrows(Rejection.class, () -> at(now, SECRET).verify("%%%")).code());
    assertEquals(
        ErrorCode.UNAUTHENTICATED,
        assertThrows(Rejection.class, () -> at(now, SECRET).verify("AAAA")).code());
  }
}
