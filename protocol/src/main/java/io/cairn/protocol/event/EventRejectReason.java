package io.cairn.protocol.event;

import io.cairn.protocol.ErrorCode;
import java.util.EnumSet;
import java.util.Set;

/**
 * Why an event was refused. Each value names the first check that failed; the names are stable, as
 * the public API reports them.
 */
public enum EventRejectReason {
  /** The bytes (or JSON) are not a StreamMessage. */
  MALFORMED,
  /** The message has no message id. */
  MESSAGE_ID_MISSING,
  /** The stream id is not {@code <owner address>/<path>}. */
  INVALID_STREAM_ID,
  /** The partition is outside 0..99. */
  INVALID_PARTITION,
  /** The timestamp is before 2017-01-01 or too far in the future. */
  TIMESTAMP_OUT_OF_RANGE,
  /** The sequence number is negative. */
  INVALID_SEQUENCE_NUMBER,
  /** The publisher id is not a 20-byte address. */
  INVALID_PUBLISHER_ID,
  /** The message chain id is empty or too long. */
  INVALID_MESSAGE_CHAIN_ID,
  /** The previous message reference is out of range or not before the message. */
  INVALID_PREVIOUS_REF,
  /** The message has no body (content, group key request or group key response). */
  BODY_MISSING,
  /** The content contradicts its declared type or encryption. */
  INVALID_CONTENT,
  /** The event was addressed to another stream or partition than the one it arrived on. */
  STREAM_PART_MISMATCH,
  /** The signature type is not {@code ECDSA_SECP256K1_EVM}. */
  UNSUPPORTED_SIGNATURE_TYPE,
  /** The signature is not 65 bytes, or r or s is outside 1..n-1. */
  SIGNATURE_MALFORMED,
  /** s is above n/2 (the malleable form of a signature). */
  HIGH_S,
  /** v is not 27 or 28. */
  BAD_V,
  /** No public key recovers from the signature over this payload. */
  SIGNATURE_INVALID,
  /** The signature recovers to another address than the publisher id. */
  ADDRESS_MISMATCH;

  private static final Set<EventRejectReason> SIGNATURE_REASONS =
      EnumSet.of(UNSUPPORTED_SIGNATURE_TYPE, SIGNATURE_MALFORMED, HIGH_S, BAD_V, SIGNATURE_INVALID);

  /**
   * The API's code for an event refused for this reason, the same for published events and for
   * group key requests: a signature that recovers to another address is {@code PUBLISHER_MISMATCH},
   * a faulty signature {@code INVALID_SIGNATURE}, anything else {@code INVALID_EVENT}.
   */
  public ErrorCode errorCode() {
    if (this == ADDRESS_MISMATCH) {
      return ErrorCode.PUBLISHER_MISMATCH;
    }
    return SIGNATURE_REASONS.contains(this) ? ErrorCode.INVALID_SIGNATURE : ErrorCode.INVALID_EVENT;
  }
}
