package io.cairn.protocol.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ReplicaIdTest {
  private static final byte[] KEY = SealFixtures.filled(32, 1);
  private static final byte[] HASH = SealFixtures.filled(32, 2);

  @Test
  void everyFieldChangesTheId() {
    ReplicaId base = ReplicaId.of(b("h"), KEY, 0, 10, HASH, b("c"), b("a"));
    assertEquals(base, ReplicaId.of(b("h"), KEY, 0, 10, HASH, b("c"), b("a")));
    assertNotEquals(base, ReplicaId.of(b("g"), KEY, 0, 10, HASH, b("c"), b("a")));
    assertNotEquals(
        base, ReplicaId.of(b("h"), SealFixtures.filled(32, 3), 0, 10, HASH, b("c"), b("a")));
    assertNotEquals(base, ReplicaId.of(b("h"), KEY, 1, 10, HASH, b("c"), b("a")));
    assertNotEquals(base, ReplicaId.of(b("h"), KEY, 0, 11, HASH, b("c"), b("a")));
    assertNotEquals(
        base, ReplicaId.of(b("h"), KEY, 0, 10, SealFixtures.filled(32, 4), b("c"), b("a")));
    assertNotEquals(base, ReplicaId.of(b("h"), KEY, 0, 10, HASH, b("d"), b("a")));
    assertNotEquals(base, ReplicaId.of(b("h"), KEY, 0, 10, HASH, b("c"), b("b")));
  }

  @Test
  void lengthPrefixesKeepShiftedBytesApart() {
    assertNotEquals(
        ReplicaId.of(b("h"), KEY, 0, 10, HASH, b("ab"), b("c")),
        ReplicaId.of(b("h"), KEY, 0, 10, HASH, b("a"), b("bc")));
  }

  /**
   * BLAKE2b-256 of the layout in ReplicaId's comment for these fields, computed once here and
   * checked independently with Python's hashlib.blake2b(digest_size=32).
   */
  @Test
  void theIdOfFixedFieldsIsPinned() {
    assertEquals(
        "0d57aeeb8f8ac9ad0f281252790fe37ab363598705532247dfc62e9c819b158a",
        ReplicaId.of(b("h"), KEY, 0, 10, HASH, b("c"), b("a")).toString());
  }

  @Test
  void badFieldsAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ReplicaId.of(new byte[0], KEY, 0, 10, HASH, b("c"), b("a")));
    assertThrows(
        IllegalArgumentException.class,
        () -> ReplicaId.of(b("h"), new byte[31], 0, 10, HASH, b("c"), b("a")));
    assertThrows(
        IllegalArgumentException.class,
        () -> ReplicaId.of(b("h"), KEY, 5, 5, HASH, b("c"), b("a")));
    assertThrows(
        IllegalArgumentException.class,
        () -> ReplicaId.of(b("h"), KEY, 0, 10, HASH, new byte[65536], b("a")));
    assertThrows(IllegalArgumentException.class, () -> ReplicaId.fromBytes(new byte[33]));
  }

  private static byte[] b(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
