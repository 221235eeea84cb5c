package io.cairn.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.cairn.journal.JournalSchema;
import io.cairn.journal.JournalSettings;
import io.cairn.protocol.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The StreamPartition entity on a real JDBC journal: events written, the node stopped, the
 * partition recovered (from a snapshot of its chain windows too) and its events read back as
 * stored. Each database runs the same suite through a subclass.
 */
abstract class StreamPartitionPersistenceSuite {
  private static final StreamSettings SETTINGS =
      new StreamSettings(
          100,
          4096,
          4,
          Duration.ofSeconds(5),
          1024 * 1024,
          Duration.ofSeconds(1),
          10_000,
          4,
          Duration.ofSeconds(60));
  private static final String CHAIN = StreamTest.ALICE + "|chain-1";
  private final String part =
      StreamPartition.entityId(StreamTest.OWNER + "/partition/" + UUID.randomUUID(), 0);
  private ActorTestKit node;
  private ActorRef<StreamPartition.Command> partition;

  protected abstract JournalSettings journal();

  private void startNode() {
    JournalSettings journal = journal();
    JournalSchema.ensure(journal);
    node = ActorTestKit.create("cairn", ConfigFactory.load(journal.overlay()));
    partition = node.spawn(StreamPartition.create(part, SETTINGS));
  }

  private void stopNode() {
    node.shutdownTestKit();
    node = null;
  }

  @AfterEach
  void stopLeftoverNode() {
    if (node != null) {
      stopNode();
    }
  }

  private static StreamPartition.Position at(long timestamp) {
    return new StreamPartition.Position(timestamp, 0);
  }

  private static byte[] message(long timestamp) {
    return ("event " + timestamp).getBytes(StandardCharsets.UTF_8);
  }

  private static StreamPartition.Incoming event(long timestamp, Optional<Long> previous) {
    return new StreamPartition.Incoming(
        message(timestamp),
        CHAIN,
        at(timestamp),
        previous.map(StreamPartitionPersistenceSuite::at));
  }

  private <T> T ask(Function<ActorRef<StatusReply<T>>, StreamPartition.Command> command) {
    var probe = node.<StatusReply<T>>createTestProbe();
    partition.tell(command.apply(probe.ref()));
    StatusReply<T> reply = probe.receiveMessage(Duration.ofSeconds(15));
    assertTrue(reply.isSuccess(), () -> "expected success, got " + reply);
    return reply.getValue();
  }

  private List<StreamPartition.Outcome> publish(StreamPartition.Incoming... events) {
    return this.<StreamPartition.Outcomes>ask(
            replyTo -> new StreamPartition.PublishBatch(List.of(events), replyTo))
        .outcomes();
  }

  private long head() {
    return this.<StreamPartition.Head>ask(StreamPartition.GetHead::new).lastSequenceNr();
  }

  /** The partition's events as the journal holds them, as resends read them. */
  private List<Resends.Resent> stored() {
    return PersistenceQuery.get(node.system())
        .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier())
        .currentEventsByPersistenceId("StreamPartition|" + part, 0, Long.MAX_VALUE)
        .map(
            envelope ->
                new Resends.Resent(
                    envelope.sequenceNr(), (StreamPartition.Stored) envelope.event()))
        .runWith(Sink.seq(), node.system())
        .toCompletableFuture()
        .join();
  }

  @Test
  void eventsStoredBeforeAStopAreRecognisedAndReadBackAsStored() {
    startNode();
    List<StreamPartition.Outcome> outcomes =
        publish(event(1000, Optional.empty()), event(1001, Optional.of(1000L)));
    assertEquals(2, outcomes.get(1).ack().orElseThrow().sequenceNr());
    // a gap: 1002 never came
    assertTrue(publish(event(1003, Optional.of(1002L))).get(0).ack().orElseThrow().gap());
    stopNode();

    startNode();
    assertEquals(3, head());
    StreamPartition.Ack again = publish(event(1001, Optional.of(1000L))).get(0).ack().orElseThrow();
    assertTrue(again.duplicate(), "recognised after recovery: " + again);
    assertEquals(
        ErrorCode.OUT_OF_ORDER,
        publish(event(1002, Optional.of(1001L))).get(0).refused().orElseThrow().code());
    assertEquals(
        4, publish(event(1004, Optional.of(1003L))).get(0).ack().orElseThrow().sequenceNr());

    List<Resends.Resent> stored = stored();
    assertEquals(List.of(1L, 2L, 3L, 4L), stored.stream().map(Resends.Resent::sequenceNr).toList());
    long[] timestamps = {1000, 1001, 1003, 1004};
    for (int i = 0; i < timestamps.length; i++) {
      assertArrayEquals(message(timestamps[i]), stored.get(i).stored().message(), "event " + i);
      assertEquals(at(timestamps[i]), stored.get(i).stored().position());
    }
    assertEquals(
        Optional.of(new StreamPartition.Gap(Optional.of(at(1001)), at(1002))),
        stored.get(2).stored().gap(),
        "the gap is stored with the event after it");
  }

  @Test
  void recoveryStartsFromTheLatestSnapshot() throws SQLException {
    startNode();
    List<StreamPartition.Incoming> chain = new ArrayList<>();
    for (long timestamp = 2000; timestamp < 2006; timestamp++) {
      chain.add(
          event(timestamp, timestamp == 2000 ? Optional.empty() : Optional.of(timestamp - 1)));
    }
    // one write each: a snapshot of the chain windows every 4 events, taken at 4
    chain.forEach(this::publish);
    stopNode();

    assertEquals(4, latestSnapshot());
    assertEquals(4, deleteEventsUpTo(4));

    startNode();
    assertEquals(6, head());
    // only the snapshot still knows the first events
    assertTrue(publish(chain.get(1)).get(0).ack().orElseThrow().duplicate());
    assertEquals(
        7,
        publish(event(2006, Optional.of(2005L))).get(0).ack().orElseThrow().sequenceNr(),
        "numbered on after the snapshot and the events after it");
  }

  private Connection connect() throws SQLException {
    JournalSettings journal = journal();
    return DriverManager.getConnection(journal.url(), journal.user(), journal.password());
  }

  private long latestSnapshot() throws SQLException {
    try (Connection connection = connect();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT MAX(\"sequence_number\") FROM \"snapshot\" WHERE \"persistence_id\" = ?")) {
      query.setString(1, "StreamPartition|" + part);
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private int deleteEventsUpTo(long sequenceNumber) throws SQLException {
    try (Connection connection = connect();
        PreparedStatement delete =
            connection.prepareStatement(
                "DELETE FROM \"event_journal\" WHERE \"persistence_id\" = ? AND \"sequence_number\" <= ?")) {
      delete.setString(1, "StreamPartition|" + part);
      delete.setLong(2, sequenceNumber);
      return delete.executeUpdate();
    }
  }
}
