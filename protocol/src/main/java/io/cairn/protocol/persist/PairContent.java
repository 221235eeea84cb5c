package io.cairn.protocol.persist;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.cairn.protocol.api.v1.PairEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The content of a pair event, as Resourced publishers write it and persistors rebroadcast it:
 * {@code {"data":[{"address":"...","key":"..."}, ...]}} in UTF-8, {@code key} the standard, padded
 * base64 of the 32 key bytes. Read through the protobuf JSON mapping of {@link
 * io.cairn.protocol.api.v1.PairContent}, which checks the field types.
 */
public final class PairContent {
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
  // other fields a publisher adds are its own business: they are skipped, not refused
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private PairContent() {}

  /**
   * What one content held: the pairs that are well formed, in order, and why each other entry was
   * skipped (an empty address, a key that is not base64 of 32 bytes).
   */
  public record Decoded(List<Pair> pairs, List<String> skipped) {
    public Decoded {
      pairs = List.copyOf(pairs);
      skipped = List.copyOf(skipped);
    }
  }

  /**
   * The content of {@code pairs}, without whitespace. Written with Gson without HTML escaping: the
   * protobuf printer writes base64's {@code =} as {@code \u003d}, the same JSON but not the bytes
   * Resourced's publishers write.
   */
  public static byte[] encode(List<Pair> pairs) {
    JsonArray data = new JsonArray(pairs.size());
    Base64.Encoder base64 = Base64.getEncoder();
    for (Pair pair : pairs) {
      JsonObject entry = new JsonObject();
      entry.addProperty("address", pair.address());
      entry.addProperty("key", base64.encodeToString(pair.key()));
      data.add(entry);
    }
    JsonObject content = new JsonObject();
    content.add("data", data);
    return GSON.toJson(content).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The pairs of a content.
   *
   * @throws MalformedPairContentException when it is not a JSON object with a {@code data} array of
   *     {@code {address, key}} objects
   */
  public static Decoded decode(byte[] content) {
    io.cairn.protocol.api.v1.PairContent.Builder parsed =
        io.cairn.protocol.api.v1.PairContent.newBuilder();
    try {
      PARSER.merge(new String(content, StandardCharsets.UTF_8), parsed);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new MalformedPairContentException(
          "not a {\"data\":[{\"address\",\"key\"}]} content: " + e.getMessage());
    }
    List<Pair> pairs = new ArrayList<>(parsed.getDataCount());
    List<String> skipped = new ArrayList<>();
    Base64.Decoder base64 = Base64.getDecoder();
    for (PairEntry entry : parsed.getDataList()) {
      if (entry.getAddress().isEmpty()) {
        skipped.add("an entry without an address");
        continue;
      }
      byte[] key;
      try {
        key = base64.decode(entry.getKey());
      } catch (IllegalArgumentException notBase64) {
        skipped.add("the key of " + entry.getAddress() + " is not base64");
        continue;
      }
      if (key.length != Pair.KEY_LENGTH) {
        skipped.add(
            "the key of "
                + entry.getAddress()
                + " is "
                + key.length
                + " bytes, not "
                + Pair.KEY_LENGTH);
        continue;
      }
      pairs.add(new Pair(entry.getAddress(), key));
    }
    return new Decoded(pairs, skipped);
  }
}
