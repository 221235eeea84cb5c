package io.cairn.api.auth;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Randomness;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.event.AddressRecovery;
import io.cairn.protocol.event.EventRejection;
import io.cairn.protocol.event.EvmSignature;
import io.cairn.protocol.event.PersonalMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opening a session: the node hands out a challenge text naming the address, a nonce and an expiry,
 * tagged with the session secret; the wallet signs it with {@code personal_sign}; the node checks
 * the tag, the expiry and that the signature recovers to the named address. Like the tokens it
 * needs no stored state, so any node of the cluster can finish what another began.
 */
public final class SessionChallenges {
  private static final Pattern CHALLENGE =
      Pattern.compile(
          "Cairn session\naddress: (0x[0-9a-f]{40})\nnonce: ([0-9a-f]{32})\nexpires: ([0-9]{1,19})\ntag: ([0-9a-f]{64})");
  private static final Duration LIFETIME = Duration.ofMinutes(5);

  public record Challenge(String text, Instant expiresAt) {}

  private final SessionTokens tokens;
  private final AddressRecovery recovery;
  private final Clock clock;

  public SessionChallenges(SessionTokens tokens, AddressRecovery recovery, Clock clock) {
    this.tokens = tokens;
    this.recovery = recovery;
    this.clock = clock;
  }

  public Challenge challenge(EthereumAddress address) {
    String nonce = HexFormat.of().formatHex(Randomness.bytes(16));
    long expires = clock.millis() + LIFETIME.toMillis();
    return new Challenge(
        "Cairn session\naddress: "
            + address
            + "\nnonce: "
            + nonce
            + "\nexpires: "
            + expires
            + "\ntag: "
            + tag(address.value(), nonce, expires),
        Instant.ofEpochMilli(expires));
  }

  /** The address that signed a challenge this cluster issued and that has not expired. */
  public EthereumAddress open(String challenge, String signatureHex) {
    Matcher fields = CHALLENGE.matcher(challenge);
    if (!fields.matches()) {
      throw new Rejection(
          ErrorCode.UNAUTHENTICATED, "that is not a challenge from POST /api/v1/auth/challenge");
    }
    String address = fields.group(1);
    long expires = Long.parseLong(fields.group(3));
    if (!MessageDigest.isEqual(
        fields.group(4).getBytes(StandardCharsets.US_ASCII),
        tag(address, fields.group(2), expires).getBytes(StandardCharsets.US_ASCII))) {
      throw new Rejection(
          ErrorCode.UNAUTHENTICATED, "the challenge was not issued by this cluster");
    }
    if (clock.millis() >= expires) {
      throw new Rejection(ErrorCode.UNAUTHENTICATED, "the challenge expired; ask for a new one");
    }
    EthereumAddress signer;
    try {
      byte[] digest = PersonalMessage.digest(challenge.getBytes(StandardCharsets.UTF_8));
      signer = recovery.recover(digest, EvmSignature.decode(signatureBytes(signatureHex)));
    } catch (EventRejection malformed) {
      throw new Rejection(
          ErrorCode.UNAUTHENTICATED, "the signature is unusable: " + malformed.getMessage());
    }
    if (signer == null || !signer.value().equals(address)) {
      throw new Rejection(
          ErrorCode.UNAUTHENTICATED,
          "the challenge for "
              + address
              + " was signed by "
              + (signer == null ? "no key" : signer)
              + "; sign it with the key of the address it names");
    }
    return signer;
  }

  private String tag(String address, String nonce, long expires) {
    return HexFormat.of()
        .formatHex(
            tokens.tag((address + "|" + nonce + "|" + expires).getBytes(StandardCharsets.UTF_8)));
  }

  private static byte[] signatureBytes(String hex) {
    String digits = hex.startsWith("0x") ? hex.substring(2) : hex;
    try {
      return HexFormat.of().parseHex(digits);
    } catch (IllegalArgumentException e) {
      throw new Rejection(ErrorCode.UNAUTHENTICATED, "the signature is not hex");
    }
  }
}
