package io.cairn.protocol.persist;

import io.cairn.protocol.Randomness;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The encryption of one persisted item: AES-256-GCM under a key used for this item only, a random
 * 12-byte nonce in front of the ciphertext and the 16-byte tag behind it. The item's address text
 * is the associated data, so a key announced for one address does not open the blocks of another: a
 * pair that points a real key at another item's blocks fails like a wrong key.
 */
public final class ItemCipher {
  public static final int KEY_LENGTH = 32;
  public static final int NONCE_LENGTH = 12;
  public static final int TAG_LENGTH = 16;

  /** What encryption adds to an item's length. */
  public static final int OVERHEAD = NONCE_LENGTH + TAG_LENGTH;

  private ItemCipher() {}

  /** A fresh item key. */
  public static byte[] generateKey() {
    return Randomness.bytes(KEY_LENGTH);
  }

  public static byte[] encrypt(byte[] plaintext, byte[] key, DataAddress address) {
    byte[] nonce = Randomness.bytes(NONCE_LENGTH);
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, nonce, address);
      byte[] sealed = new byte[NONCE_LENGTH + cipher.getOutputSize(plaintext.length)];
      System.arraycopy(nonce, 0, sealed, 0, NONCE_LENGTH);
      cipher.doFinal(plaintext, 0, plaintext.length, sealed, NONCE_LENGTH);
      return sealed;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /**
   * The plaintext of {@code sealed}.
   *
   * @throws ItemDecryptionException when the key, the address or the bytes are not those the item
   *     was sealed with
   */
  public static byte[] decrypt(byte[] sealed, byte[] key, DataAddress address) {
    if (sealed.length < OVERHEAD) {
      throw new ItemDecryptionException(
          "the item is " + sealed.length + " bytes, shorter than a nonce and a tag");
    }
    try {
      byte[] nonce = Arrays.copyOf(sealed, NONCE_LENGTH);
      return cipher(Cipher.DECRYPT_MODE, key, nonce, address)
          .doFinal(sealed, NONCE_LENGTH, sealed.length - NONCE_LENGTH);
    } catch (AEADBadTagException wrong) {
      throw new ItemDecryptionException(
          "the item does not open with its announced key at " + address);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** How long an item of {@code plaintextLength} bytes is once sealed. */
  public static long sealedLength(long plaintextLength) {
    return plaintextLength + OVERHEAD;
  }

  private static Cipher cipher(int mode, byte[] key, byte[] nonce, DataAddress address)
      throws GeneralSecurityException {
    if (key.length != KEY_LENGTH) {
      throw new IllegalArgumentException(
          "an item key is " + KEY_LENGTH + " bytes, not " + key.length);
    }
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_LENGTH * 8, nonce));
    cipher.updateAAD(address.text().getBytes(StandardCharsets.US_ASCII));
    return cipher;
  }
}
