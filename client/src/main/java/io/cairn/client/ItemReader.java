package io.cairn.client;

import io.cairn.protocol.persist.DataAddress;
import io.cairn.protocol.persist.ItemCipher;
import io.cairn.protocol.persist.ItemDecryptionException;
import io.cairn.protocol.persist.ItemStream;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Reads persisted items back without trusting the node: each block comes with a merkle proof
 * checked against the publisher's core key ({@link CoreReader}) before its bytes are used, and an
 * item is opened a chunk at a time ({@link ItemStream}), so an item of any size is read in bounded
 * memory. Items sealed whole, as the first publishers did ({@link ItemCipher}), are still read.
 */
public final class ItemReader {
  /**
   * Items this small are tried as sealed whole when their first bytes look chunked but do not open;
   * larger ones are not read whole on that chance.
   */
  private static final int SMALL_ITEM_BLOCKS = 16;

  private final CairnClient client;
  private final Map<String, CoreReader> cores = new HashMap<>();

  public ItemReader(CairnClient client) {
    this.client = client;
  }

  /**
   * The plaintext of the item at {@code address}.
   *
   * @throws ProofRejectedException when the node's blocks or proof do not hold for the core's key
   * @throws ItemDecryptionException when {@code key} does not open the verified blocks
   * @throws CairnApiException when the node does not have the blocks
   */
  public byte[] read(DataAddress address, byte[] key) {
    ByteArrayOutputStream plaintext = new ByteArrayOutputStream();
    read(address, key, header -> plaintext, bytes -> {});
    return plaintext.toByteArray();
  }

  /**
   * Opens the item at {@code address}, handing its header to {@code target} and its bytes to the
   * stream {@code target} gives, a checked chunk at a time; {@code progress} is told the bytes of
   * verified blocks read so far. When this throws after {@code target} was asked, what was written
   * is not the item.
   */
  public ItemStream.Header read(
      DataAddress address, byte[] key, ItemStream.Target target, LongConsumer progress) {
    CoreReader core =
        cores.computeIfAbsent(
            HexFormat.of().formatHex(address.coreKey()),
            hex -> CoreReader.open(client, address.coreKey()));
    // marked over the preamble and the largest header: an item sealed whole is read again
    int mark = ItemStream.PREAMBLE + ItemStream.MAX_HEADER_BYTES + 64;
    try (BufferedInputStream sealed =
        new BufferedInputStream(new VerifiedBlocks(core, address, progress), mark)) {
      sealed.mark(mark);
      try {
        return ItemStream.open(sealed, key, address, target);
      } catch (ItemStream.NotThisForm notChunked) {
        if (notChunked.startsLikeIt() && address.blockCount() > SMALL_ITEM_BLOCKS) {
          // read whole, a large item would take its size in memory only to fail the same way
          throw new ItemDecryptionException(
              "the header of the item at " + address + " does not open with its announced key");
        }
        sealed.reset();
        byte[] plaintext = ItemCipher.decrypt(sealed.readAllBytes(), key, address);
        ItemStream.Header header = new ItemStream.Header("", plaintext.length);
        try (OutputStream out = target.open(header)) {
          out.write(plaintext);
        }
        return header;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the item at " + address + ": " + e, e);
    }
  }

  /** The blocks of one item in order, each fetched with its proof and verified when reached. */
  private static final class VerifiedBlocks extends InputStream {
    private final CoreReader core;
    private final DataAddress address;
    private final LongConsumer progress;
    private long next;
    private long read;
    private byte[] block = new byte[0];
    private int position;

    VerifiedBlocks(CoreReader core, DataAddress address, LongConsumer progress) {
      this.core = core;
      this.address = address;
      this.progress = progress;
      this.next = address.first();
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) {
      if (length == 0) {
        return 0;
      }
      while (position == block.length) {
        if (next == address.end()) {
          return -1;
        }
        block = core.get(next++);
        position = 0;
        read += block.length;
        progress.accept(read);
      }
      int count = Math.min(length, block.length - position);
      System.arraycopy(block, position, into, offset, count);
      position += count;
      return count;
    }
  }
}
