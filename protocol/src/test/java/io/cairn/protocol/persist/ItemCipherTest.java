package io.cairn.protocol.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ItemCipherTest {
  private static final DataAddress HERE = DataAddress.ofBlocks(new byte[32], 0, 1);
  private static final DataAddress THERE = DataAddress.ofBlocks(new byte[32], 1, 1);
  private static final byte[] ITEM = "a reading worth keeping".getBytes(StandardCharsets.UTF_8);

  @Test
  void anItemOpensWithItsKeyAtItsAddress() {
    byte[] key = ItemCipher.generateKey();
    byte[] sealed = ItemCipher.encrypt(ITEM, key, HERE);
    assertEquals(ItemCipher.sealedLength(ITEM.length), sealed.length);
    assertFalse(
        Arrays.equals(
            ITEM,
            Arrays.copyOfRange(
                sealed, ItemCipher.NONCE_LENGTH, ItemCipher.NONCE_LENGTH + ITEM.length)));
    assertArrayEquals(ITEM, ItemCipher.decrypt(sealed, key, HERE));
  }

  @Test
  void eachSealingDrawsAFreshNonce() {
    byte[] key = ItemCipher.generateKey();
    assertFalse(
        Arrays.equals(ItemCipher.encrypt(ITEM, key, HERE), ItemCipher.encrypt(ITEM, key, HERE)));
  }

  @Test
  void aWrongKeyAnotherAddressOrAlteredBytesAreRefused() {
    byte[] key = ItemCipher.generateKey();
    byte[] sealed = ItemCipher.encrypt(ITEM, key, HERE);
    assertThrows(
        ItemDecryptionException.class,
        () -> ItemCipher.decrypt(sealed, ItemCipher.generateKey(), HERE));
    assertThrows(ItemDecryptionException.class, () -> ItemCipher.decrypt(sealed, key, THERE));
    byte[] altered = sealed.clone();
    altered[ItemCipher.NONCE_LENGTH] ^= 1;
    assertThrows(ItemDecryptionException.class, () -> ItemCipher.decrypt(altered, key, HERE));
    assertThrows(
        ItemDecryptionException.class,
        () -> ItemCipher.decrypt(new byte[ItemCipher.OVERHEAD - 1], key, HERE));
  }

  @Test
  void anEmptyItemIsSealedToo() {
    byte[] key = ItemCipher.generateKey();
    assertArrayEquals(
        new byte[0], ItemCipher.decrypt(ItemCipher.encrypt(new byte[0], key, HERE), key, HERE));
  }

  @Test
  void aKeyIsThirtyTwoBytes() {
    assertThrows(
        IllegalArgumentException.class, () -> ItemCipher.encrypt(ITEM, new byte[16], HERE));
  }
}
