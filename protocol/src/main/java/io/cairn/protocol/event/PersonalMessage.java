package io.cairn.protocol.event;

import java.nio.charset.StandardCharsets;

/**
 * Ethereum's {@code personal_sign} (EIP-191 version 0x45) digest: Keccak-256 over {@code
 * "\x19Ethereum Signed Message:\n"}, the message's length in bytes as decimal ASCII digits, and the
 * message itself. Wallets show and sign exactly this, which is why Streamr uses it.
 */
public final class PersonalMessage {
  private static final String PREFIX = "\u0019Ethereum Signed Message:\n";

  private PersonalMessage() {}

  public static byte[] digest(byte[] message) {
    byte[] prefix = (PREFIX + message.length).getBytes(StandardCharsets.US_ASCII);
    return Secp256k1Curve.keccak256(prefix, message);
  }
}
