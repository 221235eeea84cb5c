package io.cairn.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.cluster.ClusterNodes;
import io.cairn.cluster.ServiceIdentity;
import io.cairn.journal.JournalSettings;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.encryption.MasterKey;
import io.cairn.protocol.event.EventVerifier;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.stream.Permission;
import io.cairn.stream.Grantee;
import io.cairn.stream.Stream;
import io.cairn.stream.StreamModule;
import io.cairn.stream.StreamSettings;
import io.cairn.stream.Streams;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The KeyCustodian entity on a real JDBC journal, with the projection that rotates its key after a
 * revocation: appointed, rotated, stopped and recovered. Each database runs the same suite through
 * a subclass.
 */
abstract class KeyCustodianSuite {
  private static final StreamSettings STREAMS =
      new StreamSettings(
          100,
          4096,
          100,
          Duration.ofSeconds(5),
          1024 * 1024,
          Duration.ofSeconds(1),
          10_000,
          100,
          Duration.ofSeconds(60));

  /**
   * A snapshot after the third event, so recovery reads a snapshot and replays events after it; a
   * revocation's rotation is waited for as long as the projection may take to start on a journal
   * that other tests filled.
   */
  private static final KeySettings SETTINGS =
      new KeySettings(Duration.ofSeconds(10), 3, Duration.ofSeconds(60));

  private static final ServiceIdentity SERVICE = ServiceIdentity.of(PrivateKeySigner.generate());
  private static final MasterKey MASTER = MasterKey.generate();

  private final EthereumAddress owner = PrivateKeySigner.generate().address();
  private final EthereumAddress stranger = PrivateKeySigner.generate().address();
  private final String streamId = owner + "/custody";
  private ClusterNodes cluster;
  private Streams streams;
  private KeyCustodians custodians;
  private StreamKeys keys;

  protected abstract JournalSettings journal();

  private void startNode() throws Exception {
    cluster = ClusterNodes.start(1, journal());
    ActorSystem<?> system = cluster.node(0).system();
    streams = StreamModule.init(system, STREAMS, EventVerifier.standard()).streams();
    KeysModule module =
        KeysModule.init(system, SETTINGS, () -> new KeysModule.Custody(SERVICE, MASTER));
    custodians = module.custodians();
    keys = module.streamKeys();
  }

