package io.cairn.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StreamPartitionTest {
  private static final ActorTestKit testKit = ActorTestKit.create(
      EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final String CHAIN = StreamTest.ALICE + "|chain-1";

  private EventSourcedBehaviorTestKit<StreamPartition.Command, StreamPartition.Event, StreamPartition.State> partition;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void fresh() {
    partition = EventSourcedBehaviorTestKit.create(testKit.system(),
        StreamPartition.create(StreamTest.STREAM_ID + "#0", StreamTest.SETTINGS),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  private static StreamPartition.Position at(long timestamp, int sequence) {
    return new StreamPartition.Position(timestamp, sequence);
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<StreamPartition.Command, StreamPartition.Event,
      StreamPartition.State, StatusReply<StreamPartition.Ack>> publish(
      StreamPartition.Position position, Optional<StreamPartition.Position> previous) {
    byte[] message = ("event " + position).getBytes(StandardCharsets.UTF_8);
    return partition.runCommand(replyTo -> new StreamPartition.Publish(message, CHAIN, position, previous, replyTo));
  }

  @Test
  void eventsOfAChainAreStoredInOrder() {
    var first = publish(at(1000, 0), Optional.empty());
    assertEquals(1, first.reply().getValue().sequenceNr());
    var second = publish(at(1001, 0), Optional.of(at(1000, 0)));
    assertEquals(2, second.reply().getValue().sequenceNr());
    assertEquals(Optional.empty(), second.eventOfType(StreamPartition.Stored.class).gap());
  }

  @Test
  void anEventSentAgainIsAcknowledgedButNotStoredTwice() {
    publish(at(1000, 0), Optional.empty());
    publish(at(1000, 1), Optional.of(at(1000, 0)));
    publish(at(1001, 0), Optional.of(at(1000, 1)));
    for (StreamPartition.Position again : new StreamPartition.Position[] {at(1001, 0), at(1000, 0)}) {
      var result = publish(again, Optional.empty());
      assertTrue(result.reply().getValue().duplicate());
      assertTrue(result.hasNoEvents());
    }
  }

  @Test
  void anEventOlderThanTheHeadIsRefused() {
    publish(at(1000, 0), Optional.empty());
    publish(at(1002, 0), Optional.of(at(1000, 0)));
    var older = publish(at(1001, 0), Optional.of(at(1000, 0)));
    assertEquals(ErrorCode.OUT_OF_ORDER, assertInstanceOf(Rejection.class, older.reply().getError()).code());
    assertTrue(older.hasNoEvents());
  }

  @Test
  void aGapIsStoredWithTheMissingRange() {
    publish(at(1000, 0), Optional.empty());
    var afterGap = publish(at(1005, 0), Optional.of(at(1004, 0)));
    assertTrue(afterGap.reply().getValue().gap());
    assertEquals(Optional.of(new StreamPartition.Gap(Optional.of(at(1000, 0)), at(1004, 0))),
        afterGap.eventOfType(StreamPartition.Stored.class).gap());
  }

  @Test
  void chainsAreIndependentAndSurviveRecovery() {
    publish(at(1000, 0), Optional.empty());
    var other = partition.<StatusReply<StreamPartition.Ack>>runCommand(replyTo -> new StreamPartition.Publish(
        new byte[] {1}, StreamTest.OWNER + "|c", at(10, 0), Optional.empty(), replyTo));
    assertEquals(2, other.reply().getValue().sequenceNr());
    partition.restart();
    assertTrue(publish(at(1000, 0), Optional.empty()).reply().getValue().duplicate());
    var head = partition.<StatusReply<StreamPartition.Head>>runCommand(StreamPartition.GetHead::new);
    assertEquals(2, head.reply().getValue().lastSequenceNr());
  }
}
