package io.cairn.protocol.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import org.junit.jupiter.api.Test;

class PermissionTest {
  @Test
  void parsesLabelsInAnyCase() {
    assertEquals(Permission.PUBLISH, Permission.parse("publish"));
    assertEquals(Permission.GRANT, Permission.parse("GRANT"));
    assertEquals("subscribe", Permission.SUBSCRIBE.label());
  }

  @Test
  void refusesUnknownPermission() {
    Rejection rejection = assertThrows(Rejection.class, () -> Permission.parse("admin"));
    assertEquals(ErrorCode.INVALID_PERMISSION, rejection.code());
  }
}
