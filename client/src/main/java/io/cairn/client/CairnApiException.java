package io.cairn.client;

/**
 * The node refused a request, over HTTP or on the WebSocket: its status, error code and message.
 */
public final class CairnApiException extends RuntimeException {
  private final int status;
  private final String code;

  public CairnApiException(int status, String code, String message) {
    super(code + ": " + message);
    this.status = status;
    this.code = code;
  }

  /**
   * The HTTP status of the answer; for an error frame on the WebSocket, the status the same code
   * has over HTTP (0 for a code this client does not know).
   */
  public int status() {
    return status;
  }

  /** One of the names of {@code io.cairn.protocol.ErrorCode}, or {@code HTTP_<status>}. */
  public String code() {
    return code;
  }
}