  @AfterEach
  void stopNode() {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  @Test
  void appointedByTheOwnerRotatedOnDemandAndOnRevokeAndRecoveredAsItWas() throws Exception {
    startNode();
    assertRefused(ErrorCode.STREAM_NOT_FOUND, custodians.appoint(streamId, owner));
    await(streams.create(streamId, owner, "", 1));
    assertRefused(ErrorCode.CUSTODIAN_NOT_FOUND, custodians.info(streamId));
    assertRefused(ErrorCode.CUSTODIAN_NOT_FOUND, keys.current(streamId));
    assertRefused(ErrorCode.NOT_PERMITTED, custodians.appoint(streamId, stranger));

    KeyCustodian.Info appointed = await(custodians.appoint(streamId, owner));
    assertTrue(appointed.appointed());
    assertEquals(SERVICE.address(), appointed.serviceAddress());
    assertEquals(
        appointed, await(custodians.appoint(streamId, owner)), "appointing again changes nothing");
    GroupKey first = await(keys.current(streamId));
    assertEquals(appointed.currentGroupKeyId(), first.id());

    assertRefused(ErrorCode.NOT_PERMITTED, custodians.rotate(streamId, stranger));
    KeyCustodian.Info rotated = await(custodians.rotate(streamId, owner));
    assertNotEquals(first.id(), rotated.currentGroupKeyId());

    await(streams.grant(streamId, owner, Grantee.of(stranger), Permission.SUBSCRIBE));
    await(streams.grant(streamId, owner, Grantee.of(stranger), Permission.PUBLISH));
    await(streams.revoke(streamId, owner, Grantee.of(stranger), Permission.PUBLISH));
    Stream.Revocation revocation =
        await(streams.revoke(streamId, owner, Grantee.of(stranger), Permission.SUBSCRIBE));
    assertEquals(
        KeyCustodians.RevokeRotation.DONE,
        await(custodians.rotationAfterRevoke(streamId, revocation.sequenceNr())));
    KeyCustodian.Info afterRevoke = await(custodians.info(streamId));
    assertEquals(3, afterRevoke.groupKeys(), "one rotation on demand, one after subscribe only");
    assertEquals(revocation.sequenceNr(), afterRevoke.rotatedAfterRevoke());
    assertFalse(
        List.of(first.id(), rotated.currentGroupKeyId()).contains(afterRevoke.currentGroupKeyId()));

    List<String> ids =
        List.of(first.id(), rotated.currentGroupKeyId(), afterRevoke.currentGroupKeyId());
    List<GroupKey> all = await(keys.find(streamId, ids));
    assertEquals(ids, all.stream().map(GroupKey::id).toList());
    assertEquals(first, all.get(0));
    assertEquals(List.of(), await(keys.find(streamId, List.of())));
    assertRefused(
        ErrorCode.UNKNOWN_GROUP_KEY, keys.find(streamId, List.of(first.id(), "never-made")));

    cluster.close();
    startNode();
    assertEquals(afterRevoke, await(custodians.info(streamId)));
    assertEquals(all, await(keys.find(streamId, ids)));
    assertEquals(all.get(2), await(keys.current(streamId)));
  }

  @Test
  void aRevocationToldAgainRotatesOnceEvenAfterARestart() throws Exception {
    startNode();
    await(streams.create(streamId, owner, "", 1));
    await(custodians.appoint(streamId, owner));
    KeyCustodian.Info once = rotateAfterRevoke(7);
    assertEquals(2, once.groupKeys());
    assertEquals(7, once.rotatedAfterRevoke());
    assertEquals(once, rotateAfterRevoke(7), "the same revocation again");
    assertEquals(once, rotateAfterRevoke(5), "an earlier one: the key is newer than it");

    cluster.close();
    startNode();
    assertEquals(once, rotateAfterRevoke(7), "recovered, it still knows the revocation");
    assertEquals(3, rotateAfterRevoke(8).groupKeys(), "a later revocation rotates");
  }

  @Test
  void revokingSubscribeWithoutACustodianHasNothingToRotate() throws Exception {
    startNode();
    await(streams.create(streamId, owner, "", 1));
    Stream.Revocation revocation =
        await(streams.revoke(streamId, owner, Grantee.EVERYONE, Permission.SUBSCRIBE));
    assertEquals(
        KeyCustodians.RevokeRotation.NO_CUSTODIAN,
        await(custodians.rotationAfterRevoke(streamId, revocation.sequenceNr())));
  }

  @Test
  void anEntityIdThatIsNoStreamIdAnswersWhy() throws Exception {
    startNode();
    assertRefused(ErrorCode.INVALID_STREAM_ID, custodians.info("not-a-stream"));
  }

  /** What the revoke → rotate projection tells the custodian for the stream's event {@code n}. */
  private KeyCustodian.Info rotateAfterRevoke(long n) {
    return await(
        ClusterSharding.get(cluster.node(0).system())
            .entityRefFor(KeyCustodian.ENTITY_KEY, streamId)
            .askWithStatus(
                replyTo -> new KeyCustodian.RotateAfterRevoke(Grantee.of(stranger), n, replyTo),
                SETTINGS.askTimeout()));
  }

  private static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  private static void assertRefused(ErrorCode code, CompletionStage<?> answer) {
    CompletionException failure = assertThrows(CompletionException.class, () -> await(answer));
    assertEquals(
        code,
        assertInstanceOf(Rejection.class, failure.getCause()).code(),
        failure.getCause().toString());
  }
}
