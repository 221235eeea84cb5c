package io.cairn.protocol.event;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.ContentMessage;
import io.cairn.protocol.api.v1.ContentType;
import io.cairn.protocol.api.v1.EncryptionType;
import io.cairn.protocol.api.v1.MessageId;
import io.cairn.protocol.api.v1.MessageRef;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.stream.StreamId;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Checks every field of an event on its own, before and apart from its signature.
 *
 * <p>Streamr's signature payload has no separators, so one signature covers several splits of the
 * same bytes into fields. These rules pin the boundaries they can: timestamps must lie between
 * 2017-01-01 and a little after now, so they always have 13 digits, which fixes where the partition
 * ends and the sequence number starts; the publisher id is exactly 20 bytes, so its 42 characters
 * start right after the sequence number's digits. docs/protocol.md lists what remains.
 */
public final class EventFieldRules {
  /** 2017-01-01T00:00:00Z, before the Streamr Network existed; every later ms has 13 digits. */
  public static final long MIN_TIMESTAMP = 1_483_228_800_000L;

  /** Streamr streams have at most 100 partitions. */
  public static final int MAX_PARTITION = 99;

  public static final int MAX_MESSAGE_CHAIN_ID_LENGTH = 128;
  public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(10);
  private static final int ADDRESS_LENGTH = 20;

  private final Clock clock;
  private final Duration maxClockSkew;

  /**
   * @param clock the node's clock
   * @param maxClockSkew how far after the clock's now a publisher's timestamp may be
   */
  public EventFieldRules(Clock clock, Duration maxClockSkew) {
    this.clock = clock;
    this.maxClockSkew = maxClockSkew;
  }

  public static EventFieldRules standard() {
    return new EventFieldRules(Clock.systemUTC(), DEFAULT_MAX_CLOCK_SKEW);
  }

  /**
   * Throws an {@link EventRejection} naming the first field that breaks a rule: Streamr's rules for
   * a message ({@link #checkMessage}), then this node's for publishing ({@link #checkPolicy}).
   */
  public void check(StreamMessage message) {
    checkMessage(message);
    checkPolicy(message);
  }

  /**
   * The rules a message meets in the Streamr Network, whoever is to store it: a stream id (any
   * text; its owner may be an ENS name), partition 0..{@value #MAX_PARTITION}, timestamps and
   * numbers not negative (any instant), a 20-byte publisher, a message chain, a previous reference
   * before the message, a body.
   */
  public void checkMessage(StreamMessage message) {
    if (!message.hasMessageId()) {
      throw reject(EventRejectReason.MESSAGE_ID_MISSING, "the message has no message id");
    }
    MessageId id = message.getMessageId();
    if (id.getStreamId().isEmpty()) {
      throw reject(EventRejectReason.INVALID_STREAM_ID, "the stream id is empty");
    }
    if (id.getStreamPartition() < 0 || id.getStreamPartition() > MAX_PARTITION) {
      throw reject(
          EventRejectReason.INVALID_PARTITION,
          "partition " + id.getStreamPartition() + " is outside 0.." + MAX_PARTITION);
    }
    if (id.getTimestamp() < 0) {
      throw reject(
          EventRejectReason.TIMESTAMP_OUT_OF_RANGE,
          "timestamp " + id.getTimestamp() + " is negative");
    }
    if (id.getSequenceNumber() < 0) {
      throw reject(
          EventRejectReason.INVALID_SEQUENCE_NUMBER,
          "sequence number " + id.getSequenceNumber() + " is negative");
    }
    if (id.getPublisherId().size() != ADDRESS_LENGTH) {
      throw reject(
          EventRejectReason.INVALID_PUBLISHER_ID,
          "publisher id is " + id.getPublisherId().size() + " bytes, not a 20-byte address");
    }
    if (id.getMessageChainId().isEmpty()) {
      throw reject(EventRejectReason.INVALID_MESSAGE_CHAIN_ID, "the message chain id is empty");
    }
    if (message.hasPreviousMessageRef()) {
      checkPrevious(id, message.getPreviousMessageRef());
    }
    switch (message.getBodyCase()) {
      case CONTENT_MESSAGE -> checkContent(message.getContentMessage());
      case GROUP_KEY_REQUEST, GROUP_KEY_RESPONSE -> {}
      case BODY_NOT_SET ->
          throw reject(
              EventRejectReason.BODY_MISSING,
              "the message has no content, group key request or group key response");
    }
  }

