package io.cairn.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.cairn.protocol.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StreamPartitionTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final String CHAIN = StreamTest.ALICE + "|chain-1";

  private EventSourcedBehaviorTestKit<
          StreamPartition.Command, StreamPartition.Event, StreamPartition.State>
      partition;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void fresh() {
    partition =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            StreamPartition.create(StreamTest.STREAM_ID + "#0", StreamTest.SETTINGS),
            EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  private static StreamPartition.Position at(long timestamp, int sequence) {
    return new StreamPartition.Position(timestamp, sequence);
  }

  private record Result(StreamPartition.Outcome outcome, List<StreamPartition.Event> events) {
    StreamPartition.Ack ack() {
      return outcome
          .ack()
          .orElseThrow(() -> new AssertionError("refused: " + outcome.refused().orElseThrow()));
    }
  }

  private Result publish(
      StreamPartition.Position position, Optional<StreamPartition.Position> previous) {
    return publish(CHAIN, position, previous);
  }

  private Result publish(
      String chain,
      StreamPartition.Position position,
      Optional<StreamPartition.Position> previous) {
    byte[] message = ("event " + position).getBytes(StandardCharsets.UTF_8);
    var result =
        partition.<StatusReply<StreamPartition.Outcomes>>runCommand(
            replyTo ->
                new StreamPartition.PublishBatch(
                    List.of(new StreamPartition.Incoming(message, chain, position, previous)),
                    replyTo));
    return new Result(result.reply().getValue().outcomes().get(0), result.events());
  }

  @Test
  void eventsOfAChainAreStoredInOrder() {
    assertEquals(1, publish(at(1000, 0), Optional.empty()).ack().sequenceNr());
    Result second = publish(at(1001, 0), Optional.of(at(1000, 0)));
    assertEquals(2, second.ack().sequenceNr());
    assertEquals(Optional.empty(), ((StreamPartition.Stored) second.events().get(0)).gap());
  }

  @Test
  void anEventSentAgainIsAcknowledgedButNotStoredTwice() {
    publish(at(1000, 0), Optional.empty());
    publish(at(1000, 1), Optional.of(at(1000, 0)));
    publish(at(1001, 0), Optional.of(at(1000, 1)));
    for (StreamPartition.Position again :
        new StreamPartition.Position[] {at(1001, 0), at(1000, 0)}) {
      Result result = publish(again, Optional.empty());
      assertTrue(result.ack().duplicate());
      assertTrue(result.events().isEmpty());
    }
  }

  @Test
  void anEventOlderThanTheHeadIsRefused() {
    publish(at(1000, 0), Optional.empty());
    publish(at(1002, 0), Optional.of(at(1000, 0)));
    Result older = publish(at(1001, 0), Optional.of(at(1000, 0)));
    assertEquals(ErrorCode.OUT_OF_ORDER, older.outcome().refused().orElseThrow().code());
    assertTrue(older.events().isEmpty());
  }

  @Test
  void aGapIsStoredWithTheMissingRange() {
    publish(at(1000, 0), Optional.empty());
    Result afterGap = publish(at(1005, 0), Optional.of(at(1004, 0)));
    assertTrue(afterGap.ack().gap());
    assertEquals(
        Optional.of(new StreamPartition.Gap(Optional.of(at(1000, 0)), at(1004, 0))),
        ((StreamPartition.Stored) afterGap.events().get(0)).gap());
  }

  @Test
  void chainsAreIndependentAndSurviveRecovery() {
    publish(at(1000, 0), Optional.empty());
    assertEquals(
        2, publish(StreamTest.OWNER + "|c", at(10, 0), Optional.empty()).ack().sequenceNr());
    partition.restart();
    assertTrue(publish(at(1000, 0), Optional.empty()).ack().duplicate());
    var head =
        partition.<StatusReply<StreamPartition.Head>>runCommand(StreamPartition.GetHead::new);
    assertEquals(2, head.reply().getValue().lastSequenceNr());
  }

  @Test
  void aBatchIsStoredInOneWriteWithAnOutcomePerEvent() {
    publish(at(1000, 0), Optional.empty());
    List<StreamPartition.Incoming> batch =
        List.of(
            new StreamPartition.Incoming(
                new byte[] {1}, CHAIN, at(1001, 0), Optional.of(at(1000, 0))),
            new StreamPartition.Incoming(new byte[] {2}, CHAIN, at(1000, 0), Optional.empty()),
            new StreamPartition.Incoming(new byte[] {3}, CHAIN, at(999, 0), Optional.empty()),
            new StreamPartition.Incoming(
                new byte[] {4}, CHAIN, at(1002, 0), Optional.of(at(1001, 0))));
    var result =
        partition.<StatusReply<StreamPartition.Outcomes>>runCommand(
            replyTo -> new StreamPartition.PublishBatch(batch, replyTo));
    List<StreamPartition.Outcome> outcomes = result.reply().getValue().outcomes();
    assertEquals(2, outcomes.get(0).ack().orElseThrow().sequenceNr());
    assertTrue(outcomes.get(1).ack().orElseThrow().duplicate());
    assertEquals(ErrorCode.OUT_OF_ORDER, outcomes.get(2).refused().orElseThrow().code());
    assertEquals(3, outcomes.get(3).ack().orElseThrow().sequenceNr());
    assertEquals(2, result.events().size(), "the two new events, persisted together");
  }

  @Test
  void theWindowOfRecentPositionsSlidesAndIsRestoredFromASnapshot() {
    int stored = StreamPartition.RECENT_POSITIONS + 44;
    List<StreamPartition.Incoming> batch = new java.util.ArrayList<>();
    for (int i = 0; i < stored; i++) {
      batch.add(
          new StreamPartition.Incoming(
              new byte[] {(byte) i},
              CHAIN,
              at(2000 + i, 0),
              i == 0 ? Optional.empty() : Optional.of(at(2000 + i - 1, 0))));
    }
    partition.<StatusReply<StreamPartition.Outcomes>>runCommand(
        replyTo -> new StreamPartition.PublishBatch(batch, replyTo));
    // more events than snapshot-every (100): recovery starts from a snapshot of the window
    partition.restart();
    int oldestRecent = stored - StreamPartition.RECENT_POSITIONS;
    assertTrue(publish(at(2000 + oldestRecent, 0), Optional.empty()).ack().duplicate());
    assertEquals(
        ErrorCode.OUT_OF_ORDER,
        publish(at(2000 + oldestRecent - 1, 0), Optional.empty())
            .outcome()
            .refused()
            .orElseThrow()
            .code());
    assertEquals(
        stored + 1,
        publish(at(2000 + stored, 0), Optional.of(at(2000 + stored - 1, 0))).ack().sequenceNr());
  }

  @Test
  void theEventThatFillsAnIndexPageCarriesTheLowestAndHighestPositionsOfItsPage() {
    String late = StreamTest.ALICE + "|late";
    List<StreamPartition.Event> events = new java.util.ArrayList<>();
    // two chains whose clocks are 100 s apart, in turns; the first page is filled across a
    // restart, which recovers from a snapshot (taken every 100 events) of the page's bounds
    for (int i = 0; i < PartitionIndex.EVENTS_PER_PAGE + 10; i++) {
      if (i == 150) {
        partition.restart();
      }
      int n = i / 2;
      Optional<StreamPartition.Position> previous =
          n == 0
              ? Optional.empty()
              : Optional.of(at(i % 2 == 0 ? 1000 + n - 1 : 101_000 + n - 1, 0));
      events.addAll(
          i % 2 == 0
              ? publish(CHAIN, at(1000 + n, 0), previous).events()
              : publish(late, at(101_000 + n, 0), previous).events());
    }
    int filling = PartitionIndex.EVENTS_PER_PAGE - 1;
    for (int i = 0; i < events.size(); i++) {
      Optional<PartitionIndex.Page> fills = ((StreamPartition.Stored) events.get(i)).fills();
      assertEquals(
          i == filling
              ? Optional.of(
                  new PartitionIndex.Page(
                      1, new PartitionIndex.Bounds(at(1000, 0), at(101_000 + filling / 2, 0))))
              : Optional.empty(),
          fills,
          "event " + (i + 1));
    }
    assertEquals(
        Optional.of(
            new PartitionIndex.Bounds(
                at(1000 + (filling + 1) / 2, 0), at(101_000 + (events.size() - 1) / 2, 0))),
        partition.getState().page(),
        "the second page is being filled");
  }
}
