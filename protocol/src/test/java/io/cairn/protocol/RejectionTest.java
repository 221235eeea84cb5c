package io.cairn.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.protocol.event.EventRejectReason;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class RejectionTest {
  private static final Rejection NOT_FOUND = new Rejection(ErrorCode.STREAM_NOT_FOUND, "no such");

  @Test
  void aRejectionIsItselfHoweverManyFuturesWrapIt() {
    assertSame(NOT_FOUND, Rejection.of(NOT_FOUND));
    assertSame(NOT_FOUND, Rejection.of(new CompletionException(NOT_FOUND)));
    assertSame(NOT_FOUND, Rejection.of(new ExecutionException(new CompletionException(NOT_FOUND))));
    Throwable failedJoin =
        assertThrows(
            CompletionException.class,
            () ->
                CompletableFuture.failedFuture(NOT_FOUND)
                    .thenApply(value -> value)
                    .toCompletableFuture()
                    .join());
    assertSame(NOT_FOUND, Rejection.of(failedJoin));
  }

  @Test
  void aTimeoutIsUnavailableInOneWording() {
    Rejection timedOut = Rejection.of(new CompletionException(new TimeoutException("ask")));
    assertEquals(ErrorCode.UNAVAILABLE, timedOut.code());
    assertEquals(Rejection.NO_ANSWER_IN_TIME, timedOut.getMessage());
    assertNull(timedOut.getCause(), "a timeout is no fault of the node");
  }

  @Test
  void anythingElseIsInternalAndKeepsItsCauseForTheLog() {
    IllegalStateException bug = new IllegalStateException("a bug");
    Rejection fault = Rejection.of(new CompletionException(bug));
    assertEquals(ErrorCode.INTERNAL, fault.code());
    assertEquals(Rejection.NODE_FAILED, fault.getMessage());
    assertSame(bug, fault.getCause());
  }

  @Test
  void anEventRejectReasonHasOneErrorCode() {
    assertEquals(ErrorCode.PUBLISHER_MISMATCH, EventRejectReason.ADDRESS_MISMATCH.errorCode());
    for (EventRejectReason signature :
        new EventRejectReason[] {
          EventRejectReason.UNSUPPORTED_SIGNATURE_TYPE,
          EventRejectReason.SIGNATURE_MALFORMED,
          EventRejectReason.HIGH_S,
          EventRejectReason.BAD_V,
          EventRejectReason.SIGNATURE_INVALID
        }) {
      assertEquals(ErrorCode.INVALID_SIGNATURE, signature.errorCode(), signature.name());
    }
    assertEquals(ErrorCode.INVALID_EVENT, EventRejectReason.MALFORMED.errorCode());
    assertEquals(ErrorCode.INVALID_EVENT, EventRejectReason.INVALID_PREVIOUS_REF.errorCode());
  }
}
