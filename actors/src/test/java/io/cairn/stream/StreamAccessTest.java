package io.cairn.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.stream.Permission;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The one rule every transport asks, checked on stream states without a cluster. */
class StreamAccessTest {
  private static final EthereumAddress OWNER = address('a');
  private static final EthereumAddress READER = address('b');
  private static final EthereumAddress STRANGER = address('c');
  private static final String ID = OWNER + "/sensors";

  @Test
  void aPrivateStreamIsReadByThoseHoldingSubscribe() {
    Stream.State stream = stream(Set.of());
    assertSame(stream, StreamAccess.requireSubscriber(stream, Optional.of(OWNER)));
    assertSame(stream, StreamAccess.requireSubscriber(stream, 1, Optional.of(READER)));
    assertRefused(
        ErrorCode.NOT_PERMITTED,
        STRANGER + " lacks the subscribe permission on " + ID,
        () -> StreamAccess.requireSubscriber(stream, Optional.of(STRANGER)));
    assertRefused(
        ErrorCode.UNAUTHENTICATED,
        "authenticate first: stream " + ID + " is not public",
        () -> StreamAccess.requireSubscriber(stream, Optional.empty()));
  }

  @Test
  void aPublicStreamIsReadByAnyone() {
    Stream.State stream = stream(Set.of(Permission.SUBSCRIBE));
    assertSame(stream, StreamAccess.requireSubscriber(stream, Optional.empty()));
    assertSame(stream, StreamAccess.requireSubscriber(stream, 0, Optional.of(STRANGER)));
  }

  @Test
  void aPartitionTheStreamLacksIsRefusedBeforeAnyoneIsAsked() {
    Stream.State stream = stream(Set.of());
    assertRefused(
        ErrorCode.PARTITION_OUT_OF_RANGE,
        "stream " + ID + " has partitions 0 to 1, not 2",
        () -> StreamAccess.requireSubscriber(stream, 2, Optional.empty()));
  }

  @Test
  void publishingNeedsThePublishPermissionOrAPublicOne() {
    StreamAccess.requirePublisher(stream(Set.of()), OWNER);
    StreamAccess.requirePublisher(stream(Set.of(Permission.PUBLISH)), STRANGER);
    assertRefused(
        ErrorCode.NOT_PERMITTED,
        READER + " lacks the publish permission on " + ID,
        () -> StreamAccess.requirePublisher(stream(Set.of()), READER));
  }

  @Test
  void onlyTheOwnerCommitsTheClusterToWork() {
    StreamAccess.requireOwner(stream(Set.of()), OWNER, "appoints its persistor");
    assertRefused(
        ErrorCode.NOT_PERMITTED,
        "only the owner of " + ID + " appoints its persistor",
        () -> StreamAccess.requireOwner(stream(Set.of()), READER, "appoints its persistor"));
  }

  @Test
  void aResendFilterIsReadOnceForEveryTransport() {
    Resends.Filter filter =
        Resends.Filter.parse(
            Optional.of("0x" + READER.value().substring(2).toUpperCase(Locale.ROOT)),
            Optional.of("chain"));
    assertEquals(Optional.of(READER.value()), filter.publisherId());
    assertEquals(Optional.of("chain"), filter.messageChainId());
    assertEquals(Resends.Filter.ALL, Resends.Filter.parse(Optional.of(""), Optional.empty()));
    assertRefused(
        ErrorCode.MALFORMED_REQUEST,
        "publisherId '0x12' is not an address (0x followed by 40 hex digits)",
        () -> Resends.Filter.parse(Optional.of("0x12"), Optional.empty()));
  }

  private static Stream.State stream(Set<Permission> publicPermissions) {
    return new Stream.State(
        ID,
        Stream.Status.ACTIVE,
        OWNER,
        "",
        2,
        Instant.EPOCH,
        Instant.EPOCH,
        new StreamPermissions(
            Map.of(
                OWNER, EnumSet.allOf(Permission.class), READER, EnumSet.of(Permission.SUBSCRIBE)),
            publicPermissions,
            Map.of()));
  }

  private static EthereumAddress address(char digit) {
    return new EthereumAddress("0x" + String.valueOf(digit).repeat(40));
  }

  private static void assertRefused(ErrorCode code, String message, Executable action) {
    Rejection refused = assertThrows(Rejection.class, action);
    assertEquals(code, refused.code());
    assertEquals(message, refused.getMessage());
  }
}
