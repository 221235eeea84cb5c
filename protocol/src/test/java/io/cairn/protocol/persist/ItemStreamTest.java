package io.cairn.protocol.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Items sealed and opened a chunk at a time; every way of moving bytes about fails to open. */
class ItemStreamTest {
  private static final DataAddress HERE = DataAddress.ofBlocks(new byte[32], 4, 3);
  private static final DataAddress THERE = DataAddress.ofBlocks(new byte[32], 7, 3);
  private static final int CHUNK = ItemStream.CHUNK_BYTES;

  @Test
  void itemsOfEveryChunkBoundaryComeBackWithTheirNames() throws Exception {
    Random random = new Random(3);
    for (int length : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5}) {
      byte[] item = new byte[length];
      random.nextBytes(item);
      byte[] key = ItemCipher.generateKey();
      byte[] sealed = seal(item, "report ü " + length + ".pdf", key, HERE);
      assertEquals(ItemStream.sealedLength("report ü " + length + ".pdf", length), sealed.length);
      ByteArrayOutputStream opened = new ByteArrayOutputStream();
      ItemStream.Header header =
          ItemStream.open(new ByteArrayInputStream(sealed), key, HERE, h -> opened);
      assertEquals(new ItemStream.Header("report ü " + length + ".pdf", length), header);
      assertArrayEquals(item, opened.toByteArray(), length + " bytes");
    }
  }

  @Test
  void aWrongKeyOrAddressIsNotThisFormAndNothingIsWritten() throws Exception {
    byte[] key = ItemCipher.generateKey();
    byte[] sealed = seal(new byte[100], "a", key, HERE);
    assertThrows(ItemStream.NotThisForm.class, () -> open(sealed, ItemCipher.generateKey(), HERE));
    assertThrows(ItemStream.NotThisForm.class, () -> open(sealed, key, THERE));
    // an item sealed whole (the first form) is not this one either
    assertThrows(
        ItemStream.NotThisForm.class,
        () -> open(ItemCipher.encrypt(new byte[100], key, HERE), key, HERE));
  }

  @Test
  void chunksAlteredMovedDroppedOrCutOffDoNotOpen() throws Exception {
    byte[] key = ItemCipher.generateKey();
    byte[] item = new byte[3 * CHUNK];
    new Random(5).nextBytes(item);
    byte[] sealed = seal(item, "", key, HERE);
    int firstChunk = sealed.length - 3 * (CHUNK + 16);
    int chunk = CHUNK + 16;

    byte[] altered = sealed.clone();
    altered[firstChunk + chunk + 10] ^= 1;
    assertThrows(ItemDecryptionException.class, () -> open(altered, key, HERE));

    byte[] swapped = sealed.clone();
    System.arraycopy(sealed, firstChunk, swapped, firstChunk + chunk, chunk);
    System.arraycopy(sealed, firstChunk + chunk, swapped, firstChunk, chunk);
    assertThrows(ItemDecryptionException.class, () -> open(swapped, key, HERE));

    assertThrows(
        ItemDecryptionException.class,
        () -> open(Arrays.copyOf(sealed, sealed.length - chunk), key, HERE));
    assertThrows(
        ItemDecryptionException.class,
        () -> open(Arrays.copyOf(sealed, sealed.length - 1), key, HERE));
    byte[] longer = Arrays.copyOf(sealed, sealed.length + 1);
    assertThrows(ItemDecryptionException.class, () -> open(longer, key, HERE));
  }

  @Test
  void anItemShorterThanItsLengthIsNotSealed() {
    assertThrows(
        EOFException.class,
        () ->
            ItemStream.seal(
                new ByteArrayInputStream(new byte[10]),
                "",
                11,
                ItemCipher.generateKey(),
                HERE,
                new ByteArrayOutputStream()));
  }

  private static byte[] seal(byte[] item, String name, byte[] key, DataAddress address)
      throws IOException {
    ByteArrayOutputStream sealed = new ByteArrayOutputStream();
    ItemStream.seal(new ByteArrayInputStream(item), name, item.length, key, address, sealed);
    return sealed.toByteArray();
  }

  private static byte[] open(byte[] sealed, byte[] key, DataAddress address)
      throws IOException, ItemStream.NotThisForm {
    ByteArrayOutputStream opened = new ByteArrayOutputStream();
    ItemStream.open(new ByteArrayInputStream(sealed), key, address, header -> opened);
    return opened.toByteArray();
  }
}
