package io.cairn.protocol.encryption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.AsymmetricEncryptionType;
import io.cairn.protocol.api.v1.GroupKeyRequest;
import io.cairn.protocol.api.v1.GroupKeyResponse;
import io.cairn.protocol.api.v1.StreamMessage;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RSA-OAEP (SHA-1, MGF1-SHA-1) sealing as Streamr's key exchange does it, checked against OpenSSL
 * in both directions:
 *
 * <ul>
 *   <li>{@code sealed-by-openssl.hex} was sealed by OpenSSL and must open here ({@link
 *       #aKeySealedByOpensslOpens});
 *   <li>a key sealed here was opened by OpenSSL, by hand, once, on 2026-11-21 with OpenSSL 3.0.19:
 *       the hex of {@code GroupKeySealing.seal(KEY_2, <the test public key>).getData()} was written
 *       to {@code sealed.hex} and
 *       <pre>
 * xxd -r -p sealed.hex | openssl pkeyutl -decrypt -inkey subscriber-rsa4096.pem \
 *     -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha1 -pkeyopt rsa_mgf1_md:sha1 | xxd -p -c 64
 *       </pre>
 *       printed {@code 1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100}; with
 *       {@code rsa_oaep_md:sha256} the same command fails ("oaep decoding error"), so the hash is
 *       pinned;
 *   <li>on the same day Node.js v20.20.2 opened that {@code sealed.hex} with {@code
 *       crypto.privateDecrypt(<subscriber-rsa4096.pem as text>, bytes)}, the call Streamr's {@code
 *       EncryptionUtil.decryptWithRSAPrivateKey} makes, and printed the same key; a key pair from
 *       Node's {@code generateKeyPairSync('rsa', {spki pem, pkcs8 pem})} (as Streamr's {@code
 *       RSAKeyPair} makes one) decoded here and re-encoded to the identical bytes;
 *   <li>{@code sealed-by-node.hex} was sealed by Node's {@code crypto.publicEncrypt(pem, key)},
 *       Streamr's own call, and must open here ({@link #aKeySealedByNodeAsStreamrSealsItOpens}).
 * </ul>
 */
class GroupKeySealingTest {
  private static RSAPrivateKey privateKey;
  private static RSAPublicKey publicKey;

  @BeforeAll
  static void loadTheTestKey() throws Exception {
    privateKey = Fixtures.subscriberPrivateKey();
    RSAPrivateCrtKey crt = (RSAPrivateCrtKey) privateKey;
    publicKey =
        (RSAPublicKey)
            java.security.KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
  }

  @Test
  void thePublicKeyIsEncodedByteForByteAsOpensslAndNodeWriteIt() {
    byte[] encoded = GroupKeySealing.encodePublicKey(publicKey);
    assertEquals(
        Fixtures.text("subscriber-rsa4096.pub.pem"), new String(encoded, StandardCharsets.UTF_8));
    String text = new String(encoded, StandardCharsets.UTF_8);
    assertTrue(
        text.startsWith(
            "-----BEGIN PUBLIC KEY-----\nMIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEA"));
    assertTrue(text.endsWith("\n-----END PUBLIC KEY-----\n"));
    assertEquals(publicKey, GroupKeySealing.decodePublicKey(encoded));
  }

