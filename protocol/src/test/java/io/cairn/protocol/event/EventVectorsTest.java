package io.cairn.protocol.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.util.JsonFormat;
import io.cairn.protocol.api.v1.StreamMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/**
 * The worked examples of docs/protocol.md, kept in {@code vectors/events/event-vectors.json}:
 * Cairn's code must reproduce every payload, digest and signature, and web3j (an independent
 * implementation of personal_sign) must agree with the digests and signatures.
 */
class EventVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final String RESOURCE = "/vectors/events/event-vectors.json";

  @Test
  void payloadsDigestsAndVerdictsAreReproduced() throws Exception {
    for (JsonObject vector : vectors()) {
      String name = vector.get("name").getAsString();
      StreamMessage event = event(vector);
      byte[] payload = SignaturePayload.of(event);
      assertEquals(vector.get("payload").getAsString(), HEX.formatHex(payload), name);
      String header = vector.get("header").getAsString();
      assertArrayEquals(
          header.getBytes(StandardCharsets.UTF_8),
          Arrays.copyOf(payload, header.getBytes(StandardCharsets.UTF_8).length),
          name);
      assertEquals(
          vector.get("digest").getAsString(), HEX.formatHex(PersonalMessage.digest(payload)), name);
      assertEquals(
          vector.get("signature").getAsString(),
          HEX.formatHex(event.getSignature().toByteArray()),
          name);
      for (AddressRecovery recovery :
          List.of(AddressRecoveries.bouncyCastle(), AddressRecoveries.preferred())) {
        EventVerification verdict = TestEvents.verifier(recovery).verify(event);
        assertEquals(
            vector.get("verification").getAsString(),
            verdict.accepted() ? "ok" : verdict.reason().name(),
            name + " with " + recovery.name());
      }
    }
  }

  @Test
  void signingTheUnsignedEventsGivesTheRecordedSignatures() throws Exception {
    for (JsonObject vector : vectors()) {
      if (!vector.get("verification").getAsString().equals("ok")) {
        continue;
      }
      StreamMessage event = event(vector);
      StreamMessage unsigned =
          event.toBuilder()
              .clearSignature()
              .clearSignatureType()
              .setMessageId(event.getMessageId().toBuilder().clearPublisherId())
              .build();
      assertEquals(event, TestEvents.signed(unsigned), vector.get("name").getAsString());
    }
  }

  @Test
  void web3jSignsAndRecoversTheSameBytes() throws Exception {
    JsonObject root = root();
    ECKeyPair key = ECKeyPair.create(new BigInteger(root.get("privateKey").getAsString(), 16));
    assertEquals(root.get("address").getAsString(), "0x" + Keys.getAddress(key));
    for (JsonObject vector : vectors()) {
      byte[] payload = HEX.parseHex(vector.get("payload").getAsString());
      Sign.SignatureData signature = Sign.signPrefixedMessage(payload, key);
      byte[] web3jSignature = new byte[65];
      System.arraycopy(signature.getR(), 0, web3jSignature, 0, 32);
      System.arraycopy(signature.getS(), 0, web3jSignature, 32, 32);
      web3jSignature[64] = signature.getV()[0];
      assertEquals(
          vector.get("signature").getAsString(),
          HEX.formatHex(web3jSignature),
          vector.get("name").getAsString());
      assertEquals(
          vector.get("digest").getAsString(), HEX.formatHex(Sign.getEthereumMessageHash(payload)));
    }
  }

  @Test
  void theDocumentationShowsTheVectorsFile() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "protocol.md"), StandardCharsets.UTF_8);
    String marker = "<!-- event-vectors.json -->\n```json\n";
    int start = doc.indexOf(marker);
    assertTrue(start >= 0, "docs/protocol.md has no block marked " + marker.strip());
    int end = doc.indexOf("```", start + marker.length());
    JsonElement shown = JsonParser.parseString(doc.substring(start + marker.length(), end));
    assertEquals(root(), shown, "the vectors in docs/protocol.md differ from " + RESOURCE);
  }

  private static StreamMessage event(JsonObject vector) throws IOException {
    StreamMessage.Builder builder = StreamMessage.newBuilder();
    JsonFormat.parser().merge(vector.get("event").toString(), builder);
    return builder.build();
  }

  private static List<JsonObject> vectors() {
    return StreamSupport.stream(root().getAsJsonArray("vectors").spliterator(), false)
        .map(JsonElement::getAsJsonObject)
        .toList();
  }

  private static JsonObject root() {
    try (InputStream in = EventVectorsTest.class.getResourceAsStream(RESOURCE)) {
      return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
