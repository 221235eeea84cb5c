package io.cairn.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.cairn.cluster.ClusterNodes;
import io.cairn.journal.JournalSettings;
import io.cairn.journal.TestDatabases;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.ContentMessage;
import io.cairn.protocol.api.v1.ContentType;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.event.EventSigner;
import io.cairn.protocol.event.EventVerifier;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.stream.Permission;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every refusal of a publish, in the order the checks run, on a real node; refused events are not
 * stored.
 */
public class PublisherTest {
  private static final StreamSettings SETTINGS =
      new StreamSettings(
          100,
          4096,
          100,
          Duration.ofSeconds(10),
          1024,
          Duration.ofMillis(1),
          10_000,
          10000,
          Duration.ofSeconds(60));
  private static final PrivateKeySigner OWNER = PrivateKeySigner.generate();
  private static final PrivateKeySigner STRANGER = PrivateKeySigner.generate();
  private static final String STREAM = OWNER.address() + "/publishing";

  @TempDir static Path journalDir;
  private static ClusterNodes cluster;
  private static ActorTestKit node;
  private static StreamModule module;
  private static Publisher publisher;

  @BeforeAll
  static void start() throws Exception {
    JournalSettings journal = TestDatabases.h2(journalDir);
    cluster = ClusterNodes.start(1, journal);
    node = cluster.node(0);
    module = StreamModule.init(node.system(), SETTINGS, EventVerifier.standard());
    module.streams().create(STREAM, OWNER.address(), "", 2).toCompletableFuture().join();
    publisher = module.publisher();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  public static StreamMessage event(
      PrivateKeySigner signer, String stream, int partition, long timestamp, String content) {
    return event(signer, stream, partition, timestamp, content, null);
  }

  /** A JSON event of chain "chain"; {@code previous} (may be null) is the chain's last event. */
  public static StreamMessage event(
      PrivateKeySigner signer,
      String stream,
      int partition,
      long timestamp,
      String content,
      StreamMessage previous) {
    StreamMessage.Builder builder = StreamMessage.newBuilder();
    builder
        .getMessageIdBuilder()
        .setStreamId(stream)
        .setStreamPartition(partition)
        .setTimestamp(timestamp)
        .setMessageChainId("chain");
    if (previous != null) {
      builder
          .getPreviousMessageRefBuilder()
          .setTimestamp(previous.getMessageId().getTimestamp())
          .setSequenceNumber(previous.getMessageId().getSequenceNumber());
    }
    return new EventSigner(signer)
        .sign(
            builder
                .setContentMessage(
                    ContentMessage.newBuilder()
                        .setContent(ByteString.copyFromUtf8(content))
                        .setContentType(ContentType.JSON))
                .build());
  }

  private static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  private static void assertRefused(ErrorCode code, StreamMessage message) {
    CompletionException refused =
        assertThrows(CompletionException.class, () -> await(publisher.publish(message)));
    assertEquals(
        code,
        assertInstanceOf(Rejection.class, refused.getCause()).code(),
        refused.getCause().getMessage());
  }

  private static long stored(int partition) {
    JdbcReadJournal journal =
        PersistenceQuery.get(node.system())
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    return await(
            journal
                .currentEventsByPersistenceId(
                    "StreamPartition|" + StreamPartition.entityId(STREAM, partition),
                    0,
                    Long.MAX_VALUE)
                .runWith(Sink.seq(), node.system()))
        .size();
  }

  @Test
  void eachCheckRefusesWithItsOwnCode() {
    long now = System.currentTimeMillis();
    assertRefused(
        ErrorCode.STREAM_NOT_FOUND, event(OWNER, OWNER.address() + "/missing", 0, now, "{}"));
    assertRefused(ErrorCode.PARTITION_OUT_OF_RANGE, event(OWNER, STREAM, 2, now, "{}"));
    assertRefused(
        ErrorCode.CONTENT_TOO_LARGE, event(OWNER, STREAM, 0, now, "\"" + "x".repeat(1100) + "\""));

    StreamMessage good = event(OWNER, STREAM, 0, now, "{\"t\": 21.5}");
    byte[] signature = good.getSignature().toByteArray();
    signature[64] = 30; // v must be 27 or 28
    assertRefused(
        ErrorCode.INVALID_SIGNATURE,
        good.toBuilder().setSignature(ByteString.copyFrom(signature)).build());
    assertRefused(
        ErrorCode.PUBLISHER_MISMATCH,
        good.toBuilder()
            .setContentMessage(
                good.getContentMessage().toBuilder()
                    .setContent(ByteString.copyFromUtf8("{\"t\": 99}")))
            .build());
    assertRefused(ErrorCode.INVALID_EVENT, event(OWNER, STREAM, 0, 700_000_002_000L, "{}"));
    assertRefused(
        ErrorCode.NOT_PERMITTED, event(PrivateKeySigner.generate(), STREAM, 0, now, "{}"));
    assertEquals(0, stored(0), "nothing refused was stored");

    StreamPartition.Ack ack = await(publisher.publish(good));
    assertEquals(1, ack.sequenceNr());
    assertFalse(ack.duplicate());
    StreamPartition.Ack again = await(publisher.publish(good));
    assertEquals(true, again.duplicate());
    assertEquals(1, stored(0));
  }

  @Test
  void aStoredEventReachesSubscribersAsPublished() {
    await(
        module
            .streams()
            .grant(STREAM, OWNER.address(), Grantee.of(STRANGER.address()), Permission.PUBLISH));
    TestProbe<PartitionTopics.Delivery> subscriber = node.createTestProbe();
    PartitionTopics.get(node.system())
        .subscribe(StreamPartition.entityId(STREAM, 1), subscriber.ref());
    StreamMessage event = event(STRANGER, STREAM, 1, System.currentTimeMillis(), "\"hello\"");
    // the grant reaches publishing once the node's cached stream state has expired
    subscriber.awaitAssert(Duration.ofSeconds(5), () -> await(publisher.publish(event)));
    PartitionTopics.Delivery delivery = subscriber.receiveMessage(Duration.ofSeconds(5));
    assertEquals(1, delivery.messages().size());
    assertArrayEquals(event.toByteArray(), delivery.messages().get(0));
    // then, the partition being quiet, the announcement of its last event for whoever missed a
    // delivery
    assertEquals(
        PartitionTopics.Delivery.head(
            StreamPartition.entityId(STREAM, 1), delivery.lastSequenceNr()),
        subscriber.receiveMessage(StreamPartition.ANNOUNCE_HEAD_AFTER.plusSeconds(5)));
    subscriber.expectNoMessage(StreamPartition.ANNOUNCE_HEAD_AFTER.plusMillis(500));
  }
}
