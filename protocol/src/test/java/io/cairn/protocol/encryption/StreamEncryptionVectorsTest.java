package io.cairn.protocol.encryption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Known answers for AES-256-CTR with the IV in front, computed apart from Cairn with OpenSSL 3.0
 * (whose {@code aes-256-ctr} is the cipher Node, and so Streamr's SDK, calls):
 *
 * <pre>
 * K1=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
 * K2=1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100
 *
 * # content: the JSON text below under K1 with IV f0f1...ff
 * printf '%s' '{"temperature":21.5,"unit":"C"}' \
 *   | openssl enc -aes-256-ctr -K $K1 -iv f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff | xxd -p -c 100
 *
 * # next key: K2's 32 bytes under K1 with IV a0a1...af
 * printf '%s' $K2 | xxd -r -p \
 *   | openssl enc -aes-256-ctr -K $K1 -iv a0a1a2a3a4a5a6a7a8a9aaabacadaeaf | xxd -p -c 100
 *
 * # the counter is one 128-bit number: 48 zero bytes from IV ff..ff show the keystream
 * # AES(K1, ff..ff) || AES(K1, 00..00) || AES(K1, 00..01)
 * head -c 48 /dev/zero | openssl enc -aes-256-ctr -K $K1 -iv ffffffffffffffffffffffffffffffff | xxd -p -c 100
 *
 * # NIST SP 800-38A, F.5.5 (CTR-AES256.Encrypt), first two blocks; OpenSSL gives the published value
 * printf 6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51 | xxd -r -p \
 *   | openssl enc -aes-256-ctr -K 603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4 \
 *       -iv f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff | xxd -p -c 100
 * </pre>
 *
 * <p>Streamr's wire form is the IV followed by OpenSSL's output; the same vectors are in
 * docs/protocol.md. The content vector was also checked once by hand (2026-11-21) with Node.js
 * v20.20.2 making the calls of Streamr's {@code encryptWithAES} with the IV fixed: {@code
 * Buffer.concat([iv, c.update(text), c.final()])} for {@code c =
 * crypto.createCipheriv('aes-256-ctr', K1, iv)} gave the IV and then the same bytes.
 */
class StreamEncryptionVectorsTest {
  static final String CONTENT_IV = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
  static final String CONTENT_PLAINTEXT = "{\"temperature\":21.5,\"unit\":\"C\"}";
  static final String CONTENT_CTR =
      "e922b9e84ee6e5b93b1d932625105926fb714e6cd35f5aa81a856f030955fb";
  static final String NEXT_KEY_IV = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf";
  static final String NEXT_KEY_CTR =
      "c3811ce16da26515185dfd911819fdf0eedfe61d774b9c20eb8cfd8e6432d29f";

  @Test
  void contentEncryptsToTheOpensslAnswerWithTheIvInFront() {
    byte[] plaintext = CONTENT_PLAINTEXT.getBytes(StandardCharsets.UTF_8);
    byte[] ciphertext =
        StreamEncryption.encrypt(plaintext, Fixtures.KEY_1, Fixtures.hex(CONTENT_IV));
    assertEquals(CONTENT_IV + CONTENT_CTR, Fixtures.hex(ciphertext));
    assertArrayEquals(
        plaintext,
        StreamEncryption.decrypt(Fixtures.hex(CONTENT_IV + CONTENT_CTR), Fixtures.KEY_1));
  }

  @Test
  void theNextKeyEncryptsToTheOpensslAnswer() {
    byte[] encrypted =
        StreamEncryption.encrypt(Fixtures.KEY_2.data(), Fixtures.KEY_1, Fixtures.hex(NEXT_KEY_IV));
    assertEquals(NEXT_KEY_IV + NEXT_KEY_CTR, Fixtures.hex(encrypted));
    io.cairn.protocol.api.v1.GroupKey carried =
        io.cairn.protocol.api.v1.GroupKey.newBuilder()
            .setId("key-2")
            .setData(ByteString.copyFrom(Fixtures.hex(NEXT_KEY_IV + NEXT_KEY_CTR)))
            .build();
    assertEquals(Fixtures.KEY_2, StreamEncryption.decryptNextKey(carried, Fixtures.KEY_1));
  }

  @Test
  void theCounterWrapsAsOne128BitNumber() {
    byte[] keystream =
        StreamEncryption.encrypt(
            new byte[48], Fixtures.KEY_1, Fixtures.hex("ffffffffffffffffffffffffffffffff"));
    assertEquals(
        "ffffffffffffffffffffffffffffffff"
            + "e999e41d4ca770da5387117b5d8f57ee" // AES(K1, ff..ff)
            + "f29000b62a499fd0a9f39a6add2e7780" // AES(K1, 00..00)
            + "f05d76ae4ab99fe5a6f69b3148c2363d", // AES(K1, 00..01)
        Fixtures.hex(keystream));
  }

  @Test
  void nistSp800_38aCtrAes256() {
    GroupKey nist =
        Fixtures.key("nist", "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
    byte[] ciphertext =
        StreamEncryption.encrypt(
            Fixtures.hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"),
            nist,
            Fixtures.hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"));
    assertEquals(
        "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"
            + "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5",
        Fixtures.hex(ciphertext));
  }

  @Test
  void docsProtocolMdShowsTheseVectors() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "protocol.md"), StandardCharsets.UTF_8);
    for (String value :
        new String[] {
          Fixtures.hex(Fixtures.KEY_1.data()),
          Fixtures.hex(Fixtures.KEY_2.data()),
          CONTENT_PLAINTEXT,
          "`" + CONTENT_IV + "` `" + CONTENT_CTR + "`",
          "`" + NEXT_KEY_IV + "` `" + NEXT_KEY_CTR + "`",
          "`e999e41d4ca770da5387117b5d8f57ee` `f29000b62a499fd0a9f39a6add2e7780` `f05d76ae4ab99fe5a6f69b3148c2363d`"
        }) {
      assertTrue(doc.contains(value), "docs/protocol.md does not show " + value);
    }
  }
}
