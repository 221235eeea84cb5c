package io.cairn.cli.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import io.cairn.cli.CairnCommandLine;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.event.StreamrSigned;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EventCommandTest {
  private static final String KEY =
      "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
  private static final String STREAM =
      "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266/sensors/temperature";
  // The first vector of docs/protocol.md in the flat form.
  private static final String FIRST_VECTOR =
      "{\"streamId\":\""
          + STREAM
          + "\",\"partition\":0,"
          + "\"timestamp\":1700000000000,\"sequenceNumber\":0,\"msgChainId\":\"chain-a\","
          + "\"content\":{\"temperature\":21.5, \"unit\":\"C\"}}";
  private static final String WITH_PREVIOUS =
      "{\"streamId\":\""
          + STREAM
          + "\",\"partition\":3,"
          + "\"timestamp\":1700000001500,\"sequenceNumber\":1,\"msgChainId\":\"q7Xk2\","
          + "\"prevTimestamp\":1700000001500,\"prevSequenceNumber\":0,\"contentBase64\":\"AP8Qw6k=\"}";

  private record Run(int exitCode, String out, String err, byte[] raw) {
    List<String> lines() {
      return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
    }
  }

  @Test
  void signsTheDocumentedVectorsByteForByte() throws IOException {
    Run run = sign(FIRST_VECTOR + "\n\n" + WITH_PREVIOUS + "\n", "--key", KEY);
    assertEquals(0, run.exitCode(), run.err());
    JsonObject vectors = vectors();
    for (int i = 0; i < 2; i++) {
      JsonObject vector = vectors.getAsJsonArray("vectors").get(i).getAsJsonObject();
      assertEquals(
          parse(vector.get("event").toString()),
          parse(run.lines().get(i)),
          vector.get("name").getAsString());
    }
  }

  @Test
  void jsonContentIsSignedWrittenCompactlyInTheGivenOrder() {
    Run run =
        sign(
            "{\"streamId\":\""
                + STREAM
                + "\",\"timestamp\":1700000000000,\"msgChainId\":\"c\","
                + "\"content\": { \"b\" : 1.50 , \"a\" : [\"<é>\", null, true] }}",
            "--key",
            KEY);
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(
        "{\"b\":1.50,\"a\":[\"<é>\",null,true]}",
        parse(run.out()).getContentMessage().getContent().toStringUtf8());
  }

  @Test
  void signedEventsVerifyInBothFormats() {
    Run json = sign(FIRST_VECTOR + "\n" + WITH_PREVIOUS, "--key", KEY);
    Run verified = verify(json.out().getBytes(StandardCharsets.UTF_8));
    assertEquals(0, verified.exitCode(), verified.out());
    assertEquals(List.of("ok", "ok"), verified.lines());

    Run raw = sign(FIRST_VECTOR + "\n" + WITH_PREVIOUS, "--key", KEY, "--format", "raw");
    assertEquals(0, raw.exitCode(), raw.err());
    assertEquals("", raw.out());
    Run rawVerified = verify(raw.raw(), "--format", "raw");
    assertEquals(List.of("ok", "ok"), rawVerified.lines());
    assertEquals(0, rawVerified.exitCode());
  }

  @Test
  void verifyNamesTheReasonForEachRefusedEvent() {
    StreamMessage good = parse(sign(FIRST_VECTOR, "--key", KEY).out());
    StreamMessage.Builder tampered = good.toBuilder();
    tampered.getContentMessageBuilder().setContent(ByteString.copyFromUtf8("{\"temperature\":99}"));
    StreamMessage highV =
        good.toBuilder()
            .setSignature(
                good.getSignature().substring(0, 64).concat(ByteString.copyFrom(new byte[] {29})))
            .build();
    String input =
        print(good) + "\n" + print(tampered.build()) + "\n" + print(highV) + "\nnot json\n";

    Run run = verify(input.getBytes(StandardCharsets.UTF_8));
    assertEquals(1, run.exitCode());
    List<String> lines = run.lines();
    assertEquals(4, lines.size(), run.out());
    assertEquals("ok", lines.get(0));
    assertTrue(lines.get(1).startsWith("ADDRESS_MISMATCH: signed by 0x"), lines.get(1));
    assertEquals("BAD_V: v is 29, not 27 or 28", lines.get(2));
    assertTrue(
        lines.get(3).startsWith("MALFORMED: line 4 is not a StreamMessage in JSON"), lines.get(3));
  }

  @Test
  void aTruncatedRawInputIsReportedAfterTheLastWholeFrame() {
    byte[] raw = sign(FIRST_VECTOR + "\n" + WITH_PREVIOUS, "--key", KEY, "--format", "raw").raw();
    Run run = verify(Arrays.copyOf(raw, raw.length - 3), "--format", "raw");
    assertEquals(1, run.exitCode());
    assertEquals("ok", run.lines().get(0));
    assertTrue(
        run.lines().get(1).startsWith("MALFORMED: after frame 1: the input ends inside a frame"),
        run.lines().get(1));
  }

  @Test
  void signRefusesBadInputWithOneLine() {
    assertSignError("{\"streamId\":\"" + STREAM + "\"}", "cairn: line 1: \"timestamp\" is missing");
    assertSignError(
        FIRST_VECTOR.replace("\"partition\"", "\"partitoin\""),
        "cairn: line 1: unknown field \"partitoin\"");
    assertSignError(
        FIRST_VECTOR.replace("\"partition\":0", "\"partition\":1.5"),
        "cairn: line 1: \"partition\" must be an integer from 0 to 2147483647");
    assertSignError(
        FIRST_VECTOR.replace("\"partition\":0", "\"partition\":100"),
        "cairn: line 1: INVALID_PARTITION: partition 100 is outside 0..99");
    assertSignError(
        FIRST_VECTOR.replace(STREAM, "sensors/temperature"), "cairn: line 1: INVALID_STREAM_ID: ");
    assertSignError(
        FIRST_VECTOR.replace("}}", "},\"contentBase64\":\"AA==\"}"),
        "cairn: line 1: give exactly one of \"content\" (JSON) and \"contentBase64\"");
    assertSignError("{'streamId': 1}", "cairn: line 1: not JSON");
    Run badKey = sign(FIRST_VECTOR, "--key", "1234");
    assertEquals(1, badKey.exitCode());
    assertTrue(badKey.err().startsWith("cairn: --key: a private key is 32 bytes"), badKey.err());
  }

  @Test
  void theEventCommandsAreRegistered() {
    CairnCommandLine.Result help = CairnCommandLine.run("event", "--help");
    assertEquals(0, help.exitCode());
    assertTrue(help.out().contains("sign") && help.out().contains("verify"), help.out());
  }

  /**
   * Messages Streamr's own SDK signed (protocol's test resources streamr/): each gets Streamr's
   * verdict, ok, and what this node would not store is said apart, never as a bad signature.
   */
  @Test
  void verifyGivesStreamrsVerdictAndTheNodesPolicyApart() throws Exception {
    ByteArrayOutputStream frames = new ByteArrayOutputStream();
    for (StreamMessage message : StreamrSigned.messages()) {
      byte[] bytes = message.toByteArray();
      frames.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
      frames.writeBytes(bytes);
    }
    Run verified = verify(frames.toByteArray(), "--format", "raw");
    assertEquals(0, verified.exitCode(), verified.out());
    List<String> lines = verified.out().strip().lines().toList();
    assertEquals(9, lines.size(), verified.out());
    assertEquals("ok", lines.get(0), "an ordinary stream");
    assertTrue(
        lines.get(1).startsWith("ok (not publishable here: INVALID_STREAM_ID:")
            && lines.get(1).contains("ENS name 'weather.eth'"),
        lines.get(1));
    assertEquals("ok", lines.get(2), "a non-ASCII path");
    assertEquals("ok", lines.get(3), "spaces and punctuation");
    for (int i = 4; i < 8; i++) {
      assertTrue(
          lines.get(i).startsWith("ok (not publishable here: TIMESTAMP_OUT_OF_RANGE:"),
          lines.get(i));
    }
    assertEquals("ok", lines.get(8), "a previous reference");
  }

  private static void assertSignError(String line, String expectedStart) {
    Run run = sign(line, "--key", KEY);
    assertEquals(1, run.exitCode());
    assertEquals("", run.out());
    assertTrue(run.err().startsWith(expectedStart), run.err());
  }

  private static Run sign(String input, String... args) {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    return run(
        new SignEventCommand(stream(input.getBytes(StandardCharsets.UTF_8)), raw), raw, args);
  }

  private static Run verify(byte[] input, String... args) {
    return run(new VerifyEventCommand(stream(input)), new ByteArrayOutputStream(), args);
  }

  private static Run run(Object command, ByteArrayOutputStream raw, String... args) {
    CommandLine commandLine = new CommandLine(command);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int exitCode = commandLine.execute(args);
    return new Run(
        exitCode, out.toString().replace("\r\n", "\n"), err.toString(), raw.toByteArray());
  }

  private static InputStream stream(byte[] bytes) {
    return new ByteArrayInputStream(bytes);
  }

  private static StreamMessage parse(String json) {
    try {
      StreamMessage.Builder builder = StreamMessage.newBuilder();
      JsonFormat.parser().merge(json, builder);
      return builder.build();
    } catch (IOException e) {
      throw new AssertionError(json, e);
    }
  }

  private static String print(StreamMessage message) {
    try {
      return JsonFormat.printer().omittingInsignificantWhitespace().print(message);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static JsonObject vectors() throws IOException {
    try (InputStream in =
        EventCommandTest.class.getResourceAsStream("/vectors/events/event-vectors.json")) {
      return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .getAsJsonObject();
    }
  }
}
