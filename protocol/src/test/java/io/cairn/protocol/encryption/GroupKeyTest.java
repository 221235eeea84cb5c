package io.cairn.protocol.encryption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class GroupKeyTest {
  @Test
  void generatedKeysAre32RandomBytesUnderARandomUuid() {
    Set<String> ids = new HashSet<>();
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      GroupKey key = GroupKey.generate();
      assertEquals(GroupKey.LENGTH, key.data().length);
      UUID uuid = UUID.fromString(key.id());
      assertEquals(4, uuid.version());
      assertEquals(2, uuid.variant());
      assertEquals(uuid.toString(), key.id());
      ids.add(key.id());
      keys.add(Fixtures.hex(key.data()));
    }
    assertEquals(50, ids.size());
    assertEquals(50, keys.size());
  }

  @Test
  void streamrsRulesForIdsAndLengthsHold() {
    assertThrows(IllegalArgumentException.class, () -> new GroupKey("", new byte[32]));
    assertThrows(
        IllegalArgumentException.class,
        () -> new GroupKey("-----BEGIN PUBLIC KEY-----", new byte[32]));
    assertThrows(IllegalArgumentException.class, () -> new GroupKey("k", new byte[16]));
    assertThrows(IllegalArgumentException.class, () -> new GroupKey("k", new byte[33]));
    assertThrows(NullPointerException.class, () -> new GroupKey(null, new byte[32]));
  }

  @Test
  void theKeyBytesAreCopiedInAndOut() {
    byte[] bytes = new byte[32];
    GroupKey key = new GroupKey("k", bytes);
    bytes[0] = 1;
    key.data()[1] = 1;
    assertArrayEquals(new byte[32], key.data());
  }

  @Test
  void equalityIsIdAndBytesAndToStringShowsNoKeyBytes() {
    GroupKey key = Fixtures.KEY_1;
    assertEquals(key, new GroupKey("key-1", key.data()));
    assertNotEquals(key, new GroupKey("key-x", key.data()));
    assertNotEquals(key, new GroupKey("key-1", Fixtures.KEY_2.data()));
    assertEquals("GroupKey[key-1]", key.toString());
    assertFalse(key.toString().contains("0001"));
    assertTrue(GroupKey.generate("chosen").id().equals("chosen"));
  }
}