  /**
   * What this node stores, beyond Streamr's rules: a stream id it can hold ({@link StreamId}: an
   * owner's 0x address, a path without control characters, at most {@value StreamId#MAX_LENGTH}
   * characters), timestamps from {@value #MIN_TIMESTAMP} to now plus the clock skew allowed, a
   * message chain id of at most {@value #MAX_MESSAGE_CHAIN_ID_LENGTH} characters.
   */
  public void checkPolicy(StreamMessage message) {
    MessageId id = message.getMessageId();
    try {
      StreamId.parse(id.getStreamId());
    } catch (Rejection invalid) {
      throw reject(EventRejectReason.INVALID_STREAM_ID, invalid.getMessage());
    }
    checkTimestamp("timestamp", id.getTimestamp(), EventRejectReason.TIMESTAMP_OUT_OF_RANGE);
    if (message.hasPreviousMessageRef()) {
      checkTimestamp(
          "previous timestamp",
          message.getPreviousMessageRef().getTimestamp(),
          EventRejectReason.INVALID_PREVIOUS_REF);
    }
    if (id.getMessageChainId().length() > MAX_MESSAGE_CHAIN_ID_LENGTH) {
      throw reject(
          EventRejectReason.INVALID_MESSAGE_CHAIN_ID,
          "message chain id is longer than " + MAX_MESSAGE_CHAIN_ID_LENGTH + " characters");
    }
  }

  private void checkTimestamp(String field, long timestamp, EventRejectReason reason) {
    long latest = clock.millis() + maxClockSkew.toMillis();
    if (timestamp < MIN_TIMESTAMP || timestamp > latest) {
      throw reject(
          reason,
          field
              + " "
              + timestamp
              + " is outside "
              + Instant.ofEpochMilli(MIN_TIMESTAMP)
              + " .. "
              + Instant.ofEpochMilli(latest)
              + " (now + "
              + maxClockSkew
              + ")");
    }
  }

  private void checkPrevious(MessageId id, MessageRef previous) {
    if (previous.getTimestamp() < 0) {
      throw reject(
          EventRejectReason.INVALID_PREVIOUS_REF,
          "previous timestamp " + previous.getTimestamp() + " is negative");
    }
    if (previous.getSequenceNumber() < 0) {
      throw reject(
          EventRejectReason.INVALID_PREVIOUS_REF,
          "previous sequence number " + previous.getSequenceNumber() + " is negative");
    }
    boolean before =
        previous.getTimestamp() < id.getTimestamp()
            || (previous.getTimestamp() == id.getTimestamp()
                && previous.getSequenceNumber() < id.getSequenceNumber());
    if (!before) {
      throw reject(
          EventRejectReason.INVALID_PREVIOUS_REF,
          "previous reference "
              + previous.getTimestamp()
              + "/"
              + previous.getSequenceNumber()
              + " is not before the message's "
              + id.getTimestamp()
              + "/"
              + id.getSequenceNumber());
    }
  }

  private static void checkContent(ContentMessage content) {
    if (content.getEncryptionTypeValue() > EncryptionType.AES_VALUE
        || content.getContentTypeValue() > ContentType.BINARY_VALUE) {
      throw reject(
          EventRejectReason.INVALID_CONTENT,
          "unknown content type "
              + content.getContentTypeValue()
              + " or encryption type "
              + content.getEncryptionTypeValue());
    }
    boolean encrypted = content.getEncryptionType() == EncryptionType.AES;
    if (encrypted && !content.hasGroupKeyId()) {
      throw reject(
          EventRejectReason.INVALID_CONTENT, "AES-encrypted content names no group key id");
    }
    if (!encrypted && (content.hasGroupKeyId() || content.hasNewGroupKey())) {
      throw reject(
          EventRejectReason.INVALID_CONTENT,
          "unencrypted content carries a group key id or a new group key");
    }
    if (!encrypted && content.getContentType() == ContentType.JSON) {
      checkJson(content.getContent().toByteArray());
    }
  }

  private static void checkJson(byte[] content) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(content))
              .toString();
    } catch (CharacterCodingException e) {
      throw reject(EventRejectReason.INVALID_CONTENT, "JSON content is not UTF-8");
    }
    try (JsonReader reader = new JsonReader(new StringReader(text))) {
      reader.setLenient(false);
      reader.skipValue();
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw reject(EventRejectReason.INVALID_CONTENT, "JSON content has text after its value");
      }
    } catch (IOException | RuntimeException notJson) {
      if (notJson instanceof EventRejection rejection) {
        throw rejection;
      }
      throw reject(EventRejectReason.INVALID_CONTENT, "content of type JSON is not JSON");
    }
  }

  private static EventRejection reject(EventRejectReason reason, String message) {
    return new EventRejection(reason, message);
  }
}
