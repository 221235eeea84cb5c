package io.cairn.projection;

import io.cairn.cluster.NodeRole;
import io.cairn.journal.JournalDatabase;
import io.cairn.journal.JournalSession;
import io.cairn.journal.JournalSettings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.Projection;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * The one way Cairn reacts to stored events: "on event X of entity A, do Y" is a projection over
 * A's {@link EventSlices tagged} events, its offset kept in the journal's database. Each projection
 * runs one instance per slice, spread over the nodes with a role by a sharded daemon process; when
 * a node goes, its instances start on another and go on from their stored offsets. A handler that
 * fails stops its instance, which restarts with backoff from its last stored offset, so a step that
 * cannot be done now is retried until it is done ({@code pekko.projection.restart-backoff}).
 *
 * <p>Pick by what the reaction does:
 *
 * <ul>
 *   <li>writes a table in the journal's database (a read model): {@link #exactlyOnce}, or {@link
 *       #grouped} when events come by the thousand; the rows and the offset are committed in one
 *       transaction, so each event is applied exactly once;
 *   <li>tells another entity: {@link #atLeastOnce}; a replayed event is told again, so the command
 *       must be idempotent, identified by the event (its persistence id and sequence number).
 * </ul>
 */
public final class Projections {
  /** Events of one slice applied in one transaction at most, and the longest they wait for it. */
  private static final int GROUP_SIZE = 1000;

  private static final Duration GROUP_WITHIN = Duration.ofMillis(500);

  private Projections() {}

  /** Each event applied to the journal's database in a transaction with the offset. */
  public static <E> void exactlyOnce(
      ActorSystem<?> system,
      String name,
      EventSlices slices,
      NodeRole role,
      Supplier<JdbcHandler<EventEnvelope<E>, JournalSession>> handler) {
    JournalDatabase database = JournalDatabase.get(system);
    run(
        system,
        name,
        slices,
        role,
        tag ->
            JdbcProjection.exactlyOnce(
                ProjectionId.of(name, tag),
                events(system, tag),
                database::session,
                handler,
                system));
  }

  /** Events applied in groups, each group in a transaction with the offset after it. */
  public static <E> void grouped(
      ActorSystem<?> system,
      String name,
      EventSlices slices,
      NodeRole role,
      Supplier<JdbcHandler<List<EventEnvelope<E>>, JournalSession>> handler) {
    JournalDatabase database = JournalDatabase.get(system);
    run(
        system,
        name,
        slices,
        role,
        tag ->
            JdbcProjection.groupedWithin(
                    ProjectionId.of(name, tag),
                    events(system, tag),
                    database::session,
                    handler,
                    system)
                .withGroup(GROUP_SIZE, GROUP_WITHIN));
  }

  /** Each event handed to {@code handler}, the offset stored after it succeeded. */
  public static <E> void atLeastOnce(
      ActorSystem<?> system,
      String name,
      EventSlices slices,
      NodeRole role,
      Supplier<Handler<EventEnvelope<E>>> handler) {
    JournalDatabase database = JournalDatabase.get(system);
    run(
        system,
        name,
        slices,
        role,
        tag ->
            JdbcProjection.atLeastOnceAsync(
                ProjectionId.of(name, tag),
                events(system, tag),
                database::session,
                handler,
                system));
  }

  private static <E> SourceProvider<Offset, EventEnvelope<E>> events(
      ActorSystem<?> system, String tag) {
    return EventSourcedProvider.eventsByTag(system, JournalSettings.READ_JOURNAL, tag);
  }

  private static void run(
      ActorSystem<?> system,
      String name,
      EventSlices slices,
      NodeRole role,
      Function<String, Projection<?>> projection) {
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            name,
            slices.count(),
            slice -> ProjectionBehavior.create(projection.apply(slices.tag(slice))),
            ShardedDaemonProcessSettings.create(system).withRole(role.label()),
            Optional.of(ProjectionBehavior.stopMessage()));
  }
}
