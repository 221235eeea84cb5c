package io.cairn.protocol.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamIdTest {
  private static final String OWNER = "0x6a0e9a2a5d3f8d1c9b7e4f2a1b3c5d7e9f0a1b2c";

  @Test
  void parsesOwnerAndPath() {
    StreamId id = StreamId.parse(OWNER + "/sensors/temperature-1");
    assertEquals(OWNER, id.owner().value());
    assertEquals("sensors/temperature-1", id.path());
    assertEquals(OWNER + "/sensors/temperature-1", id.toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "no-owner",
        "/path",
        OWNER,
        OWNER + "/",
        OWNER + "/tab\there",
        OWNER + "/new\nline",
        "0x123/short-owner",
        "0X6a0e9a2a5d3f8d1c9b7e4f2a1b3c5d7e9f0a1b2c/upper-prefix"
      })
  void refusesMalformedIds(String text) {
    Rejection rejection = assertThrows(Rejection.class, () -> StreamId.parse(text));
    assertEquals(ErrorCode.INVALID_STREAM_ID, rejection.code());
  }

  /** Every path Streamr takes: letters of any script, spaces, punctuation, slashes anywhere. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "/spaces here",
        "/ümlaut/日本語/Ελληνικά",
        "/punctuation!$&'()*+,;=:@%?#[]",
        "//double",
        "/trailing/",
        "/😀"
      })
  void acceptsThePathsStreamrAccepts(String path) {
    assertEquals(OWNER + path, StreamId.parse(OWNER + path).toString());
  }

  @Test
  void anOwnerNamedByEnsIsRefusedWithItsOwnCode() {
    Rejection rejection =
        assertThrows(Rejection.class, () -> StreamId.parse("weather.eth/berlin/temperature"));
    assertEquals(ErrorCode.OWNER_NAME_UNRESOLVED, rejection.code());
    assertTrue(rejection.getMessage().contains("0x address"), rejection.getMessage());
  }

  @Test
  void refusesChecksummedOwnerWithAHint() {
    Rejection rejection =
        assertThrows(
            Rejection.class,
            () -> StreamId.parse("0x6A0e9a2a5d3f8d1c9b7e4f2a1b3c5d7e9f0a1b2c/path"));
    assertEquals(ErrorCode.INVALID_STREAM_ID, rejection.code());
    assertTrue(rejection.getMessage().contains("lower case"), rejection.getMessage());
  }

  @Test
  void refusesIdsLongerThanTheLimit() {
    String path = "p".repeat(StreamId.MAX_LENGTH - OWNER.length());
    assertEquals(StreamId.MAX_LENGTH + 1, (OWNER + "/" + path).length());
    Rejection rejection = assertThrows(Rejection.class, () -> StreamId.parse(OWNER + "/" + path));
    assertEquals(ErrorCode.INVALID_STREAM_ID, rejection.code());
    StreamId.parse(OWNER + "/" + path.substring(1));
  }
}
