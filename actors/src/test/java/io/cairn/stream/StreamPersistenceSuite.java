package io.cairn.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.cairn.journal.JournalSchema;
import io.cairn.journal.JournalSettings;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.stream.Permission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Stream entity on a real JDBC journal: written, stopped, recovered. Each database runs the
 * same suite through a subclass.
 */
abstract class StreamPersistenceSuite {
  private static final EthereumAddress OWNER = StreamTest.OWNER;
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
  private final String streamId = OWNER + "/persistence/" + UUID.randomUUID();
  private ActorTestKit node;

  protected abstract JournalSettings journal();

  private ActorTestKit startNode() {
    JournalSettings journal = journal();
    JournalSchema.ensure(journal);
    node = ActorTestKit.create("cairn", ConfigFactory.load(journal.overlay()));
    return node;
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

  private StatusReply<Stream.State> ask(
      Function<ActorRef<StatusReply<Stream.State>>, Stream.Command> command) {
    var probe = node.<StatusReply<Stream.State>>createTestProbe();
    node.spawn(Stream.create(streamId, SETTINGS)).tell(command.apply(probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(15));
  }

  private Stream.State succeed(
      Function<ActorRef<StatusReply<Stream.State>>, Stream.Command> command) {
    StatusReply<Stream.State> reply = ask(command);
    assertTrue(reply.isSuccess(), () -> "expected success, got " + reply);
    return reply.getValue();
  }

  private void assertRejected(
      ErrorCode code, Function<ActorRef<StatusReply<Stream.State>>, Stream.Command> command) {
    StatusReply<Stream.State> reply = ask(command);
    assertTrue(reply.isError(), () -> "expected " + code + ", got " + reply);
    assertEquals(code, assertInstanceOf(Rejection.class, reply.getError()).code());
  }

  private List<EventEnvelope> storedEvents() {
    JdbcReadJournal journal =
        PersistenceQuery.get(node.system())
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    return journal
        .currentEventsByPersistenceId("Stream|" + streamId, 0, Long.MAX_VALUE)
        .runWith(Sink.seq(), node.system())
        .toCompletableFuture()
        .join();
  }

  private static EthereumAddress address(int n) {
    return new EthereumAddress(String.format("0x%040x", n));
  }

  @Test
  void eventsWrittenBeforeAStopAreRecovered() {
    startNode();
    succeed(reply -> new Stream.Create(OWNER, "weather", 2, reply));
    succeed(
        reply ->
            new Stream.Grant(
                OWNER, Grantee.of(address(1)), Permission.PUBLISH, Optional.empty(), reply));
    succeed(
        reply ->
            new Stream.Grant(
                OWNER, Grantee.EVERYONE, Permission.SUBSCRIBE, Optional.empty(), reply));
    Stream.State written = succeed(reply -> new Stream.Update(OWNER, "weather, hourly", 3, reply));
    stopNode();

    startNode();
    assertEquals(written, succeed(Stream.Get::new));
    assertEquals(4, storedEvents().size());
  }

  @Test
  void recoveryStartsFromTheLatestSnapshot() throws SQLException {
    startNode();
    succeed(reply -> new Stream.Create(OWNER, "snapshots", 1, reply));
    for (int i = 1; i <= 5; i++) {
      int n = i;
      succeed(
          reply ->
              new Stream.Grant(
                  OWNER, Grantee.of(address(n)), Permission.SUBSCRIBE, Optional.empty(), reply));
    }
    Stream.State written = succeed(Stream.Get::new);
    stopNode();

    // a snapshot every 4 events was taken at sequence number 4; without the events it covers,
    // only the snapshot plus events 5 and 6 can rebuild the state
    assertEquals(4, latestSnapshot());
    assertEquals(4, deleteEventsUpTo(4));

    startNode();
    assertEquals(written, succeed(Stream.Get::new));
    assertEquals(2, storedEvents().size());
  }

  @Test
  void rejectedCommandsLeaveNoEvent() {
    startNode();
    succeed(reply -> new Stream.Create(OWNER, "strict", 2, reply));
    assertRejected(ErrorCode.STREAM_EXISTS, reply -> new Stream.Create(OWNER, "again", 2, reply));
    assertRejected(
        ErrorCode.INVALID_PARTITIONS, reply -> new Stream.Update(OWNER, "none", 0, reply));
    assertRejected(
        ErrorCode.INVALID_PARTITIONS, reply -> new Stream.Update(OWNER, "fewer", 1, reply));
    assertRejected(
        ErrorCode.NOT_PERMITTED,
        reply ->
            new Stream.Grant(
                address(7), Grantee.of(address(7)), Permission.GRANT, Optional.empty(), reply));
    assertRejected(
        ErrorCode.INVALID_PERMISSION,
        reply ->
            new Stream.Grant(OWNER, Grantee.EVERYONE, Permission.DELETE, Optional.empty(), reply));
    assertRejected(ErrorCode.NOT_PERMITTED, reply -> new Stream.Delete(address(7), reply));
    assertEquals(1, storedEvents().size());
    stopNode();

    startNode();
    assertEquals(1, storedEvents().size());
    assertEquals("strict", succeed(Stream.Get::new).description());
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
      query.setString(1, "Stream|" + streamId);
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
      delete.setString(1, "Stream|" + streamId);
      delete.setLong(2, sequenceNumber);
      return delete.executeUpdate();
    }
  }
}
