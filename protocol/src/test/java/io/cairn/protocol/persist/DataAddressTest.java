package io.cairn.protocol.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DataAddressTest {
  private static final String KEY = "a9".repeat(32);

  @Test
  void oneBlockIsWrittenWithoutARange() {
    DataAddress address = DataAddress.ofBlocks(HexFormat.of().parseHex(KEY), 17, 1);
    assertEquals(KEY + "/17", address.text());
    assertEquals(address, DataAddress.parse(KEY + "/17"));
    assertEquals(1, address.blockCount());
    assertEquals(18, address.end());
  }

  @Test
  void severalBlocksAreAnInclusiveRange() {
    DataAddress address = DataAddress.ofBlocks(HexFormat.of().parseHex(KEY), 3, 4);
    assertEquals(KEY + "/3-6", address.text());
    DataAddress parsed = DataAddress.parse(KEY + "/3-6");
    assertEquals(address, parsed);
    assertArrayEquals(HexFormat.of().parseHex(KEY), parsed.coreKey());
    assertEquals(3, parsed.first());
    assertEquals(7, parsed.end());
  }

  @Test
  void onlyTheCanonicalSpellingIsAnAddress() {
    for (String other :
        new String[] {
          KEY.toUpperCase() + "/1",
          KEY + "/01",
          KEY + "/1-1",
          KEY + "/5-3",
          KEY + "/-1",
          KEY + "/1-",
          KEY.substring(2) + "/1",
          KEY + "/99999999999999999999",
          "",
          KEY,
          KEY + "/1/2"
        }) {
      IllegalArgumentException refused =
          assertThrows(IllegalArgumentException.class, () -> DataAddress.parse(other));
      assertTrue(refused.getMessage().contains("not a data address"), refused.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> DataAddress.parse(null));
  }

  @Test
  void aRangeNeedsAKeyAndBlocks() {
    assertThrows(IllegalArgumentException.class, () -> new DataAddress(new byte[31], 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new DataAddress(new byte[32], 2, 1));
    assertThrows(IllegalArgumentException.class, () -> DataAddress.ofBlocks(new byte[32], 0, 0));
  }
}
