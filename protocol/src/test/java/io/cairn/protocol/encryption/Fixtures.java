package io.cairn.protocol.encryption;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPrivateKey;
import java.util.HexFormat;

/** Keys and files shared by the encryption tests (see vectors/encryption/README.md). */
final class Fixtures {
  /** The content key of the known-answer vectors: bytes 00, 01, …, 1f. */
  static final GroupKey KEY_1 =
      key("key-1", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

  /** The next key of the vectors: bytes 1f, 1e, …, 00. */
  static final GroupKey KEY_2 =
      key("key-2", "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100");

  private Fixtures() {}

  static GroupKey key(String id, String hex) {
    return new GroupKey(id, hex(hex));
  }

  static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  static byte[] resource(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/vectors/encryption/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String text(String name) {
    return new String(resource(name), StandardCharsets.UTF_8);
  }

  /** The published 4096-bit test key; never use it for anything of value. */
  static RSAPrivateKey subscriberPrivateKey() {
    return GroupKeySealing.decodePrivateKey(resource("subscriber-rsa4096.pem"));
  }
}
