package io.cairn.cli.event;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.protobuf.ByteString;
import io.cairn.protocol.api.v1.ContentMessage;
import io.cairn.protocol.api.v1.ContentType;
import io.cairn.protocol.api.v1.MessageRef;
import io.cairn.protocol.api.v1.StreamMessage;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * The flat JSON form {@code cairn event sign} reads: {@code streamId}, {@code partition}, {@code
 * timestamp}, {@code sequenceNumber}, {@code msgChainId}, {@code prevTimestamp}, {@code
 * prevSequenceNumber}, and {@code content} (any JSON value) or {@code contentBase64}.
 */
final class UnsignedEvent {
  private static final Set<String> FIELDS =
      Set.of(
          "streamId",
          "partition",
          "timestamp",
          "sequenceNumber",
          "msgChainId",
          "prevTimestamp",
          "prevSequenceNumber",
          "content",
          "contentBase64");
  private static final TypeAdapter<JsonElement> STRICT_JSON =
      new Gson().getAdapter(JsonElement.class);
  // Compact, in the order given, without Gson's HTML escapes: the bytes JSON.stringify writes.
  private static final Gson COMPACT =
      new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  private UnsignedEvent() {}

  /** Parses one line; an {@link IllegalArgumentException} says what is wrong with it. */
  static StreamMessage parse(String line) {
    JsonObject json = object(line);
    for (String field : json.keySet()) {
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException(
            "unknown field \""
                + field
                + "\"; the fields are "
                + String.join(", ", FIELDS.stream().sorted().toList()));
      }
    }
    StreamMessage.Builder event = StreamMessage.newBuilder();
    event
        .getMessageIdBuilder()
        .setStreamId(string(json, "streamId"))
        .setStreamPartition(
            json.has("partition") ? (int) integer(json, "partition", Integer.MAX_VALUE) : 0)
        .setTimestamp(integer(json, "timestamp", Long.MAX_VALUE))
        .setSequenceNumber(
            json.has("sequenceNumber")
                ? (int) integer(json, "sequenceNumber", Integer.MAX_VALUE)
                : 0)
        .setMessageChainId(string(json, "msgChainId"));
    if (json.has("prevTimestamp")) {
      event.setPreviousMessageRef(
          MessageRef.newBuilder()
              .setTimestamp(integer(json, "prevTimestamp", Long.MAX_VALUE))
              .setSequenceNumber(
                  json.has("prevSequenceNumber")
                      ? (int) integer(json, "prevSequenceNumber", Integer.MAX_VALUE)
                      : 0));
    } else if (json.has("prevSequenceNumber")) {
      throw new IllegalArgumentException("\"prevSequenceNumber\" needs a \"prevTimestamp\"");
    }
    return event.setContentMessage(content(json)).build();
  }

  private static ContentMessage content(JsonObject json) {
    boolean hasJson = json.has("content");
    if (hasJson == json.has("contentBase64")) {
      throw new IllegalArgumentException(
          "give exactly one of \"content\" (JSON) and \"contentBase64\"");
    }
    if (hasJson) {
      byte[] bytes = COMPACT.toJson(json.get("content")).getBytes(StandardCharsets.UTF_8);
      return ContentMessage.newBuilder()
          .setContentType(ContentType.JSON)
          .setContent(ByteString.copyFrom(bytes))
          .build();
    }
    String base64 = string(json, "contentBase64");
    try {
      return ContentMessage.newBuilder()
          .setContentType(ContentType.BINARY)
          .setContent(ByteString.copyFrom(Base64.getDecoder().decode(base64)))
          .build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("\"contentBase64\" is not base64: " + e.getMessage());
    }
  }

  private static JsonObject object(String line) {
    JsonElement element;
    try (JsonReader reader = new JsonReader(new StringReader(line))) {
      reader.setLenient(false);
      element = STRICT_JSON.read(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new IllegalArgumentException("text after the JSON object");
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException notJson) {
        throw notJson;
      }
      throw new IllegalArgumentException("not JSON");
    }
    if (!element.isJsonObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    return element.getAsJsonObject();
  }

  private static String string(JsonObject json, String field) {
    JsonElement value = json.get(field);
    if (value == null) {
      throw new IllegalArgumentException("\"" + field + "\" is missing");
    }
    if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
      throw new IllegalArgumentException("\"" + field + "\" must be a string");
    }
    return value.getAsString();
  }

  private static long integer(JsonObject json, String field, long max) {
    JsonElement value = json.get(field);
    if (value == null) {
      throw new IllegalArgumentException("\"" + field + "\" is missing");
    }
    if (value.isJsonPrimitive() && ((JsonPrimitive) value).isNumber()) {
      BigDecimal number = new BigDecimal(value.getAsString());
      if (number.signum() >= 0
          && number.compareTo(BigDecimal.valueOf(max)) <= 0
          && number.stripTrailingZeros().scale() <= 0) {
        return number.longValueExact();
      }
    }
    throw new IllegalArgumentException("\"" + field + "\" must be an integer from 0 to " + max);
  }
}