  @Test
  void theBrowserFormWithTheBase64OnOneLineIsReadToo() {
    String oneLine =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getEncoder().encodeToString(publicKey.getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    assertEquals(
        publicKey, GroupKeySealing.decodePublicKey(oneLine.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void theSealedKeyOpensAndIsAsLongAsTheModulus() {
    io.cairn.protocol.api.v1.GroupKey sealed = GroupKeySealing.seal(Fixtures.KEY_2, publicKey);
    assertEquals("key-2", sealed.getId());
    assertEquals(512, sealed.getData().size());
    assertEquals(Fixtures.KEY_2, GroupKeySealing.unseal(sealed, privateKey));
    // OAEP is randomized: sealing again gives other bytes that open to the same key
    io.cairn.protocol.api.v1.GroupKey again = GroupKeySealing.seal(Fixtures.KEY_2, publicKey);
    assertFalse(sealed.getData().equals(again.getData()));
    assertEquals(Fixtures.KEY_2, GroupKeySealing.unseal(again, privateKey));
  }

  @Test
  void aKeySealedByOpensslOpens() {
    assertEquals(
        Fixtures.KEY_2, GroupKeySealing.unseal(sealedKey2("sealed-by-openssl.hex"), privateKey));
  }

  @Test
  void aKeySealedByNodeAsStreamrSealsItOpens() {
    assertEquals(
        Fixtures.KEY_2, GroupKeySealing.unseal(sealedKey2("sealed-by-node.hex"), privateKey));
  }

  /** "key-2" as another implementation sealed it, from the hex in {@code file}. */
  private static io.cairn.protocol.api.v1.GroupKey sealedKey2(String file) {
    return io.cairn.protocol.api.v1.GroupKey.newBuilder()
        .setId("key-2")
        .setData(ByteString.copyFrom(Fixtures.hex(Fixtures.text(file).strip())))
        .build();
  }

  @Test
  void anotherPrivateKeyOrChangedBytesDoNotOpen() {
    io.cairn.protocol.api.v1.GroupKey sealed = GroupKeySealing.seal(Fixtures.KEY_2, publicKey);
    RSAPrivateKey other = (RSAPrivateKey) GroupKeySealing.generateKeyPair(2048).getPrivate();
    UnsealException wrongKey =
        assertThrows(UnsealException.class, () -> GroupKeySealing.unseal(sealed, other));
    assertTrue(
        wrongKey.getMessage().contains("sealed to another public key"), wrongKey.getMessage());

    byte[] data = sealed.getData().toByteArray();
    data[100] ^= 0x01;
    assertThrows(
        UnsealException.class,
        () ->
            GroupKeySealing.unseal(
                sealed.toBuilder().setData(ByteString.copyFrom(data)).build(), privateKey));
  }

  @Test
  void whatOpensMustBeA32ByteKey() throws Exception {
    javax.crypto.Cipher cipher =
        javax.crypto.Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
    cipher.init(javax.crypto.Cipher.ENCRYPT_MODE, publicKey);
    io.cairn.protocol.api.v1.GroupKey sixteen =
        io.cairn.protocol.api.v1.GroupKey.newBuilder()
            .setId("short")
            .setData(ByteString.copyFrom(cipher.doFinal(new byte[16])))
            .build();
    assertThrows(UnsealException.class, () -> GroupKeySealing.unseal(sixteen, privateKey));
  }

  @Test
  void publicKeysNotInStreamrsFormAreRefused() throws Exception {
    String pem = Fixtures.text("subscriber-rsa4096.pub.pem");
    List<String> refused =
        List.of(
            pem.strip(), // no newline after the END line
            pem.replace("\n", "\r\n"), // CRLF: Streamr refuses it too
            pem.replace("PUBLIC KEY", "RSA PUBLIC KEY"), // PKCS#1, not SPKI
            pem.replace("MIICIjAN", "MIICIjA*"), // not base64
            "",
            "ssh-rsa AAAA");
    for (String text : refused) {
      assertThrows(
          InvalidPublicKeyException.class,
          () -> GroupKeySealing.decodePublicKey(text.getBytes(StandardCharsets.UTF_8)),
          text);
    }
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    byte[] ecPem =
        ("-----BEGIN PUBLIC KEY-----\n"
                + Base64.getEncoder().encodeToString(ec.generateKeyPair().getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n")
            .getBytes(StandardCharsets.UTF_8);
    assertThrows(InvalidPublicKeyException.class, () -> GroupKeySealing.decodePublicKey(ecPem));
  }

  @Test
  void keysUnder2048BitsAreRefused() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    RSAPublicKey small = (RSAPublicKey) rsa.generateKeyPair().getPublic();
    assertThrows(
        InvalidPublicKeyException.class,
        () -> GroupKeySealing.decodePublicKey(GroupKeySealing.encodePublicKey(small)));
    assertThrows(
        InvalidPublicKeyException.class, () -> GroupKeySealing.seal(Fixtures.KEY_1, small));
    assertThrows(IllegalArgumentException.class, () -> GroupKeySealing.generateKeyPair(1024));
  }

  @Test
  void generatedKeyPairsHaveStreamrsSizeAndExponent() {
    KeyPair pair = GroupKeySealing.generateKeyPair();
    RSAPublicKey generated = (RSAPublicKey) pair.getPublic();
    assertEquals(GroupKeySealing.STREAMR_KEY_SIZE, generated.getModulus().bitLength());
    assertEquals(BigInteger.valueOf(65537), generated.getPublicExponent());
    RSAPrivateKey generatedPrivate = (RSAPrivateKey) pair.getPrivate();
    assertEquals(
        generatedPrivate,
        GroupKeySealing.decodePrivateKey(GroupKeySealing.encodePrivateKey(generatedPrivate)));
    assertTrue(
        new String(GroupKeySealing.encodePrivateKey(generatedPrivate), StandardCharsets.UTF_8)
            .startsWith("-----BEGIN PRIVATE KEY-----\n"));
  }

  @Test
  void aRequestAndItsResponseCarryTheKeysToTheSubscriber() {
    EthereumAddress publisher = EthereumAddress.parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
    byte[] subscriber = HexFormat.of().parseHex("70997970c51812dc3a010c7d01b50e0d17dc79c8");
    GroupKeyRequest request =
        GroupKeySealing.request("request-1", publisher, publicKey, List.of("key-1", "key-2"));
    assertEquals(AsymmetricEncryptionType.RSA, request.getEncryptionType());
    assertEquals(
        "f39fd6e51aad88f6f4ce6ab8827279cfffb92266",
        HexFormat.of().formatHex(request.getRecipientId().toByteArray()));
    assertArrayEquals(
        Fixtures.resource("subscriber-rsa4096.pub.pem"), request.getRsaPublicKey().toByteArray());

    StreamMessage.Builder requestMessage = StreamMessage.newBuilder().setGroupKeyRequest(request);
    requestMessage.getMessageIdBuilder().setPublisherId(ByteString.copyFrom(subscriber));
    GroupKeyResponse response =
        GroupKeySealing.respond(requestMessage.build(), List.of(Fixtures.KEY_1, Fixtures.KEY_2));
    assertEquals("request-1", response.getRequestId());
    assertArrayEquals(subscriber, response.getRecipientId().toByteArray());
    assertEquals(AsymmetricEncryptionType.RSA, response.getEncryptionType());
    assertEquals(
        List.of(Fixtures.KEY_1, Fixtures.KEY_2), GroupKeySealing.open(response, privateKey));

    assertThrows(
        IllegalArgumentException.class,
        () ->
            GroupKeySealing.respond(
                requestMessage.build(), List.of(new GroupKey("key-3", Fixtures.KEY_1.data()))));
  }

  @Test
  void mlKemAndUnknownKeyExchangesAreRefused() {
    GroupKeyRequest request =
        GroupKeySealing.request(
            "r",
            EthereumAddress.parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"),
            publicKey,
            List.of("key-1"));
    StreamMessage mlKem =
        StreamMessage.newBuilder()
            .setGroupKeyRequest(
                request.toBuilder().setEncryptionType(AsymmetricEncryptionType.ML_KEM))
            .build();
    UnsupportedKeyExchangeException refused =
        assertThrows(
            UnsupportedKeyExchangeException.class,
            () -> GroupKeySealing.respond(mlKem, List.of(Fixtures.KEY_1)));
    assertEquals(
        "the group key request uses key exchange ML_KEM; Cairn implements RSA only",
        refused.getMessage());
    StreamMessage seven =
        StreamMessage.newBuilder()
            .setGroupKeyRequest(request.toBuilder().setEncryptionTypeValue(7))
            .build();
    assertTrue(
        assertThrows(
                UnsupportedKeyExchangeException.class,
                () -> GroupKeySealing.respond(seven, List.of(Fixtures.KEY_1)))
            .getMessage()
            .contains("number 7"));
    GroupKeyResponse mlKemResponse =
        GroupKeyResponse.newBuilder().setEncryptionType(AsymmetricEncryptionType.ML_KEM).build();
    assertThrows(
        UnsupportedKeyExchangeException.class,
        () -> GroupKeySealing.open(mlKemResponse, privateKey));
  }

  /**
   * The field numbers of Streamr's NetworkRpc.proto (the ML-KEM release), so its bytes parse here.
   */
  @Test
  void theKeyExchangeFieldsHaveStreamrsNumbers() throws Exception {
    assertEquals(5, GroupKeyRequest.getDescriptor().findFieldByName("encryption_type").getNumber());
    assertEquals(
        4, GroupKeyResponse.getDescriptor().findFieldByName("encryption_type").getNumber());
    assertEquals(
        "encryptionType",
        GroupKeyRequest.getDescriptor().findFieldByName("encryption_type").getJsonName());
    assertEquals(0, AsymmetricEncryptionType.RSA.getNumber());
    assertEquals(1, AsymmetricEncryptionType.ML_KEM.getNumber());
    // hand-written bytes: requestId "r" (1), recipientId 0xab (2), publicKey "k" (3), keyId "g"
    // (4),
    // encryptionType ML_KEM (5)
    GroupKeyRequest parsed =
        GroupKeyRequest.parseFrom(
            HexFormat.of().parseHex("0a0172" + "1201ab" + "1a016b" + "220167" + "2801"));
    assertEquals("r", parsed.getRequestId());
    assertEquals("k", parsed.getRsaPublicKey().toStringUtf8());
    assertEquals(List.of("g"), parsed.getGroupKeyIdsList());
    assertEquals(AsymmetricEncryptionType.ML_KEM, parsed.getEncryptionType());
    // groupKeys (3) { id "g" (1), data 0x01 (2) }, encryptionType ML_KEM (4)
    GroupKeyResponse response =
        GroupKeyResponse.parseFrom(HexFormat.of().parseHex("1a06" + "0a0167" + "120101" + "2001"));
    assertEquals("g", response.getGroupKeys(0).getId());
    assertEquals(AsymmetricEncryptionType.ML_KEM, response.getEncryptionType());
  }
}
