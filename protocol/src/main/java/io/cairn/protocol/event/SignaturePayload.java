package io.cairn.protocol.event;

import com.google.protobuf.ByteString;
import io.cairn.protocol.api.v1.ContentMessage;
import io.cairn.protocol.api.v1.GroupKey;
import io.cairn.protocol.api.v1.GroupKeyRequest;
import io.cairn.protocol.api.v1.GroupKeyResponse;
import io.cairn.protocol.api.v1.MessageId;
import io.cairn.protocol.api.v1.MessageRef;
import io.cairn.protocol.api.v1.StreamMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The bytes an event's {@code ECDSA_SECP256K1_EVM} signature covers, laid out as Streamr's SDK lays
 * them out, so signatures made by either verify in the other.
 *
 * <p>A UTF-8 header, with numbers in decimal and nothing between the fields: {@code streamId
 * partition timestamp sequenceNumber publisherId messageChainId}, where publisherId is {@code 0x}
 * and the address in lower-case hex; then, when the message has a previous reference, {@code
 * prevTimestamp prevSequenceNumber}. The body follows:
 *
 * <ul>
 *   <li>content message: the content bytes as carried (ciphertext when encrypted), then, when it
 *       carries a new group key, that key's id in UTF-8 and its (encrypted) data;
 *   <li>group key request: request id (UTF-8), recipient id bytes, RSA public key bytes, each
 *       requested key id (UTF-8);
 *   <li>group key response: request id (UTF-8), recipient id bytes, then each key's id (UTF-8) and
 *       data.
 * </ul>
 *
 * <p>Content type, encryption type and the content's group key id are not covered. Nor does the
 * layout separate its fields, so digits and characters can move across field boundaries without
 * changing the bytes: docs/protocol.md explains what {@link EventFieldRules} does about that.
 */
public final class SignaturePayload {
  private SignaturePayload() {}

  public static byte[] of(StreamMessage message) {
    MessageId id = message.getMessageId();
    StringBuilder header =
        new StringBuilder(128)
            .append(id.getStreamId())
            .append(id.getStreamPartition())
            .append(id.getTimestamp())
            .append(id.getSequenceNumber())
            .append(publisherHex(id.getPublisherId()))
            .append(id.getMessageChainId());
    if (message.hasPreviousMessageRef()) {
      MessageRef previous = message.getPreviousMessageRef();
      header.append(previous.getTimestamp()).append(previous.getSequenceNumber());
    }
    ByteArrayOutputStream payload = new ByteArrayOutputStream(256);
    payload.writeBytes(utf8(header.toString()));
    switch (message.getBodyCase()) {
      case CONTENT_MESSAGE -> writeContent(payload, message.getContentMessage());
      case GROUP_KEY_REQUEST -> writeRequest(payload, message.getGroupKeyRequest());
      case GROUP_KEY_RESPONSE -> writeResponse(payload, message.getGroupKeyResponse());
      case BODY_NOT_SET ->
          throw new EventRejection(
              EventRejectReason.BODY_MISSING,
              "the message has no content, group key request or group key response");
    }
    return payload.toByteArray();
  }

  /** How the payload spells a publisher id: {@code 0x} and lower-case hex. */
  public static String publisherHex(ByteString publisherId) {
    return "0x" + HexFormat.of().formatHex(publisherId.toByteArray());
  }

  private static void writeContent(ByteArrayOutputStream payload, ContentMessage content) {
    payload.writeBytes(content.getContent().toByteArray());
    if (content.hasNewGroupKey()) {
      writeKey(payload, content.getNewGroupKey());
    }
  }

  private static void writeRequest(ByteArrayOutputStream payload, GroupKeyRequest request) {
    payload.writeBytes(utf8(request.getRequestId()));
    payload.writeBytes(request.getRecipientId().toByteArray());
    payload.writeBytes(request.getRsaPublicKey().toByteArray());
    request.getGroupKeyIdsList().forEach(keyId -> payload.writeBytes(utf8(keyId)));
  }

  private static void writeResponse(ByteArrayOutputStream payload, GroupKeyResponse response) {
    payload.writeBytes(utf8(response.getRequestId()));
    payload.writeBytes(response.getRecipientId().toByteArray());
    response.getGroupKeysList().forEach(key -> writeKey(payload, key));
  }

  private static void writeKey(ByteArrayOutputStream payload, GroupKey key) {
    payload.writeBytes(utf8(key.getId()));
    payload.writeBytes(key.getData().toByteArray());
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
