package io.cairn.protocol.persist;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a persisted item's ciphertext lives: blocks {@code first} to {@code last} (both inclusive)
 * of the core whose 32-byte key is given. Its text form, used in the {@code address} of a pair, is
 * {@code <core key as 64 lowercase hex digits>/<block>} for one block and {@code <core
 * key>/<first>-<last>} for an item spread over several; the text form is canonical (one item, one
 * spelling), so persistors can recognise a pair they already hold by its address.
 */
public record DataAddress(byte[] coreKey, long first, long last) {
  public static final int CORE_KEY_LENGTH = 32;
  private static final Pattern TEXT =
      Pattern.compile("([0-9a-f]{64})/(0|[1-9][0-9]{0,18})(?:-(0|[1-9][0-9]{0,18}))?");

  public DataAddress {
    if (coreKey == null || coreKey.length != CORE_KEY_LENGTH) {
      throw new IllegalArgumentException("a core key is " + CORE_KEY_LENGTH + " bytes");
    }
    if (first < 0 || last < first) {
      throw new IllegalArgumentException("blocks " + first + " to " + last + " are not a range");
    }
    coreKey = coreKey.clone();
  }

  public static DataAddress ofBlocks(byte[] coreKey, long first, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("an item takes at least one block, not " + count);
    }
    return new DataAddress(coreKey, first, first + count - 1);
  }

  /**
   * Reads the text form.
   *
   * @throws IllegalArgumentException when {@code text} is not a canonical address
   */
  public static DataAddress parse(String text) {
    Matcher matcher = TEXT.matcher(text == null ? "" : text);
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a data address; expected"
              + " <core key, 64 lowercase hex digits>/<block> or <core key>/<first block>-<last block>");
    }
    try {
      long first = Long.parseLong(matcher.group(2));
      long last = matcher.group(3) == null ? first : Long.parseLong(matcher.group(3));
      if (matcher.group(3) != null && last <= first) {
        throw new IllegalArgumentException(
            "'"
                + text
                + "' is not a data address: a range's last block comes after"
                + " its first, and a single block is written without a range");
      }
      return new DataAddress(HexFormat.of().parseHex(matcher.group(1)), first, last);
    } catch (NumberFormatException tooLarge) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a data address: a block index is too large");
    }
  }

  @Override
  public byte[] coreKey() {
    return coreKey.clone();
  }

  public int blockCount() {
    return Math.toIntExact(last - first + 1);
  }

  /** The end of the blocks, exclusive, as range requests take it. */
  public long end() {
    return last + 1;
  }

  public String text() {
    String key = HexFormat.of().formatHex(coreKey);
    return first == last ? key + "/" + first : key + "/" + first + "-" + last;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof DataAddress address
        && Arrays.equals(coreKey, address.coreKey)
        && first == address.first
        && last == address.last;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(coreKey) + Long.hashCode(first)) + Long.hashCode(last);
  }

  @Override
  public String toString() {
    return text();
  }
}
