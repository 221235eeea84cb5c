package io.cairn.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.cluster.ClusterNodes;
import io.cairn.journal.JournalSettings;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.event.PrivateKeySigner;
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
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The read models projections keep from stream events, on a real journal: the partition index that
 * resends by position start from, and the stream directory that search reads. Each database runs
 * the same suite through a subclass.
 */
abstract class ReadModelSuite {
  private static final StreamSettings SETTINGS =
      new StreamSettings(
          100,
          4096,
          100,
          Duration.ofSeconds(30),
          1024 * 1024,
          Duration.ofSeconds(1),
          10_000,
          100,
          Duration.ofSeconds(60));
  private static final Duration CATCH_UP = Duration.ofSeconds(60);
  private static final StreamPartition.Position AFTER_ALL =
      new StreamPartition.Position(Long.MAX_VALUE, Integer.MAX_VALUE);

  /** Three publishers' chains whose clocks disagree, so positions and journal order differ. */
  private static final List<String> CHAINS =
      List.of(
          "0x" + "a1".repeat(20) + "|early",
          "0x" + "b2".repeat(20) + "|late",
          "0x" + "c3".repeat(20) + "|same-millisecond");

  private final EthereumAddress owner = PrivateKeySigner.generate().address();
  private final String partition = StreamPartition.entityId(owner + "/indexed", 0);
  private ClusterNodes cluster;
  private ActorSystem<?> system;
  private Resends resends;
  private PartitionIndex index;

  protected abstract JournalSettings journal();

  @BeforeEach
  void startNode() throws Exception {
    cluster = ClusterNodes.start(1, journal());
    system = cluster.node(0).system();
    Stream.init(system, SETTINGS);
    StreamPartition.init(system, SETTINGS);
    resends = new Resends(system, JdbcReadJournal.Identifier(), SETTINGS.askTimeout());
    index = new PartitionIndex(system);
  }

  @AfterEach
  void stopNode() {
    cluster.close();
  }

  @Test
  void resendsByPositionAnswerTheSameBeforeDuringAndAfterIndexingAndStartAtTheFirstMatch()
      throws Exception {
    store(0, 700);
    assertEquals(
        700 / PartitionIndex.EVENTS_PER_PAGE,
        taggedEvents(),
        "only the events that fill a page are tagged");
    assertResendsAsScanned("nothing indexed yet");

    PartitionIndex.start(system);
    awaitIndexed(512);
    assertResendsAsScanned("two pages indexed, the third being filled");
    // the "late" chain's 150th position is the 452nd event: the read starts at its page, the second
    StreamPartition.Position late150 = position(1, 150);
    Resends.Resent firstMatch = scan().stream().filter(at(late150)).findFirst().orElseThrow();
    assertEquals(452, firstMatch.sequenceNr());
    PartitionIndex.Span span = await(index.find(partition, late150, AFTER_ALL));
    assertEquals(new PartitionIndex.Span(257, 512, 513), span);

    store(700, 300);
    assertResendsAsScanned("the last events stored, perhaps not yet indexed");
    awaitIndexed(768);
    assertResendsAsScanned("three pages indexed");
    assertEquals(0, taggedEvents(), "indexed events leave their tags behind");
  }

  @Test
  void aPartitionWithEventsFromBeforeTheIndexIsReadFromItsStart() throws Exception {
    store(0, 600);
    PartitionIndex.start(system);
    awaitIndexed(512);
    // as a partition whose first page was filled before its events were tagged
    try (Connection connection = connect();
        PreparedStatement statement =
            connection.prepareStatement(
                "DELETE FROM \"partition_index_page\""
                    + " WHERE \"stream_partition\" = ? AND \"first_sequence_nr\" = 1")) {
      statement.setString(1, partition);
      assertEquals(1, statement.executeUpdate());
    }
    PartitionIndex.Span span = await(index.find(partition, position(1, 150), position(1, 152)));
    assertEquals(1, span.unindexedFrom());
    assertTrue(span.first() > span.last(), span.toString());
    assertResendsAsScanned("read whole");
  }

  @Test
  void searchReadsTheDirectoryOfLiveStreams() throws Exception {
    StreamDirectory.start(system);
    Streams streams = new Streams(system, SETTINGS);
    EthereumAddress other = PrivateKeySigner.generate().address();
    String weather = owner + "/weather";
    String traffic = owner + "/traffic";
    String percent = owner + "/sure";
    String elsewhere = other + "/weather";
    // other runs' streams share a PostgreSQL journal: a word of this run's finds only this run's
    String word = "t" + Long.toHexString(System.nanoTime());
    await(streams.create(weather, owner, "Hourly temperatures, " + word, 1));
    await(streams.create(traffic, owner, "cars per minute", 1));
    await(streams.create(percent, owner, "100%_sure", 1));
    await(streams.create(elsewhere, other, "temperatures too, " + word, 2));

    awaitSearch(
        () -> streams.search(Optional.of(owner), Optional.empty(), 100),
        List.of(percent, traffic, weather));
    assertEquals(
        List.of(weather),
        ids(await(streams.search(Optional.of(owner), Optional.of("TEMPERATURES"), 100))));
    assertEquals(
        List.of(percent),
        ids(await(streams.search(Optional.of(owner), Optional.of("0%_"), 100))),
        "LIKE's wildcards are searched for as the characters they are");
    assertEquals(
        List.of(percent, traffic),
        ids(await(streams.search(Optional.of(owner), Optional.of(" "), 2))),
        "a blank text is no text; max caps the answer");
    awaitSearch(
        () -> streams.search(Optional.empty(), Optional.of(word), 100),
        List.of(weather, elsewhere).stream().sorted().toList());
    assertEquals(
        2,
        await(streams.search(Optional.empty(), Optional.of(word), 100)).stream()
            .filter(found -> found.streamId().equals(elsewhere))
            .findFirst()
            .orElseThrow()
            .partitions(),
        "the answer is each stream's state");

    await(streams.update(traffic, owner, "bicycles per minute", 1));
    await(streams.delete(weather, owner));
    // each stream's events reach the table in order, different streams' independently
    awaitSearch(
        () -> streams.search(Optional.of(owner), Optional.empty(), 100), List.of(percent, traffic));
    awaitSearch(
        () -> streams.search(Optional.of(owner), Optional.of("bicycles"), 100), List.of(traffic));
  }

