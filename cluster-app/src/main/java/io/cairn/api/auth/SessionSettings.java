package io.cairn.api.auth;

import com.typesafe.config.Config;
import io.cairn.protocol.Randomness;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import org.apache.pekko.actor.typed.ActorSystem;

/** Session settings from {@code cairn.api.session}. */
public record SessionSettings(byte[] secret, Duration lifetime) {
  public static SessionSettings fromConfig(Config config, ActorSystem<?> system) {
    Config session = config.getConfig("cairn.api.session");
    String hex = session.getString("secret").trim();
    byte[] secret;
    if (hex.isEmpty()) {
      secret = Randomness.bytes(32);
      system
          .log()
          .warn(
              "cairn.api.session.secret is not set: sessions are valid on this node until it stops;"
                  + " set CAIRN_SESSION_SECRET to the same value on every node of a cluster");
    } else {
      try {
        secret = HexFormat.of().parseHex(hex);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("cairn.api.session.secret must be hex digits");
      }
      if (secret.length < 32) {
        throw new IllegalArgumentException(
            "cairn.api.session.secret must have at least 64 hex digits");
      }
    }
    return new SessionSettings(secret, session.getDuration("lifetime"));
  }

  public SessionTokens tokens() {
    return new SessionTokens(secret, lifetime, Clock.systemUTC());
  }
}
