package io.cairn.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.stream.Permission;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StreamTest {
  static final EthereumAddress OWNER =
      new EthereumAddress("0x6a0e9a2a5d3f8d1c9b7e4f2a1b3c5d7e9f0a1b2c");
  static final EthereumAddress ALICE =
      new EthereumAddress("0x1111111111111111111111111111111111111111");
  static final EthereumAddress BOB =
      new EthereumAddress("0x2222222222222222222222222222222222222222");
  static final String STREAM_ID = OWNER + "/sensors/temperature";
  static final StreamSettings SETTINGS =
      new StreamSettings(
          100,
          64,
          100,
          Duration.ofSeconds(5),
          1024,
          Duration.ofSeconds(1),
          10_000,
          100,
          Duration.ofSeconds(60));

  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));

  private EventSourcedBehaviorTestKit<Stream.Command, Stream.Event, Stream.State> stream;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void freshStream() {
    stream =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            Stream.create(STREAM_ID, SETTINGS),
            EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  private CommandResultWithReply<
          Stream.Command, Stream.Event, Stream.State, StatusReply<Stream.State>>
      run(Function<ActorRef<StatusReply<Stream.State>>, Stream.Command> command) {
    return stream.runCommand(command::apply);
  }

  private void create() {
    assertTrue(
        run(reply -> new Stream.Create(OWNER, "temperatures", 3, reply)).reply().isSuccess());
  }

  private CommandResultWithReply<
          Stream.Command, Stream.Event, Stream.State, StatusReply<Stream.Revocation>>
      revoke(EthereumAddress requester, Grantee grantee, Permission permission) {
    return stream.runCommand(reply -> new Stream.Revoke(requester, grantee, permission, reply));
  }

  private void assertRejected(
      ErrorCode code, Function<ActorRef<StatusReply<Stream.State>>, Stream.Command> command) {
    assertRejectedAnswering(code, command);
  }

  private <R> void assertRejectedAnswering(
      ErrorCode code, Function<ActorRef<StatusReply<R>>, Stream.Command> command) {
    var result = stream.<StatusReply<R>>runCommand(command::apply);
    assertTrue(result.reply().isError(), () -> "expected " + code + " but got " + result.reply());
    assertEquals(code, assertInstanceOf(Rejection.class, result.reply().getError()).code());
    assertTrue(result.hasNoEvents(), "a rejected command must not persist anything");
  }

  @Test
  void createGivesTheOwnerEveryPermission() {
    var result = run(reply -> new Stream.Create(OWNER, "temperatures", 3, reply));
    Stream.Created created = result.eventOfType(Stream.Created.class);
    assertEquals(STREAM_ID, created.streamId());
    assertEquals(3, created.partitions());
    Stream.State state = result.reply().getValue();
    assertEquals(Stream.Status.ACTIVE, state.status());
    assertEquals(OWNER, state.owner());
    assertEquals(EnumSet.allOf(Permission.class), state.permissions().get(OWNER));
  }

  @Test
  void aDuplicateCreateIsRejected() {
    create();
    assertRejected(ErrorCode.STREAM_EXISTS, reply -> new Stream.Create(OWNER, "again", 1, reply));
  }

  @Test
  void partitionsMustBeInRange() {
    assertRejected(ErrorCode.INVALID_PARTITIONS, reply -> new Stream.Create(OWNER, "", 0, reply));
    assertRejected(ErrorCode.INVALID_PARTITIONS, reply -> new Stream.Create(OWNER, "", -1, reply));
    assertRejected(ErrorCode.INVALID_PARTITIONS, reply -> new Stream.Create(OWNER, "", 101, reply));
    assertEquals(Stream.Status.NEW, stream.getState().status());
  }

  @Test
  void anOverlongDescriptionIsRejected() {
    assertRejected(
        ErrorCode.INVALID_DESCRIPTION, reply -> new Stream.Create(OWNER, "x".repeat(65), 1, reply));
  }

  @Test
  void onlyTheOwnerInTheIdMayCreate() {
    assertRejected(ErrorCode.NOT_PERMITTED, reply -> new Stream.Create(ALICE, "", 1, reply));
  }

  @Test
  void aBadIdAnswersEveryCommandWithTheReason() {
    var probe = testKit.<StatusReply<Stream.State>>createTestProbe();
    for (String badId : new String[] {"not-a-stream-id", "0xABC/upper", OWNER + "/tab\there"}) {
      ActorRef<Stream.Command> entity = testKit.spawn(Stream.create(badId, SETTINGS));
      entity.tell(new Stream.Create(OWNER, "", 1, probe.ref()));
      entity.tell(new Stream.Get(probe.ref()));
      for (int i = 0; i < 2; i++) {
        Rejection rejection = assertInstanceOf(Rejection.class, probe.receiveMessage().getError());
        assertEquals(ErrorCode.INVALID_STREAM_ID, rejection.code());
      }
    }
  }

  @Test
  void commandsOnAMissingStreamAreNotFound() {
    assertRejected(ErrorCode.STREAM_NOT_FOUND, Stream.Get::new);
    assertRejected(
        ErrorCode.STREAM_NOT_FOUND,
        reply ->
            new Stream.Grant(
                OWNER, Grantee.of(ALICE), Permission.PUBLISH, Optional.empty(), reply));
  }

  @Test
  void grantAndRevokeNeedTheGrantPermission() {
    create();
    assertRejected(
        ErrorCode.NOT_PERMITTED,
        reply ->
            new Stream.Grant(
                ALICE, Grantee.of(ALICE), Permission.PUBLISH, Optional.empty(), reply));

    var granted =
        run(
            reply ->
                new Stream.Grant(
                    OWNER, Grantee.of(ALICE), Permission.GRANT, Optional.empty(), reply));
    assertEquals(Set.of(Permission.GRANT), granted.reply().getValue().permissions().get(ALICE));

    var delegated =
        run(
            reply ->
                new Stream.Grant(
                    ALICE, Grantee.of(BOB), Permission.PUBLISH, Optional.empty(), reply));
    assertTrue(delegated.reply().getValue().may(BOB, Permission.PUBLISH));
    this.<Stream.Revocation>assertRejectedAnswering(
        ErrorCode.NOT_PERMITTED,
        reply -> new Stream.Revoke(BOB, Grantee.of(ALICE), Permission.GRANT, reply));

    var revoked = revoke(ALICE, Grantee.of(BOB), Permission.PUBLISH);
    assertTrue(!revoked.reply().getValue().state().permissions().containsKey(BOB));
    assertEquals(
        4,
        revoked.reply().getValue().sequenceNr(),
        "the revocation is the stream's fourth event: created, granted, granted, revoked");
  }

  @Test
  void anyoneMayGiveUpTheirOwnPermission() {
    create();
    run(
        reply ->
            new Stream.Grant(
                OWNER, Grantee.of(BOB), Permission.SUBSCRIBE, Optional.empty(), reply));
    var result = revoke(BOB, Grantee.of(BOB), Permission.SUBSCRIBE);
    assertTrue(result.reply().isSuccess());
    assertTrue(!result.reply().getValue().state().may(BOB, Permission.SUBSCRIBE));
  }

  @Test
  void theOwnersPermissionsCannotBeRevoked() {
    create();
    this.<Stream.Revocation>assertRejectedAnswering(
        ErrorCode.NOT_PERMITTED,
        reply -> new Stream.Revoke(OWNER, Grantee.of(OWNER), Permission.GRANT, reply));
  }

  @Test
  void everyoneMayOnlyBeGrantedPublishAndSubscribe() {
    create();
    var result =
        run(
            reply ->
                new Stream.Grant(
                    OWNER, Grantee.EVERYONE, Permission.SUBSCRIBE, Optional.empty(), reply));
    assertTrue(result.reply().getValue().may(BOB, Permission.SUBSCRIBE));
    assertRejected(
        ErrorCode.INVALID_PERMISSION,
        reply ->
            new Stream.Grant(OWNER, Grantee.EVERYONE, Permission.EDIT, Optional.empty(), reply));
  }

  @Test
  void updateNeedsEditAndPartitionsOnlyGrow() {
    create();
    assertRejected(ErrorCode.NOT_PERMITTED, reply -> new Stream.Update(ALICE, "mine", 3, reply));
    assertRejected(
        ErrorCode.INVALID_PARTITIONS, reply -> new Stream.Update(OWNER, "fewer", 2, reply));
    var result = run(reply -> new Stream.Update(OWNER, "more", 5, reply));
    assertEquals(5, result.reply().getValue().partitions());
    assertEquals("more", result.reply().getValue().description());
  }

  @Test
  void aDeletedStreamAnswersGone() {
    create();
    assertRejected(ErrorCode.NOT_PERMITTED, reply -> new Stream.Delete(ALICE, reply));
    assertTrue(run(reply -> new Stream.Delete(OWNER, reply)).reply().isSuccess());
    assertRejected(ErrorCode.STREAM_DELETED, Stream.Get::new);
    assertRejected(ErrorCode.STREAM_DELETED, reply -> new Stream.Create(OWNER, "", 1, reply));
  }

  @Test
  void recoveryRebuildsTheSameState() {
    create();
    run(
        reply ->
            new Stream.Grant(
                OWNER, Grantee.of(ALICE), Permission.SUBSCRIBE, Optional.empty(), reply));
    run(
        reply ->
            new Stream.Grant(OWNER, Grantee.EVERYONE, Permission.PUBLISH, Optional.empty(), reply));
    Stream.State before = stream.getState();
    stream.restart();
    assertEquals(before, stream.getState());
  }

  @Test
  void aGrantWithAnEndCountsUntilThenIsExtendedAndEndsOnlyAtItsLatestEnd() {
    create();
    Instant end = Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
    Stream.State granted =
        run(reply ->
                new Stream.Grant(
                    OWNER, Grantee.of(BOB), Permission.SUBSCRIBE, Optional.of(end), reply))
            .reply()
            .getValue();
    assertTrue(granted.may(BOB, Permission.SUBSCRIBE, end.minusMillis(1)));
    assertTrue(!granted.may(BOB, Permission.SUBSCRIBE, end), "the grant ends at its end");
    assertEquals(Optional.of(end), granted.access().expiry(BOB, Permission.SUBSCRIBE));

    assertRejected(
        ErrorCode.INVALID_PERMISSION,
        reply ->
            new Stream.Grant(OWNER, Grantee.of(BOB), Permission.EDIT, Optional.of(end), reply));

    Instant later = end.plusSeconds(60);
    run(
        reply ->
            new Stream.Grant(
                OWNER, Grantee.of(BOB), Permission.SUBSCRIBE, Optional.of(later), reply));
    var early = run(reply -> new Stream.Expire(BOB, Permission.SUBSCRIBE, end, reply));
    assertEquals(List.of(), early.events(), "an extended grant does not end at its old end");
    var notYet = run(reply -> new Stream.Expire(BOB, Permission.SUBSCRIBE, later, reply));
    assertEquals(List.of(), notYet.events(), "nor before its end");

    Instant past = Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.MILLIS);
    run(
        reply ->
            new Stream.Grant(
                OWNER, Grantee.of(ALICE), Permission.SUBSCRIBE, Optional.of(past), reply));
    var expired = run(reply -> new Stream.Expire(ALICE, Permission.SUBSCRIBE, past, reply));
    assertEquals(List.of(new Stream.Expired(ALICE, Permission.SUBSCRIBE, past)), expired.events());
    assertTrue(!expired.reply().getValue().may(ALICE, Permission.SUBSCRIBE));

    run(
        reply ->
            new Stream.Grant(
                OWNER, Grantee.of(ALICE), Permission.PUBLISH, Optional.empty(), reply));
    var kept =
        run(
            reply ->
                new Stream.Grant(
                    OWNER, Grantee.of(ALICE), Permission.PUBLISH, Optional.of(past), reply));
    assertEquals(List.of(), kept.events(), "a grant with an end never shortens one for good");
    assertTrue(kept.reply().getValue().may(ALICE, Permission.PUBLISH, Instant.now()));

    stream.restart();
    assertEquals(
        Optional.of(later),
        run(Stream.Get::new).reply().getValue().access().expiry(BOB, Permission.SUBSCRIBE));
  }
}
