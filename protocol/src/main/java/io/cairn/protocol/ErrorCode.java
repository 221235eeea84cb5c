package io.cairn.protocol;

/**
 * Every reason Cairn refuses a request, with the HTTP status the public API answers it with.
 * The names are part of the API: clients match on them, so they never change meaning.
 */
public enum ErrorCode {
  MALFORMED_REQUEST(400),
  UNKNOWN_REQUEST(400),
  INVALID_STREAM_ID(400),
  INVALID_ADDRESS(400),
  INVALID_PARTITIONS(400),
  INVALID_DESCRIPTION(400),
  INVALID_PERMISSION(400),
  INVALID_CORE_KEY(400),
  INVALID_MANIFEST(400),
  INVALID_RANGE(400),
  INVALID_EVENT(400),
  PARTITION_OUT_OF_RANGE(400),
  UNAUTHENTICATED(401),
  PUBLISHER_MISMATCH(401),
  SESSION_EXPIRED(401),
  NOT_PERMITTED(403),
  NOT_FOUND(404),
  METHOD_NOT_ALLOWED(405),
  NOT_ACCEPTABLE(406),
  STREAM_NOT_FOUND(404),
  CORE_NOT_FOUND(404),
  BLOCK_NOT_FOUND(404),
  STREAM_EXISTS(409),
  OUT_OF_ORDER(409),
  STREAM_DELETED(410),
  REQUEST_TOO_LARGE(413),
  CONTENT_TOO_LARGE(413),
  BLOCK_TOO_LARGE(413),
  BATCH_TOO_LARGE(413),
  UNSUPPORTED_MEDIA_TYPE(415),
  INVALID_BATCH(422),
  INVALID_SIGNATURE(422),
  PARTITION_KEY_MISMATCH(422),
  SLOW_SUBSCRIBER(429),
  INTERNAL(500),
  UNAVAILABLE(503);

  private final int httpStatus;

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
