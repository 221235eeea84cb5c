package io.cairn.protocol.encryption;

import com.google.protobuf.ByteString;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Randomness;
import io.cairn.protocol.api.v1.AsymmetricEncryptionType;
import io.cairn.protocol.api.v1.GroupKeyRequest;
import io.cairn.protocol.api.v1.GroupKeyResponse;
import io.cairn.protocol.api.v1.StreamMessage;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * Group keys sealed to a subscriber's RSA public key, as the Streamr Network's key exchange does
 * it, so that a Streamr subscriber can ask Cairn's publishers for keys and a Cairn subscriber can
 * ask Streamr's. Established from {@code packages/sdk/src/encryption/} of {@code
 * streamr-dev/network}: {@code RSAKeyPair.ts}, {@code EncryptionUtil.ts} ({@code
 * encryptWithRSAPublicKey}, {@code decryptWithRSAPrivateKey}), {@code SubscriberKeyExchange.ts},
 * {@code PublisherKeyExchange.ts}, and the SDK's {@code config.schema.json} ({@code
 * encryption.rsaKeyLength}).
 *
 * <h2>The exchange</h2>
 *
 * <p>A subscriber that meets a message under a group key it lacks publishes a signed {@code
 * GroupKeyRequest} on the stream part: a fresh request id (a UUID), the publisher's 20-byte address
 * as {@code recipientId}, its RSA public key, the wanted key ids and, since Streamr's ML-KEM
 * release, {@code encryptionType = RSA}. The publisher answers with a signed {@code
 * GroupKeyResponse}: the same request id, the subscriber's address (the request's publisher id) as
 * {@code recipientId}, and each key it holds as {@code {id, sealed data}}.
 *
 * <h2>Keys and their encoding</h2>
 *
 * <p>The subscriber's key pair is RSA with public exponent 65537 and, by Streamr's default, {@value
 * #STREAMR_KEY_SIZE} bits. The public key travels as text: the SPKI ({@code SubjectPublicKeyInfo},
 * DER) in base64 between PEM lines, encoded in UTF-8. Node writes (and Cairn writes) the base64 in
 * lines of 64 characters:
 *
 * <pre>
 *   -----BEGIN PUBLIC KEY-----\n
 *   MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEA...\n   (64 characters a line)
 *   ...\n
 *   -----END PUBLIC KEY-----\n
 * </pre>
 *
 * <p>Streamr's browser build writes the base64 on one line; Cairn reads either. As Streamr's SDK
 * does, Cairn accepts only a text that starts with {@code -----BEGIN PUBLIC KEY-----} and ends with
 * {@code -----END PUBLIC KEY-----} and a newline. The private key, if kept, is PKCS#8 in PEM
 * ({@code -----BEGIN PRIVATE KEY-----}) in the same way.
 *
 * <h2>Sealing</h2>
 *
 * <p>What is encrypted is the group key's 32 raw bytes, nothing else (the id travels in clear next
 * to it). The encryption is RSA-OAEP (PKCS#1 v2.2) with SHA-1 as the OAEP hash, MGF1 with SHA-1,
 * and an empty label: Streamr calls Node's {@code crypto.publicEncrypt} (or its browser twin, the
 * {@code public-encrypt} package) with the PEM text and nothing else, and their default is OAEP
 * with SHA-1. (The SHA-256 in Streamr's browser key generation only tags the WebCrypto key object;
 * the exported SPKI and PKCS#8 carry no hash.) The sealed data is as long as the modulus: 512 bytes
 * for a 4096-bit key. It can be opened with {@code openssl pkeyutl -decrypt -inkey key.pem -pkeyopt
 * rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha1 -pkeyopt rsa_mgf1_md:sha1}.
 *
 * <h2>What Cairn adds or leaves out</h2>
 *
 * <p>Cairn refuses to seal to, or generate, keys under {@value #MIN_KEY_SIZE} bits (Streamr's
 * {@code RSAKeyPair.MIN_KEY_LENGTH} is 640 bits, about the least OAEP-SHA-1 needs for 32 bytes, and
 * a Streamr publisher seals to any size; keys that small can be factored). The {@code ML_KEM} key
 * exchange (ML-KEM-1024 with HKDF-SHA-512 and AES-256-CTR) is declared in the schema but not
 * implemented: requests and responses that ask for it are refused with {@link
 * UnsupportedKeyExchangeException}. Neither {@code encryptionType} field is covered by the
 * signature.
 */
public final class GroupKeySealing {
  /** Streamr's default RSA key size ({@code encryption.rsaKeyLength}). */
  public static final int STREAMR_KEY_SIZE = 4096;

  /** The smallest RSA key Cairn seals a group key to or generates. */
  public static final int MIN_KEY_SIZE = 2048;

  private static final String PUBLIC_BEGIN = "-----BEGIN PUBLIC KEY-----";
  private static final String PUBLIC_END = "-----END PUBLIC KEY-----\n";
  private static final String PRIVATE_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String PRIVATE_END = "-----END PRIVATE KEY-----\n";
  private static final String TRANSFORMATION = "RSA/ECB/OAEPPadding";
  private static final OAEPParameterSpec OAEP_SHA1 =
      new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT);

  private GroupKeySealing() {}

  /** A {@value #STREAMR_KEY_SIZE}-bit RSA key pair with exponent 65537, as Streamr's SDK makes. */
  public static KeyPair generateKeyPair() {
    return generateKeyPair(STREAMR_KEY_SIZE);
  }

  /** An RSA key pair of {@code bits} bits (at least {@value #MIN_KEY_SIZE}), exponent 65537. */
  public static KeyPair generateKeyPair(int bits) {
    if (bits < MIN_KEY_SIZE) {
      throw new IllegalArgumentException(
          "RSA keys for group key exchange are at least " + MIN_KEY_SIZE + " bits");
    }
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(
          new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4), Randomness.generator());
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK generates RSA keys", e);
    }
  }

  /**
   * The public key as Streamr sends it in {@code GroupKeyRequest.rsaPublicKey}: the UTF-8 bytes of
   * the SPKI in PEM, base64 in lines of 64 characters, every line ending in {@code \n}.
   */
  public static byte[] encodePublicKey(RSAPublicKey key) {
    return pem(PUBLIC_BEGIN, key.getEncoded(), PUBLIC_END);
  }

  /**
   * The RSA public key in a {@code GroupKeyRequest.rsaPublicKey}.
   *
   * @throws InvalidPublicKeyException when the bytes are not a UTF-8 PEM SPKI RSA key in Streamr's
   *     form, or the key is shorter than {@value #MIN_KEY_SIZE} bits
   */
  public static RSAPublicKey decodePublicKey(byte[] pem) {
    byte[] der;
    try {
      der = unpem(pem, PUBLIC_BEGIN, PUBLIC_END);
    } catch (IllegalArgumentException e) {
      throw new InvalidPublicKeyException(
          "the public key is not an SPKI PEM text: " + e.getMessage());
    }
    PublicKey key;
    try {
      key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new InvalidPublicKeyException("the public key is not an RSA SPKI key", e);
    }
    RSAPublicKey rsa = (RSAPublicKey) key;
    int bits = rsa.getModulus().bitLength();
    if (bits < MIN_KEY_SIZE) {
      throw new InvalidPublicKeyException(
          "the RSA key has "
              + bits
              + " bits; Cairn seals group keys"
              + " to keys of at least "
              + MIN_KEY_SIZE);
    }
    return rsa;
  }

  /** The private key as PKCS#8 in PEM, UTF-8, as Streamr's SDK keeps it. Keep it secret. */
  public static byte[] encodePrivateKey(RSAPrivateKey key) {
    return pem(PRIVATE_BEGIN, key.getEncoded(), PRIVATE_END);
  }

  /**
   * A PKCS#8 PEM RSA private key, as {@link #encodePrivateKey} writes it.
   *
   * @throws IllegalArgumentException when it is not one
   */
  public static RSAPrivateKey decodePrivateKey(byte[] pem) {
    byte[] der = unpem(pem, PRIVATE_BEGIN, PRIVATE_END);
    try {
      return (RSAPrivateKey)
          KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException("not a PKCS#8 RSA private key", e);
    }
  }

  /**
   * {@code key} sealed to {@code publicKey}: id in clear, data = RSA-OAEP-SHA1(the 32 key bytes),
   * as long as the modulus.
   *
   * @throws InvalidPublicKeyException when the key is shorter than {@value #MIN_KEY_SIZE} bits
   */
  public static io.cairn.protocol.api.v1.GroupKey seal(GroupKey key, RSAPublicKey publicKey) {
    int bits = publicKey.getModulus().bitLength();
    if (bits < MIN_KEY_SIZE) {
      throw new InvalidPublicKeyException(
          "the RSA key has "
              + bits
              + " bits; Cairn seals group keys"
              + " to keys of at least "
              + MIN_KEY_SIZE);
    }
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.ENCRYPT_MODE, publicKey, OAEP_SHA1, Randomness.generator());
      return io.cairn.protocol.api.v1.GroupKey.newBuilder()
          .setId(key.id())
          .setData(ByteString.copyFrom(cipher.doFinal(key.bytes())))
          .build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK provides RSA-OAEP with SHA-1", e);
    }
  }

  /**
   * The group key in a sealed {@code {id, data}}, opened with the subscriber's private key.
   *
   * @throws UnsealException when OAEP's check fails (sealed to another key, or changed) or the
   *     content is not a 32-byte key, or the id is not a valid group key id
   */
  public static GroupKey unseal(
      io.cairn.protocol.api.v1.GroupKey sealed, RSAPrivateKey privateKey) {
    byte[] data;
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.DECRYPT_MODE, privateKey, OAEP_SHA1);
      data = cipher.doFinal(sealed.getData().toByteArray());
    } catch (GeneralSecurityException e) {
      throw new UnsealException(
          "group key \""
              + sealed.getId()
              + "\" does not open with this private"
              + " key: it was sealed to another public key, or its bytes were changed",
          e);
    }
    if (data.length != GroupKey.LENGTH) {
      throw new UnsealException(
          "group key \""
              + sealed.getId()
              + "\" holds "
              + data.length
              + " bytes, not a "
              + GroupKey.LENGTH
              + "-byte key");
    }
    try {
      return new GroupKey(sealed.getId(), data);
    } catch (IllegalArgumentException e) {
      throw new UnsealException("the sealed key's id is not a group key id: " + e.getMessage());
    }
  }

  /**
   * The body of a subscriber's request for {@code groupKeyIds} from {@code publisher}, asking for
   * them to be sealed to {@code publicKey} with RSA. The caller puts it in a stream message on the
   * stream part and signs it.
   */
  public static GroupKeyRequest request(
      String requestId,
      EthereumAddress publisher,
      RSAPublicKey publicKey,
      List<String> groupKeyIds) {
    return GroupKeyRequest.newBuilder()
        .setRequestId(requestId)
        .setRecipientId(
            ByteString.copyFrom(HexFormat.of().parseHex(publisher.value().substring(2))))
        .setRsaPublicKey(ByteString.copyFrom(encodePublicKey(publicKey)))
        .addAllGroupKeyIds(groupKeyIds)
        .setEncryptionType(AsymmetricEncryptionType.RSA)
        .build();
  }

  /**
   * The body of a publisher's response to the signed request {@code requestMessage} (verify it, and
   * the requester's subscribe permission, first): each of {@code keys} sealed to the request's
   * public key, addressed to the requester. The caller puts it in a stream message and signs it.
   *
   * @param keys the requested keys the publisher holds; each must have been asked for
   * @throws UnsupportedKeyExchangeException when the request asks for ML-KEM or an unknown type
   * @throws InvalidPublicKeyException when the request's public key is not usable
   * @throws IllegalArgumentException when the message is not a request, or a key was not asked for
   */
  public static GroupKeyResponse respond(StreamMessage requestMessage, List<GroupKey> keys) {
    if (requestMessage.getBodyCase() != StreamMessage.BodyCase.GROUP_KEY_REQUEST) {
      throw new IllegalArgumentException(
          "not a group key request: " + requestMessage.getBodyCase());
    }
    GroupKeyRequest request = requestMessage.getGroupKeyRequest();
    requireRsa(request.getEncryptionType(), request.getEncryptionTypeValue(), "request");
    Set<String> asked = new HashSet<>(request.getGroupKeyIdsList());
    for (GroupKey key : keys) {
      if (!asked.contains(key.id())) {
        throw new IllegalArgumentException("group key \"" + key.id() + "\" was not requested");
      }
    }
    RSAPublicKey publicKey = decodePublicKey(request.getRsaPublicKey().toByteArray());
    GroupKeyResponse.Builder response =
        GroupKeyResponse.newBuilder()
            .setRequestId(request.getRequestId())
            .setRecipientId(requestMessage.getMessageId().getPublisherId())
            .setEncryptionType(AsymmetricEncryptionType.RSA);
    keys.forEach(key -> response.addGroupKeys(seal(key, publicKey)));
    return response.build();
  }

  /**
   * The keys in a response to one of this subscriber's requests (check its signature, request id
   * and recipient first), opened with the private key the request's public key belongs to.
   *
   * @throws UnsupportedKeyExchangeException when the response used ML-KEM or an unknown type
   * @throws UnsealException when a key does not open
   */
  public static List<GroupKey> open(GroupKeyResponse response, RSAPrivateKey privateKey) {
    requireRsa(response.getEncryptionType(), response.getEncryptionTypeValue(), "response");
    return response.getGroupKeysList().stream()
        .map(sealedKey -> unseal(sealedKey, privateKey))
        .toList();
  }

  private static void requireRsa(AsymmetricEncryptionType type, int number, String what) {
    if (type != AsymmetricEncryptionType.RSA) {
      String name =
          type == AsymmetricEncryptionType.UNRECOGNIZED ? "number " + number : type.name();
      throw new UnsupportedKeyExchangeException(
          "the group key " + what + " uses key exchange " + name + "; Cairn implements RSA only");
    }
  }

  private static byte[] pem(String begin, byte[] der, String end) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return (begin + "\n" + body + "\n" + end).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] unpem(byte[] pem, String begin, String end) {
    Objects.requireNonNull(pem, "pem");
    String text = new String(pem, StandardCharsets.UTF_8);
    if (!text.startsWith(begin) || !text.endsWith(end)) {
      throw new IllegalArgumentException(
          "it must start with " + begin + " and end with " + end.strip() + " and a newline");
    }
    String base64 =
        text.substring(begin.length(), text.length() - end.length()).replaceAll("\\s", "");
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("its body is not base64");
    }
  }
}
