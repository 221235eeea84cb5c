package io.cairn.protocol.persist;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.protocol.Randomness;
import io.cairn.protocol.api.v1.ItemHeader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The encryption of one persisted item as a stream of chunks, so that an item of any size is sealed
 * and opened in bounded memory: the STREAM construction (Hoang, Reyhanitabar, Rogaway and Vizár,
 * 2015) over AES-256-GCM, as age and Tink's streaming AEAD build it.
 *
 * <pre>
 * stored = version (1 byte: 2) || nonce prefix (7 random bytes) || header length (4, big-endian)
 *          || sealed header || sealed chunk 1 || ... || sealed chunk n
 * </pre>
 *
 * Chunk {@code i} (the header is chunk 0) is sealed under the item's key with the nonce {@code
 * prefix || i (4 bytes, big-endian) || last (1 byte: 1 on the final chunk, else 0)} and the item's
 * address text as associated data, and carries its 16-byte tag. The header is an {@link ItemHeader}
 * (the item's name and length); the chunks after it hold {@value #CHUNK_BYTES} bytes of the item
 * each, the last one the rest (an empty item has one empty last chunk). Numbered chunks and the
 * final flag mean that no chunk can be moved, dropped, repeated or cut off without failing to open,
 * and the header names the item to its readers only: the cluster sees ciphertext.
 */
public final class ItemStream {
  public static final byte VERSION = 2;
  public static final int CHUNK_BYTES = 64 * 1024;

  /** The longest header a reader accepts: a name of some thousands of bytes, and the length. */
  public static final int MAX_HEADER_BYTES = 16 * 1024;

  private static final int PREFIX_LENGTH = 7;
  private static final int LENGTH_FIELD = 4;
  private static final int TAG_LENGTH = 16;

  /** What precedes the sealed header. */
  public static final int PREAMBLE = 1 + PREFIX_LENGTH + LENGTH_FIELD;

  private ItemStream() {}

  /** What a reader learns from an item's header. */
  public record Header(String name, long length) {}

  /** The bytes an item named {@code name} of {@code length} bytes takes once sealed. */
  public static long sealedLength(String name, long length) {
    long chunks = Math.max(1, (length + CHUNK_BYTES - 1) / CHUNK_BYTES);
    return PREAMBLE + header(name, length).length + TAG_LENGTH + chunks * TAG_LENGTH + length;
  }

  /**
   * Seals the {@code length} bytes {@code plaintext} gives, named {@code name}, for {@code
   * address}, writing the stored form to {@code sealed} a chunk at a time.
   *
   * @throws EOFException when {@code plaintext} ends before {@code length} bytes
   */
  public static void seal(
      InputStream plaintext,
      String name,
      long length,
      byte[] key,
      DataAddress address,
      OutputStream sealed)
      throws IOException {
    byte[] prefix = Randomness.bytes(PREFIX_LENGTH);
    byte[] header = header(name, length);
    byte[] sealedHeader = crypt(Cipher.ENCRYPT_MODE, key, address, prefix, 0, false, header);
    sealed.write(VERSION);
    sealed.write(prefix);
    sealed.write(ByteBuffer.allocate(LENGTH_FIELD).putInt(sealedHeader.length).array());
    sealed.write(sealedHeader);
    long left = length;
    int index = 1;
    do {
      byte[] chunk = plaintext.readNBytes((int) Math.min(CHUNK_BYTES, left));
      if (chunk.length < Math.min(CHUNK_BYTES, left)) {
        throw new EOFException(
            "the item ended after " + (length - left + chunk.length) + " of " + length + " bytes");
      }
      left -= chunk.length;
      sealed.write(crypt(Cipher.ENCRYPT_MODE, key, address, prefix, index++, left == 0, chunk));
    } while (left > 0);
  }

  /** Thrown before anything is written when the stored bytes are no item of this form. */
  public static final class NotThisForm extends Exception {
    private final boolean startsLikeIt;

    NotThisForm(String why, boolean startsLikeIt) {
      super(why, null, false, false);
      this.startsLikeIt = startsLikeIt;
    }

    /**
     * Whether the bytes begin with this form's version: then a wrong key is far likelier than an
     * item sealed whole whose random nonce happens to begin so (1 in 256).
     */
    public boolean startsLikeIt() {
      return startsLikeIt;
    }
  }

  /**
   * Opens the stored item {@code sealed} with {@code key} for {@code address}: once its header has
   * opened, {@code target} is told the header and gives where the item's bytes go, a chunk at a
   * time, each checked before it is written.
   *
   * @throws NotThisForm when the bytes are not in this form or the header does not open (a wrong
   *     key, or an item sealed whole by {@link ItemCipher}); nothing was read past the header
   * @throws ItemDecryptionException when a chunk does not open, is missing or out of place, or the
   *     item is longer or shorter than its header says; what was written is not the item
   */
  public static Header open(InputStream sealed, byte[] key, DataAddress address, Target target)
      throws IOException, NotThisForm {
    byte[] preamble = sealed.readNBytes(PREAMBLE);
    if (preamble.length < PREAMBLE || preamble[0] != VERSION) {
      throw new NotThisForm("not a chunked item", false);
    }
    byte[] prefix = Arrays.copyOfRange(preamble, 1, 1 + PREFIX_LENGTH);
    int headerLength = ByteBuffer.wrap(preamble, 1 + PREFIX_LENGTH, LENGTH_FIELD).getInt();
    if (headerLength < TAG_LENGTH || headerLength > MAX_HEADER_BYTES + TAG_LENGTH) {
      throw new NotThisForm("no header of " + headerLength + " bytes", true);
    }
    byte[] sealedHeader = sealed.readNBytes(headerLength);
    Header header;
    try {
      ItemHeader read =
          ItemHeader.parseFrom(
              crypt(Cipher.DECRYPT_MODE, key, address, prefix, 0, false, sealedHeader));
      header = new Header(read.getName(), read.getLength());
    } catch (ItemDecryptionException | InvalidProtocolBufferException doesNotOpen) {
      throw new NotThisForm("the header does not open", true);
    }
    OutputStream out = target.open(header);
    long left = header.length();
    int index = 1;
    do {
      int plain = (int) Math.min(CHUNK_BYTES, left);
      byte[] chunk = sealed.readNBytes(plain + TAG_LENGTH);
      if (chunk.length < plain + TAG_LENGTH) {
        throw new ItemDecryptionException(
            "the item at " + address + " ends before its " + header.length() + " bytes");
      }
      left -= plain;
      out.write(crypt(Cipher.DECRYPT_MODE, key, address, prefix, index++, left == 0, chunk));
    } while (left > 0);
    if (sealed.read() != -1) {
      throw new ItemDecryptionException(
          "the item at " + address + " goes on past its " + header.length() + " bytes");
    }
    return header;
  }

  /** Where an opened item's bytes go, once its header is known. */
  @FunctionalInterface
  public interface Target {
    OutputStream open(Header header) throws IOException;
  }

  private static byte[] header(String name, long length) {
    byte[] header = ItemHeader.newBuilder().setName(name).setLength(length).build().toByteArray();
    if (header.length > MAX_HEADER_BYTES) {
      throw new IllegalArgumentException(
          "the item's name takes "
              + name.getBytes(StandardCharsets.UTF_8).length
              + " bytes in UTF-8; a header holds at most "
              + MAX_HEADER_BYTES);
    }
    return header;
  }

  private static byte[] crypt(
      int mode,
      byte[] key,
      DataAddress address,
      byte[] prefix,
      int index,
      boolean last,
      byte[] input) {
    if (key.length != ItemCipher.KEY_LENGTH) {
      throw new IllegalArgumentException(
          "an item key is " + ItemCipher.KEY_LENGTH + " bytes, not " + key.length);
    }
    byte[] nonce =
        ByteBuffer.allocate(PREFIX_LENGTH + 5)
            .put(prefix)
            .putInt(index)
            .put((byte) (last ? 1 : 0))
            .array();
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_LENGTH * 8, nonce));
      cipher.updateAAD(address.text().getBytes(StandardCharsets.US_ASCII));
      return cipher.doFinal(input);
    } catch (AEADBadTagException wrong) {
      throw new ItemDecryptionException(
          (index == 0 ? "the header" : "chunk " + index)
              + " of the item at "
              + address
              + " does not open with its announced key, or is not where it belongs");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }
}
