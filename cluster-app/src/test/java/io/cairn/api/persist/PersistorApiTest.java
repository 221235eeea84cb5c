package io.cairn.api.persist;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.cairn.client.CairnApiException;
import io.cairn.client.CairnClient;
import io.cairn.client.CheckpointRejectedException;
import io.cairn.client.GroupKeyExchange;
import io.cairn.client.PairCatchUp;
import io.cairn.client.PersistorCheckpoints;
import io.cairn.node.TestNode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.ContentMessage;
import io.cairn.protocol.api.v1.ContentType;
import io.cairn.protocol.api.v1.PersistorMode;
import io.cairn.protocol.api.v1.PersistorSettings;
import io.cairn.protocol.api.v1.PersistorStatus;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.encryption.StreamEncryption;
import io.cairn.protocol.event.EventSigner;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.persist.Pair;
import io.cairn.protocol.persist.PairAccumulator;
import io.cairn.protocol.persist.PairContent;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The persistor through the public API of a real node: appointed by the owner, read by a subscriber
 * who catches up from nothing and from the middle, each time checked against the signed checkpoint;
 * every refusal with its own code; and one set to follow only while licensed, paused and saying
 * why.
 */
class PersistorApiTest {
  @TempDir static Path dataDir;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dataDir);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static List<Pair> pairs(String prefix, int count) {
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      pairs.add(new Pair(prefix + i, GroupKey.generate().data()));
    }
    return pairs;
  }

  private static StreamMessage pairEvent(
      PrivateKeySigner publisher, String streamId, long timestamp, GroupKey key, List<Pair> pairs) {
    StreamMessage.Builder builder = StreamMessage.newBuilder();
    builder
        .getMessageIdBuilder()
        .setStreamId(streamId)
        .setTimestamp(timestamp)
        .setMessageChainId("pairs");
    StreamMessage plain =
        builder
            .setContentMessage(
                ContentMessage.newBuilder()
                    .setContent(ByteString.copyFrom(PairContent.encode(pairs)))
                    .setContentType(ContentType.JSON))
            .build();
    return new EventSigner(publisher).sign(StreamEncryption.encryptContent(plain, key));
  }

  private static void assertRefused(int status, String code, Runnable request) {
    CairnApiException refused = assertThrows(CairnApiException.class, request::run);
    assertEquals(code, refused.code(), refused.getMessage());
    assertEquals(status, refused.status());
  }

  @Test
  void aPersistorSetToFollowWhileLicensedSaysItIsPausedAndWhy() {
    PrivateKeySigner owner = PrivateKeySigner.generate();
    String streamId = owner.address() + "/for-buyers";
    CairnClient ownerClient = CairnClient.connect(node.api()).authenticate(owner);
    ownerClient.createStream(streamId, "", 1);
    // a subscribe held for good is not a licence
    ownerClient.grant(streamId, PrivateKeySigner.generate().address(), "subscribe");

    PersistorStatus appointed =
        ownerClient.appointPersistor(
            streamId,
            PersistorSettings.newBuilder()
                .setMode(PersistorMode.CHECKPOINT)
                .setWhileLicensed(true)
                .build());
    assertTrue(appointed.getWhileLicensed());
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              PersistorStatus status = ownerClient.persistor(streamId);
              assertTrue(status.getPaused());
              assertTrue(
                  status.getPausedBecause().startsWith("no active licence on the stream since "),
                  status.getPausedBecause());
              assertTrue(status.getLicensedUntilMs() > 0);
            });

    PersistorStatus always = ownerClient.appointPersistor(streamId, PersistorMode.CHECKPOINT, null);
    assertFalse(always.getWhileLicensed());
    assertFalse(always.getPaused());
    assertEquals("", always.getPausedBecause());
  }

  @Test
  void aLateSubscriberCatchesUpAndChecksTheCheckpoint() throws Exception {
    PrivateKeySigner owner = PrivateKeySigner.generate();
    PrivateKeySigner reader = PrivateKeySigner.generate();
    PrivateKeySigner stranger = PrivateKeySigner.generate();
    String streamId = owner.address() + "/persisted";
    CairnClient ownerClient = CairnClient.connect(node.api()).authenticate(owner);
    ownerClient.createStream(streamId, "", 1);
    EthereumAddress service = EthereumAddress.parse(ownerClient.nodeInfo().getServiceAddress());
    ownerClient.grant(streamId, service, "publish");
    ownerClient.grant(streamId, reader.address(), "subscribe");
    ownerClient.appointCustodian(streamId);
    GroupKey key = new GroupKeyExchange(ownerClient, owner, 2048).current(streamId);
    CairnClient readerClient = CairnClient.connect(node.api()).authenticate(reader);
    GroupKeyExchange readerKeys = new GroupKeyExchange(readerClient, reader, 2048);
    CairnClient strangerClient = CairnClient.connect(node.api()).authenticate(stranger);

    assertRefused(404, "PERSISTOR_NOT_APPOINTED", () -> readerClient.persistor(streamId));
    assertRefused(
        403,
        "NOT_PERMITTED",
        () -> strangerClient.appointPersistor(streamId, PersistorMode.CHECKPOINT, null));
    assertRefused(
        401,
        "UNAUTHENTICATED",
        () ->
            CairnClient.connect(node.api())
                .appointPersistor(streamId, PersistorMode.CHECKPOINT, null));
    assertRefused(
        400,
        "INVALID_PERSISTOR_SETTINGS",
        () ->
            ownerClient.appointPersistor(streamId, PersistorMode.CHECKPOINT, Duration.ofMillis(1)));
    PersistorStatus appointed =
        ownerClient.appointPersistor(streamId, PersistorMode.CHECKPOINT, Duration.ofMillis(200));
    assertEquals(service.value(), appointed.getServiceAddress());
    assertEquals(200, appointed.getIntervalMillis());

    List<Pair> published = pairs("blob/", 30);
    long timestamp = System.currentTimeMillis() - 10_000;
    for (int i = 0; i < 3; i++) {
      ownerClient.publish(
          pairEvent(owner, streamId, timestamp + i, key, published.subList(i * 10, i * 10 + 10)));
    }
    PersistorStatus status =
        PersistorCheckpoints.await(readerClient, streamId, 30, Duration.ofSeconds(30));
    assertEquals(30, status.getCount());

    // from nothing
    PairCatchUp catchUp =
        new PairCatchUp(readerClient, streamId, service, readerKeys.lookup(streamId));
    List<Pair> read = new ArrayList<>();
    catchUp.catchUp(status.getCheckpoint(), new PairAccumulator(), read::add);
    assertEquals(published, read);

    // from the middle: exactly the missing pairs, and the same root
    PairAccumulator held = new PairAccumulator();
    published.subList(0, 12).forEach(held::append);
    List<Pair> missing = new ArrayList<>();
    catchUp.catchUp(status.getCheckpoint(), held, missing::add);
    assertEquals(published.subList(12, 30), missing);
    assertEquals(status.getRoot(), held.rootHex());

    // pairs a subscriber claims to hold that are not the persistor's do not reach the root
    PairAccumulator wrong = new PairAccumulator();
    pairs("other/", 12).forEach(wrong::append);
    assertThrows(
        CheckpointRejectedException.class,
        () -> catchUp.catchUp(status.getCheckpoint(), wrong, pair -> {}));
    // a checkpoint is trusted only from the expected service address
    assertThrows(
        CheckpointRejectedException.class,
        () ->
            new PairCatchUp(
                    readerClient,
                    streamId,
                    PrivateKeySigner.generate().address(),
                    readerKeys.lookup(streamId))
                .catchUp(status.getCheckpoint(), new PairAccumulator(), pair -> {}));

    assertRefused(400, "INVALID_RANGE", () -> readerClient.pairPages(streamId, 31, null));
    assertRefused(400, "INVALID_RANGE", () -> readerClient.pairPages(streamId, 5, 31L));
    assertRefused(403, "NOT_PERMITTED", () -> strangerClient.persistor(streamId));
    assertRefused(403, "NOT_PERMITTED", () -> strangerClient.pairPages(streamId, 0, null));
    assertRefused(
        401, "UNAUTHENTICATED", () -> CairnClient.connect(node.api()).pairPages(streamId, 0, null));
    String unknown = owner.address() + "/never-created";
    assertRefused(404, "STREAM_NOT_FOUND", () -> readerClient.persistor(unknown));
    assertRefused(404, "STREAM_NOT_FOUND", () -> readerClient.pairPages(unknown, 0, null));
    try (InputStream empty = readerClient.pairPages(streamId, 30, null)) {
      assertEquals(-1, empty.read(), "nothing past the count");
    }
  }
}
