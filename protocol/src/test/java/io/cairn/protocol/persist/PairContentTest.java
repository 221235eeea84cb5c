package io.cairn.protocol.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.protocol.encryption.GroupKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PairContentTest {
  private static final byte[] KEY = new byte[32];

  @Test
  void writesExactlyTheResourcedShape() {
    Arrays.fill(KEY, (byte) 7);
    String json =
        new String(
            PairContent.encode(List.of(new Pair("a/1", KEY), new Pair("b", KEY))),
            StandardCharsets.UTF_8);
    String key = "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=";
    assertEquals(
        "{\"data\":[{\"address\":\"a/1\",\"key\":\""
            + key
            + "\"},{\"address\":\"b\",\"key\":\""
            + key
            + "\"}]}",
        json);
    assertEquals(
        List.of(new Pair("a/1", KEY), new Pair("b", KEY)),
        PairContent.decode(json.getBytes(StandardCharsets.UTF_8)).pairs());
  }

  @Test
  void skipsPairsWhoseKeyIsNot32BytesAndKeepsTheRest() {
    String json =
        "{\"data\":[{\"address\":\"short\",\"key\":\"AAAA\"},{\"address\":\"bad\",\"key\":\"%%\"},"
            + "{\"key\":\"AAAA\"},{\"address\":\"good\",\"key\":\""
            + java.util.Base64.getEncoder().encodeToString(KEY)
            + "\"}],"
            + "\"other\":1}";
    PairContent.Decoded decoded = PairContent.decode(json.getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of(new Pair("good", KEY)), decoded.pairs());
    assertEquals(3, decoded.skipped().size());
  }

  @Test
  void refusesWhatIsNoPairContent() {
    assertThrows(
        MalformedPairContentException.class,
        () -> PairContent.decode("[1,2]".getBytes(StandardCharsets.UTF_8)));
    assertThrows(
        MalformedPairContentException.class,
        () -> PairContent.decode("{\"data\":3}".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void checkpointContentRoundTrips() {
    Checkpoint checkpoint = new Checkpoint(1_000_000, new PairAccumulator().root());
    String json = new String(checkpoint.toContent(), StandardCharsets.UTF_8);
    assertEquals(
        "{\"checkpoint\":{\"count\":1000000,\"root\":\"" + checkpoint.rootHex() + "\"}}", json);
    assertEquals(Optional.of(checkpoint), Checkpoint.fromContent(checkpoint.toContent()));
    assertEquals(
        Optional.empty(), Checkpoint.fromContent("{\"data\":[]}".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aSealedPairOpensOnlyAsItself() {
    GroupKey key = GroupKey.generate();
    Pair pair = new Pair("core/7", KEY);
    byte[] sealed = PairSealing.seal(pair, key);
    assertEquals(pair, PairSealing.open(sealed, key));
    assertEquals(16 + 2 + 6 + 2 + 32, sealed.length, "IV, then the record: address and key fields");
  }
}
