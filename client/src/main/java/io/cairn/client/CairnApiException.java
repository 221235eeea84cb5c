package io.cairn.client;

/** The node refused a request: its HTTP status, error code and message. */
public final class CairnApiException extends RuntimeException {
  private final int status;
  private final String code;

  public CairnApiException(int status, String code, String message) {
    super(code + ": " + message);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  /** One of the names of {@code io.cairn.protocol.ErrorCode}, or {@code HTTP_<status>}. */
  public String code() {
    return code;
  }
}
