package io.cairn.protocol.encryption;

import io.cairn.protocol.Randomness;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster's master key: 32 bytes that encrypt the cluster's own secrets (the group keys a key
 * custodian holds) before they are written to the journal. Every node of a cluster holds the same
 * master key, because an entity may be recovered on any of them.
 *
 * <h2>Sealing</h2>
 *
 * <p>AES-256-GCM with a fresh random 12-byte nonce and a 16-byte tag:
 *
 * <pre>
 *   sealed = nonce (12 bytes) || AES-256-GCM(master key, nonce, associated data, plaintext) || tag (16 bytes)
 * </pre>
 *
 * <p>The associated data names what the plaintext is (for a group key: the stream id and the key
 * id), so a sealed value copied to another place of the journal does not open there.
 *
 * <h2>File form</h2>
 *
 * <p>{@link #parse} reads the key as 64 hex digits (optionally after {@code 0x}, surrounding white
 * space ignored), as {@code openssl rand -hex 32} writes it, or as exactly 32 raw bytes. {@link
 * #toHex} writes the hex form. {@link #toString()} never shows the key.
 */
public final class MasterKey {
  public static final int LENGTH = 32;
  public static final int NONCE_LENGTH = 12;
  public static final int TAG_LENGTH = 16;

  private static final String TRANSFORMATION = "AES/GCM/NoPadding";

  private final byte[] key;

  private MasterKey(byte[] key) {
    if (key.length != LENGTH) {
      throw new IllegalArgumentException("a master key is " + LENGTH + " bytes, not " + key.length);
    }
    this.key = key.clone();
  }

  /** A fresh random key. */
  public static MasterKey generate() {
    return new MasterKey(Randomness.bytes(LENGTH));
  }

  /**
   * The key in a key file's bytes: 64 hex digits (optionally after {@code 0x}, white space around
   * them ignored) or exactly 32 raw bytes.
   *
   * @throws IllegalArgumentException when the bytes are neither
   */
  public static MasterKey parse(byte[] file) {
    Objects.requireNonNull(file, "file");
    String text = new String(file, StandardCharsets.ISO_8859_1).strip();
    String digits = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
    if (digits.length() == 2 * LENGTH && digits.chars().allMatch(HexFormat::isHexDigit)) {
      return new MasterKey(HexFormat.of().parseHex(digits));
    }
    if (file.length == LENGTH) {
      return new MasterKey(file);
    }
    throw new IllegalArgumentException("a master key file holds 64 hex digits or 32 raw bytes");
  }

  /** The key as 64 lower-case hex digits, the form {@link #parse} reads; keep it secret. */
  public String toHex() {
    return HexFormat.of().formatHex(key);
  }

  /**
   * {@code plaintext} sealed: nonce || ciphertext || tag, {@value #NONCE_LENGTH} + n + {@value
   * #TAG_LENGTH} bytes.
   */
  public byte[] seal(byte[] plaintext, byte[] associatedData) {
    byte[] nonce = Randomness.bytes(NONCE_LENGTH);
    byte[] out = Arrays.copyOf(nonce, NONCE_LENGTH + plaintext.length + TAG_LENGTH);
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(key, "AES"),
          new GCMParameterSpec(TAG_LENGTH * 8, nonce));
      cipher.updateAAD(associatedData);
      cipher.doFinal(plaintext, 0, plaintext.length, out, NONCE_LENGTH);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK provides AES/GCM/NoPadding", e);
    }
    return out;
  }

  /**
   * The plaintext of a value {@link #seal} made with the same associated data.
   *
   * @throws IllegalStateException when it does not open: sealed under another master key, with
   *     other associated data, or changed. The cluster's own journal holding such a value is a
   *     fault (most likely a node with another master key), not bad input.
   */
  public byte[] open(byte[] sealed, byte[] associatedData) {
    if (sealed.length < NONCE_LENGTH + TAG_LENGTH) {
      throw new IllegalStateException(
          "a sealed value is at least " + (NONCE_LENGTH + TAG_LENGTH) + " bytes");
    }
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(key, "AES"),
          new GCMParameterSpec(TAG_LENGTH * 8, sealed, 0, NONCE_LENGTH));
      cipher.updateAAD(associatedData);
      return cipher.doFinal(sealed, NONCE_LENGTH, sealed.length - NONCE_LENGTH);
    } catch (AEADBadTagException e) {
      throw new IllegalStateException(
          "a sealed value does not open with this master key: every node of a"
              + " cluster must use the same master key",
          e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK provides AES/GCM/NoPadding", e);
    }
  }

  /**
   * A 32-byte key of its own for {@code purpose}: HMAC-SHA256 of the purpose under the master key.
   * A feature that needs a secret every node derives alike (the pinning epochs' secrets) takes one,
   * never the master key itself; two purposes give unrelated keys.
   */
  public byte[] derive(String purpose) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK provides HmacSHA256", e);
    }
  }

  /** Never the key itself: it stays out of logs. */
  @Override
  public String toString() {
    return "MasterKey[32 bytes]";
  }
}