  /** Events {@code first..first+count-1} of a round robin over the three chains. */
  private void store(int first, int count) {
    List<StreamPartition.Incoming> batch = new ArrayList<>();
    for (int i = first; i < first + count; i++) {
      int chain = i % CHAINS.size();
      int n = i / CHAINS.size();
      batch.add(
          new StreamPartition.Incoming(
              ("event " + i).getBytes(StandardCharsets.UTF_8),
              CHAINS.get(chain),
              position(chain, n),
              n == 0 ? Optional.empty() : Optional.of(position(chain, n - 1))));
    }
    await(
        ClusterSharding.get(system)
            .entityRefFor(StreamPartition.ENTITY_KEY, partition)
            .<StreamPartition.Outcomes>askWithStatus(
                replyTo -> new StreamPartition.PublishBatch(batch, replyTo),
                SETTINGS.askTimeout()));
  }

  /**
   * The {@code n}-th position of a chain: the "early" chain's clock runs 100 s behind the "late"
   * one's, the third chain numbers many events within one millisecond.
   */
  private static StreamPartition.Position position(int chain, int n) {
    return switch (chain) {
      case 0 -> new StreamPartition.Position(1_000_000L + n * 10L, 0);
      case 1 -> new StreamPartition.Position(1_100_000L + n * 10L, 0);
      default -> new StreamPartition.Position(1_000_500L + n / 50, n % 50);
    };
  }

  /** {@code from} and {@code range} queries give what filtering every stored event gives. */
  private void assertResendsAsScanned(String when) {
    List<Resends.Resent> all = scan();
    List<StreamPartition.Position> positions =
        List.of(
            new StreamPartition.Position(0, 0),
            position(0, 0),
            position(0, 37),
            position(2, 10),
            position(2, 49),
            position(1, 5),
            position(1, 99),
            position(1, 150),
            position(0, 300),
            position(1, 10_000));
    List<Resends.Filter> filters =
        List.of(
            Resends.Filter.ALL,
            new Resends.Filter(Optional.of("0x" + "B2".repeat(20)), Optional.empty()),
            new Resends.Filter(Optional.empty(), Optional.of("same-millisecond")));
    for (StreamPartition.Position from : positions) {
      for (Resends.Filter filter : filters) {
        assertEquals(
            all.stream().filter(at(from)).filter(e -> filter.test(e.stored())).toList(),
            run(resends.from(partition, from, filter)),
            when + ": from " + from + " " + filter);
        for (StreamPartition.Position to : positions) {
          assertEquals(
              all.stream()
                  .filter(at(from))
                  .filter(e -> e.stored().position().compareTo(to) <= 0)
                  .filter(e -> filter.test(e.stored()))
                  .toList(),
              run(resends.range(partition, from, to, filter)),
              when + ": from " + from + " to " + to + " " + filter);
        }
      }
    }
  }

  private static Predicate<Resends.Resent> at(StreamPartition.Position from) {
    return event -> event.stored().position().compareTo(from) >= 0;
  }

  /** How many of the partition's events have a tag row. */
  private long taggedEvents() throws SQLException {
    try (Connection connection = connect();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT COUNT(*) FROM \"event_tag\" t JOIN \"event_journal\" j"
                    + " ON t.\"event_id\" = j.\"ordering\" WHERE j.\"persistence_id\" = ?")) {
      statement.setString(1, StreamPartition.ENTITY_KEY.name() + "|" + partition);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private List<Resends.Resent> scan() {
    return run(resends.after(partition, 0));
  }

  private void awaitIndexed(long events) {
    cluster
        .node(0)
        .createTestProbe()
        .awaitAssert(
            CATCH_UP,
            () -> {
              assertEquals(events, (long) await(index.indexedTo(partition)));
              return null;
            });
  }

  private void awaitSearch(Supplier<CompletionStage<List<Stream.State>>> search, List<String> ids) {
    cluster
        .node(0)
        .createTestProbe()
        .awaitAssert(
            CATCH_UP,
            () -> {
              assertEquals(ids, ids(await(search.get())));
              return null;
            });
  }

  private static List<String> ids(List<Stream.State> streams) {
    return streams.stream().map(Stream.State::streamId).toList();
  }

  private List<Resends.Resent> run(Source<Resends.Resent, NotUsed> source) {
    return await(source.runWith(Sink.seq(), system));
  }

  private Connection connect() throws SQLException {
    JournalSettings journal = journal();
    return DriverManager.getConnection(journal.url(), journal.user(), journal.password());
  }

  private static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }
}
