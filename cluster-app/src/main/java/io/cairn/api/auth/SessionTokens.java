package io.cairn.api.auth;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Session tokens for the management API. A token is {@code address (20) || expiry ms (8) ||
 * HMAC-SHA256 over both (32)}, base64url: any node holding the same secret accepts it without
 * looking anything up, so sessions work across the cluster and survive restarts.
 */
public final class SessionTokens {
  private static final int ADDRESS = 20;
  private static final int EXPIRY = 8;
  private static final int TAG = 32;

  private final byte[] secret;
  private final Duration lifetime;
  private final Clock clock;

  public SessionTokens(byte[] secret, Duration lifetime, Clock clock) {
    if (secret.length < 32) {
      throw new IllegalArgumentException("the session secret must have at least 32 bytes");
    }
    this.secret = secret.clone();
    this.lifetime = lifetime;
    this.clock = clock;
  }

  public Duration lifetime() {
    return lifetime;
  }

  /** A token for {@code address}, valid for the configured lifetime from now. */
  public String issue(EthereumAddress address) {
    long expiry = clock.millis() + lifetime.toMillis();
    ByteBuffer claims =
        ByteBuffer.allocate(ADDRESS + EXPIRY)
            .put(HexFormat.of().parseHex(address.value().substring(2)))
            .putLong(expiry);
    byte[] token =
        ByteBuffer.allocate(ADDRESS + EXPIRY + TAG)
            .put(claims.array())
            .put(tag(claims.array()))
            .array();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
  }

  public Instant expiryOf(String token) {
    return Instant.ofEpochMilli(ByteBuffer.wrap(decode(token), ADDRESS, EXPIRY).getLong());
  }

  /** The address a token was issued to; a forged, damaged or expired token is refused. */
  public EthereumAddress verify(String token) {
    byte[] bytes = decode(token);
    byte[] claims = new byte[ADDRESS + EXPIRY];
    System.arraycopy(bytes, 0, claims, 0, claims.length);
    byte[] tag = new byte[TAG];
    System.arraycopy(bytes, claims.length, tag, 0, TAG);
    if (!MessageDigest.isEqual(tag, tag(claims))) {
      throw new Rejection(
          ErrorCode.UNAUTHENTICATED, "the session token was not issued by this cluster");
    }
    long expiry = ByteBuffer.wrap(claims, ADDRESS, EXPIRY).getLong();
    if (clock.millis() >= expiry) {
      throw new Rejection(
          ErrorCode.SESSION_EXPIRED,
          "the session expired at "
              + Instant.ofEpochMilli(expiry)
              + "; open a new one at /api/v1/auth/session");
    }
    byte[] address = new byte[ADDRESS];
    System.arraycopy(claims, 0, address, 0, ADDRESS);
    return new EthereumAddress("0x" + HexFormat.of().formatHex(address));
  }

  /** HMAC-SHA256 of {@code data} under the secret; challenges are tagged the same way. */
  byte[] tag(byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static byte[] decode(String token) {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw new Rejection(ErrorCode.UNAUTHENTICATED, "the session token is not base64url");
    }
    if (bytes.length != ADDRESS + EXPIRY + TAG) {
      throw new Rejection(ErrorCode.UNAUTHENTICATED, "the session token has the wrong length");
    }
    return bytes;
  }
}
