package io.cairn.client;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import io.cairn.protocol.api.v1.ContentMessage;
import io.cairn.protocol.api.v1.ContentType;
import io.cairn.protocol.api.v1.EncryptionType;
import io.cairn.protocol.api.v1.MessageId;
import io.cairn.protocol.api.v1.StreamMessage;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Events as people and other Streamr tools read them in JSON, rather than in protobuf's JSON
 * mapping (base64 content and publisher ids).
 */
public final class EventJson {
  /** Streamr's StreamMessageType numbers, as its SDK and storage nodes write them. */
  private static final int MESSAGE = 27;

  private static final int GROUP_KEY_REQUEST = 28;
  private static final int GROUP_KEY_RESPONSE = 29;

  /** Streamr's SDK numbers AES 2; its network protocol, and so Cairn's, 1. */
  private static final int SDK_AES = 2;

  private static final HexFormat HEX = HexFormat.of();

  private EventJson() {}

  /**
   * One event for a person: {@code timestamp} (ms), {@code publisherId} (0x address), and the
   * content as published: JSON content inline, anything else in {@code contentBase64}. An encrypted
   * event also names its {@code groupKeyId}. {@code withMetadata} adds the rest of the message id
   * and the chain: {@code streamId}, {@code partition}, {@code sequenceNumber}, {@code msgChainId},
   * {@code prevTimestamp} and {@code prevSequenceNumber}.
   */
  public static JsonObject readable(StreamMessage event, boolean withMetadata) {
    MessageId id = event.getMessageId();
    JsonObject line = new JsonObject();
    if (withMetadata) {
      line.addProperty("streamId", id.getStreamId());
      line.addProperty("partition", id.getStreamPartition());
    }
    line.addProperty("timestamp", id.getTimestamp());
    if (withMetadata) {
      line.addProperty("sequenceNumber", id.getSequenceNumber());
    }
    line.addProperty("publisherId", address(id.getPublisherId()));
    if (withMetadata) {
      line.addProperty("msgChainId", id.getMessageChainId());
      if (event.hasPreviousMessageRef()) {
        line.addProperty("prevTimestamp", event.getPreviousMessageRef().getTimestamp());
        line.addProperty("prevSequenceNumber", event.getPreviousMessageRef().getSequenceNumber());
      }
    }
    switch (event.getBodyCase()) {
      case CONTENT_MESSAGE -> {
        ContentMessage content = event.getContentMessage();
        JsonElement json = json(content);
        if (json != null) {
          line.add("content", json);
        } else {
          line.addProperty(
              "contentBase64",
              Base64.getEncoder().encodeToString(content.getContent().toByteArray()));
        }
        if (content.getEncryptionType() != EncryptionType.NONE) {
          line.addProperty("encryptionType", content.getEncryptionType().name());
          line.addProperty("groupKeyId", content.getGroupKeyId());
        }
      }
      case GROUP_KEY_REQUEST -> line.addProperty("messageType", "groupKeyRequest");
      case GROUP_KEY_RESPONSE -> line.addProperty("messageType", "groupKeyResponse");
      default -> line.addProperty("messageType", "unknown");
    }
    return line;
  }

  /**
   * The event in the object form a Streamr storage node answers resend queries with: {@code
   * streamId}, {@code streamPartition}, {@code timestamp}, {@code sequenceNumber}, {@code
   * publisherId} (0x hex), {@code msgChainId}, {@code messageType}, {@code contentType} and {@code
   * encryptionType} (numbered as Streamr's SDK numbers them), {@code content} (parsed when it is
   * unencrypted JSON, hex otherwise), {@code signature} (hex) and {@code groupKeyId} when there is
   * one. Group key requests and responses carry their protobuf bytes as binary content, as in
   * Streamr.
   */
  public static JsonObject streamrObject(StreamMessage event) {
    MessageId id = event.getMessageId();
    JsonObject object = new JsonObject();
    object.addProperty("streamId", id.getStreamId());
    object.addProperty("streamPartition", id.getStreamPartition());
    object.addProperty("timestamp", id.getTimestamp());
    object.addProperty("sequenceNumber", id.getSequenceNumber());
    object.addProperty("publisherId", address(id.getPublisherId()));
    object.addProperty("msgChainId", id.getMessageChainId());
    ByteString content;
    int messageType;
    int contentType = ContentType.BINARY_VALUE;
    int encryptionType = EncryptionType.NONE_VALUE;
    String groupKeyId = null;
    JsonElement parsed = null;
    switch (event.getBodyCase()) {
      case CONTENT_MESSAGE -> {
        ContentMessage message = event.getContentMessage();
        messageType = MESSAGE;
        content = message.getContent();
        contentType = message.getContentTypeValue();
        encryptionType =
            message.getEncryptionType() == EncryptionType.AES
                ? SDK_AES
                : message.getEncryptionTypeValue();
        groupKeyId = message.hasGroupKeyId() ? message.getGroupKeyId() : null;
        parsed = json(message);
      }
      case GROUP_KEY_REQUEST -> {
        messageType = GROUP_KEY_REQUEST;
        content = event.getGroupKeyRequest().toByteString();
      }
      case GROUP_KEY_RESPONSE -> {
        messageType = GROUP_KEY_RESPONSE;
        content = event.getGroupKeyResponse().toByteString();
      }
      default -> {
        messageType = 0;
        content = ByteString.EMPTY;
      }
    }
    object.addProperty("messageType", messageType);
    object.addProperty("contentType", contentType);
    object.addProperty("encryptionType", encryptionType);
    if (parsed != null) {
      object.add("content", parsed);
    } else {
      object.addProperty("content", HEX.formatHex(content.toByteArray()));
    }
    object.addProperty("signature", HEX.formatHex(event.getSignature().toByteArray()));
    if (groupKeyId != null) {
      object.addProperty("groupKeyId", groupKeyId);
    }
    return object;
  }

  /** The content as JSON if it is unencrypted JSON that parses, otherwise null. */
  private static JsonElement json(ContentMessage content) {
    if (content.getEncryptionType() != EncryptionType.NONE
        || content.getContentType() != ContentType.JSON) {
      return null;
    }
    try {
      return JsonParser.parseString(content.getContent().toString(StandardCharsets.UTF_8));
    } catch (JsonParseException notJson) {
      return null;
    }
  }

  private static String address(ByteString publisherId) {
    return "0x" + HEX.formatHex(publisherId.toByteArray());
  }
}
