package io.cairn.protocol.encryption;

import com.google.protobuf.ByteString;
import io.cairn.protocol.Randomness;
import io.cairn.protocol.api.v1.ContentMessage;
import io.cairn.protocol.api.v1.EncryptionType;
import io.cairn.protocol.api.v1.StreamMessage;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stream content encryption as the Streamr Network does it, so that a Streamr client holding the
 * same group key reads Cairn's events and the other way round. Established from {@code
 * packages/sdk/src/encryption/EncryptionUtil.ts} ({@code encryptWithAES}, {@code decryptWithAES},
 * {@code decryptStreamMessage}), {@code aesUtils.ts}, {@code GroupKey.ts} ({@code
 * encryptNextGroupKey}) and {@code publish/MessageFactory.ts} of {@code streamr-dev/network}.
 *
 * <h2>Content</h2>
 *
 * <p>AES-256-CTR under the group key's 32 bytes, with a fresh random 16-byte IV written in front of
 * the ciphertext:
 *
 * <pre>
 *   ciphertext = IV (16 bytes) || AES-256-CTR(key, counter block = IV, plaintext)
 * </pre>
 *
 * <p>The IV is the whole initial counter block, incremented as one 128-bit big-endian number for
 * each further block (so {@code ff..ff} is followed by {@code 00..00}), as Node's {@code
 * aes-256-ctr}, OpenSSL and the JDK's {@code AES/CTR/NoPadding} all do. There is no padding (the
 * ciphertext is 16 bytes longer than the plaintext) and no authentication tag.
 *
 * <h2>In a StreamMessage</h2>
 *
 * <p>{@link #encryptContent} replaces the content message's {@code content} with the ciphertext,
 * sets {@code encryptionType = AES} and {@code groupKeyId} to the key's id; {@code contentType}
 * stays the plaintext's (JSON or BINARY). When the publisher rotates to a next key, the same
 * message carries it in {@code newGroupKey}: the next key's id in clear, and its 32 bytes encrypted
 * under the current key in the same way (IV || CTR ciphertext, 48 bytes). A subscriber who can read
 * the message thus learns the next key as well.
 *
 * <h2>Integrity comes from the signature</h2>
 *
 * <p>CTR is malleable and unauthenticated: decrypting with wrong key bytes, or decrypting a changed
 * ciphertext, gives no error, only bytes that are not the plaintext (flipping a ciphertext bit
 * flips the same plaintext bit). What protects the content is the publisher's signature, which
 * covers the ciphertext and the encrypted next key as carried ({@link
 * io.cairn.protocol.event.SignaturePayload}). So a publisher encrypts first and then signs the
 * encrypted message ({@link io.cairn.protocol.event.EventSigner}); a subscriber verifies the
 * encrypted message ({@link io.cairn.protocol.event.EventVerifier}) and only then decrypts it.
 * Streamr's payload does not cover {@code encryptionType} or {@code groupKeyId}: a changed key id
 * makes the subscriber decrypt with another key (garbage) or not find one, never read something the
 * publisher did not encrypt.
 */
public final class StreamEncryption {
  /** The IV in front of every ciphertext: one AES block. */
  public static final int IV_LENGTH = 16;

  /** An encrypted next group key: an IV and the 32 encrypted key bytes. */
  public static final int ENCRYPTED_KEY_LENGTH = IV_LENGTH + GroupKey.LENGTH;

  private static final String TRANSFORMATION = "AES/CTR/NoPadding";

  private StreamEncryption() {}

  /** {@code plaintext} under {@code key}: a fresh random 16-byte IV, then the CTR ciphertext. */
  public static byte[] encrypt(byte[] plaintext, GroupKey key) {
    return encrypt(plaintext, key, Randomness.bytes(IV_LENGTH));
  }

  /**
   * As {@link #encrypt(byte[], GroupKey)} with a given IV, for test vectors only: reusing an IV
   * under one key reveals the XOR of the two plaintexts.
   */
  static byte[] encrypt(byte[] plaintext, GroupKey key, byte[] iv) {
    if (iv.length != IV_LENGTH) {
      throw new IllegalArgumentException("the IV is " + IV_LENGTH + " bytes");
    }
    return encryptor(key).encrypt(plaintext, iv);
  }

  /**
   * The plaintext of {@code ciphertext} (IV || CTR ciphertext) under {@code key}. A wrong key gives
   * wrong bytes of the same length, not an error (see the class comment).
   *
   * @throws TruncatedCiphertextException when {@code ciphertext} is shorter than the IV
   */
  public static byte[] decrypt(byte[] ciphertext, GroupKey key) {
    return decryptor(key).decrypt(ciphertext);
  }

  /**
   * A {@link #decrypt(byte[], GroupKey)} for many ciphertexts under one key, such as a page of
   * sealed pairs: it keeps one cipher and only sets each ciphertext's IV, which costs a fraction of
   * setting a cipher up. Not for use by two threads at once.
   */
  public static final class Decryptor {
    private final Cipher cipher;
    private final SecretKeySpec key;

    private Decryptor(GroupKey key) {
      try {
        this.cipher = Cipher.getInstance(TRANSFORMATION);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK provides AES/CTR/NoPadding", e);
      }
      this.key = new SecretKeySpec(key.bytes(), "AES");
    }

    /** As {@link StreamEncryption#decrypt(byte[], GroupKey)}. */
    public byte[] decrypt(byte[] ciphertext) {
      if (ciphertext.length < IV_LENGTH) {
        throw new TruncatedCiphertextException(ciphertext.length);
      }
      try {
        cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(ciphertext, 0, IV_LENGTH));
        return cipher.doFinal(ciphertext, IV_LENGTH, ciphertext.length - IV_LENGTH);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK provides AES/CTR/NoPadding", e);
      }
    }
  }

  public static Decryptor decryptor(GroupKey key) {
    return new Decryptor(key);
  }

  /**
   * An {@link #encrypt(byte[], GroupKey)} for many plaintexts under one key, such as the pairs of
   * one event, keeping one cipher; each plaintext still gets a fresh random IV. Not for use by two
   * threads at once.
   */
  public static final class Encryptor {
    private final Cipher cipher;
    private final SecretKeySpec key;

    private Encryptor(GroupKey key) {
      try {
        this.cipher = Cipher.getInstance(TRANSFORMATION);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK provides AES/CTR/NoPadding", e);
      }
      this.key = new SecretKeySpec(key.bytes(), "AES");
    }

    /** As {@link StreamEncryption#encrypt(byte[], GroupKey)}. */
    public byte[] encrypt(byte[] plaintext) {
      return encrypt(plaintext, Randomness.bytes(IV_LENGTH));
    }

    private byte[] encrypt(byte[] plaintext, byte[] iv) {
      byte[] out = Arrays.copyOf(iv, IV_LENGTH + plaintext.length);
      try {
        cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
        cipher.doFinal(plaintext, 0, plaintext.length, out, IV_LENGTH);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK provides AES/CTR/NoPadding", e);
      }
      return out;
    }
  }

  public static Encryptor encryptor(GroupKey key) {
    return new Encryptor(key);
  }

  /**
   * {@code next} encrypted under {@code current}, as a message's {@code newGroupKey} carries it: id
   * in clear, data = IV || AES-256-CTR(current, next's 32 bytes), 48 bytes.
   */
  public static io.cairn.protocol.api.v1.GroupKey encryptNextKey(GroupKey next, GroupKey current) {
    return io.cairn.protocol.api.v1.GroupKey.newBuilder()
        .setId(next.id())
        .setData(ByteString.copyFrom(encrypt(next.bytes(), current)))
        .build();
  }

  /**
   * The next key a message announced, decrypted with the message's key.
   *
   * @throws TruncatedCiphertextException when the data is shorter than an IV
   * @throws MalformedCiphertextException when it is not 48 bytes
   */
  public static GroupKey decryptNextKey(
      io.cairn.protocol.api.v1.GroupKey encrypted, GroupKey current) {
    byte[] data = encrypted.getData().toByteArray();
    if (data.length < IV_LENGTH) {
      throw new TruncatedCiphertextException(data.length);
    }
    if (data.length != ENCRYPTED_KEY_LENGTH) {
      throw new MalformedCiphertextException(
          "the new group key \""
              + encrypted.getId()
              + "\" is "
              + data.length
              + " bytes, not an IV and a 32-byte key ("
              + ENCRYPTED_KEY_LENGTH
              + ")");
    }
    try {
      return new GroupKey(encrypted.getId(), decrypt(data, current));
    } catch (IllegalArgumentException badId) {
      throw new MalformedCiphertextException(
          "the new group key's id is not valid: " + badId.getMessage());
    }
  }

  /** {@link #encryptContent(StreamMessage, GroupKey, GroupKey)} without a next key. */
  public static StreamMessage encryptContent(StreamMessage message, GroupKey key) {
    return encryptContent(message, key, null);
  }

  /**
   * {@code message} with its content encrypted under {@code key}: {@code content} becomes IV ||
   * ciphertext, {@code encryptionType} AES, {@code groupKeyId} the key's id and, when {@code next}
   * is given, {@code newGroupKey} the next key encrypted under {@code key}. Any signature is
   * cleared: sign the result, since the signature must cover the ciphertext.
   *
   * @param message an unencrypted content message
   * @param next the key the publisher rotates to, or null
   * @throws IllegalArgumentException when the message has no content body or is already encrypted
   */
  public static StreamMessage encryptContent(StreamMessage message, GroupKey key, GroupKey next) {
    Objects.requireNonNull(key, "key");
    ContentMessage content = contentOf(message);
    if (content.getEncryptionType() != EncryptionType.NONE) {
      throw new IllegalArgumentException("the content is already encrypted");
    }
    ContentMessage.Builder encrypted =
        content.toBuilder()
            .setContent(ByteString.copyFrom(encrypt(content.getContent().toByteArray(), key)))
            .setEncryptionType(EncryptionType.AES)
            .setGroupKeyId(key.id())
            .clearNewGroupKey();
    if (next != null) {
      encrypted.setNewGroupKey(encryptNextKey(next, key));
    }
    return message.toBuilder().setContentMessage(encrypted).clearSignature().build();
  }

  /**
   * The plaintext of an encrypted message, decrypted with {@code key}, which must be the key the
   * message names. Verify the encrypted message's signature first: the result's content is the
   * plaintext, its encryption type NONE, its group key fields and its signature cleared (the
   * signature covered the ciphertext, so it does not verify the plaintext).
   *
   * @throws WrongGroupKeyException when {@code key} is not the key the message names
   * @throws TruncatedCiphertextException when the content or the new key is shorter than an IV
   * @throws MalformedCiphertextException when the new key is not 48 bytes
   * @throws IllegalArgumentException when the message is not an AES-encrypted content message
   */
  public static Decrypted decryptContent(StreamMessage message, GroupKey key) {
    ContentMessage content = encryptedContentOf(message);
    if (!content.getGroupKeyId().equals(key.id())) {
      throw new WrongGroupKeyException(content.getGroupKeyId(), key.id());
    }
    return decrypt(message, content, key);
  }

  /**
   * As {@link #decryptContent(StreamMessage, GroupKey)}, with the key the message names found in
   * {@code keys}.
   *
   * @throws UnknownGroupKeyException when {@code keys} does not hold it
   */
  public static Decrypted decryptContent(StreamMessage message, GroupKeyLookup keys) {
    ContentMessage content = encryptedContentOf(message);
    GroupKey key =
        keys.find(content.getGroupKeyId())
            .orElseThrow(() -> new UnknownGroupKeyException(content.getGroupKeyId()));
    if (!key.id().equals(content.getGroupKeyId())) {
      throw new WrongGroupKeyException(content.getGroupKeyId(), key.id());
    }
    return decrypt(message, content, key);
  }

  /**
   * A decrypted message and the next group key it announced, if any.
   *
   * @param message the message with its plaintext content and without a signature
   * @param nextKey the key the publisher rotates to, decrypted
   */
  public record Decrypted(StreamMessage message, Optional<GroupKey> nextKey) {
    public Decrypted {
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(nextKey, "nextKey");
    }

    /** The plaintext content bytes. */
    public byte[] content() {
      return message.getContentMessage().getContent().toByteArray();
    }
  }

  private static Decrypted decrypt(StreamMessage message, ContentMessage content, GroupKey key) {
    byte[] plaintext = decrypt(content.getContent().toByteArray(), key);
    Optional<GroupKey> next =
        content.hasNewGroupKey()
            ? Optional.of(decryptNextKey(content.getNewGroupKey(), key))
            : Optional.empty();
    ContentMessage decrypted =
        content.toBuilder()
            .setContent(ByteString.copyFrom(plaintext))
            .setEncryptionType(EncryptionType.NONE)
            .clearGroupKeyId()
            .clearNewGroupKey()
            .build();
    return new Decrypted(
        message.toBuilder().setContentMessage(decrypted).clearSignature().build(), next);
  }

  private static ContentMessage contentOf(StreamMessage message) {
    if (message.getBodyCase() != StreamMessage.BodyCase.CONTENT_MESSAGE) {
      throw new IllegalArgumentException(
          "only content messages are encrypted; this one is " + message.getBodyCase());
    }
    return message.getContentMessage();
  }

  private static ContentMessage encryptedContentOf(StreamMessage message) {
    ContentMessage content = contentOf(message);
    if (content.getEncryptionType() != EncryptionType.AES) {
      throw new IllegalArgumentException(
          "the content is not AES-encrypted (encryption type "
              + content.getEncryptionTypeValue()
              + ")");
    }
    return content;
  }
}
