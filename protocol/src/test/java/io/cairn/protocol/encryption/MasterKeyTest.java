package io.cairn.protocol.encryption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MasterKeyTest {
  private static final byte[] AAD = "stream\0key".getBytes(StandardCharsets.UTF_8);

  @Test
  void sealedValuesOpenWithTheSameKeyAndAssociatedDataOnly() {
    MasterKey key = MasterKey.generate();
    byte[] secret =
        HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    byte[] sealed = key.seal(secret, AAD);
    assertEquals(MasterKey.NONCE_LENGTH + secret.length + MasterKey.TAG_LENGTH, sealed.length);
    assertArrayEquals(secret, key.open(sealed, AAD));
    assertFalse(HexFormat.of().formatHex(sealed).contains(HexFormat.of().formatHex(secret)));

    assertThrows(
        IllegalStateException.class,
        () -> key.open(sealed, "other".getBytes(StandardCharsets.UTF_8)));
    assertThrows(IllegalStateException.class, () -> MasterKey.generate().open(sealed, AAD));
    byte[] changed = sealed.clone();
    changed[20] ^= 1;
    assertThrows(IllegalStateException.class, () -> key.open(changed, AAD));
  }

  @Test
  void aKeyFileHoldsHexOrRawBytes() {
    MasterKey key = MasterKey.generate();
    byte[] sealed = key.seal(new byte[] {1, 2, 3}, AAD);
    MasterKey fromHex =
        MasterKey.parse(("0x" + key.toHex() + "\n").getBytes(StandardCharsets.US_ASCII));
    assertArrayEquals(new byte[] {1, 2, 3}, fromHex.open(sealed, AAD));
    MasterKey fromRaw = MasterKey.parse(HexFormat.of().parseHex(key.toHex()));
    assertArrayEquals(new byte[] {1, 2, 3}, fromRaw.open(sealed, AAD));

    assertThrows(
        IllegalArgumentException.class,
        () -> MasterKey.parse("abcd".getBytes(StandardCharsets.US_ASCII)));
    assertEquals("MasterKey[32 bytes]", key.toString());
  }
}
