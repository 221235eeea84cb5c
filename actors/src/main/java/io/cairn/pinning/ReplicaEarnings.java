package io.cairn.pinning;

import io.cairn.cluster.NodeRole;
import io.cairn.journal.JournalSession;
import io.cairn.projection.Projections;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.ledger.Bytes32;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * What each replica has earned, worked out from its events (PINNING.md 3.7): an exactly-once
 * projection over {@link PinnedReplica} events that counts each replica's rounds per earning period
 * ({@code cairn.pinning.economy.period}, from its acceptance) and, as each period ends, writes what
 * is owed into {@code pin_settlements} in the same transaction as its offset; {@link Settlements}
 * then pays it through the ledger. Nothing here calls the ledger, so a replayed event writes
 * nothing twice and a crash loses nothing.
 *
 * <p>A period is earned when at least one round passed in it, none failed and at most one missed
 * deadline was asked again; a period with a fault, or with no round at all, earns nothing. A period
 * closes when the replica's first event after its end arrives (an ACTIVE replica is asked about
 * every hour), and the last one, cut short, when the replica is retired: it earns its share of a
 * period. A witness is owed its fee when the seal it confirmed is accepted. When the last replica
 * of an ended job is retired, the job's escrow is closed, which refunds what was not spent.
 */
public final class ReplicaEarnings {
  static final String PROJECTION = "pin-replica-earnings";

  /** A share of a period in millionths: a whole period is this much. */
  static final int WHOLE = 1_000_000;

  /** What a slash for a repair costs, in periods' price: the new witness's fee and a seal's. */
  static final int REPAIR_PERIODS = 2;

  /** The extra periods an invalid proof costs: k = 8 indices, as PINNING.md 3.7 puts it. */
  static final int INVALID_PROOF_PENALTY_PERIODS = 8;

  private ReplicaEarnings() {}

  /** What is owed: a replica's period, a witness's seal fee, or the close of a job's escrow. */
  enum Kind {
    PERIOD,
    SEAL,
    CLOSE,
    /** The hoster's held earnings and stake, up to the repair's cost, into the repair fund. */
    SLASH
  }

  /**
   * A replica's counts in its current period. {@code acceptedAt} is empty until its seal is
   * accepted; periods are counted from it.
   */
  record Row(
      String replica,
      Bytes32 jobId,
      int slot,
      EthereumAddress hoster,
      EthereumAddress witness,
      Optional<Instant> acceptedAt,
      long periodNo,
      int passed,
      int misses,
      boolean failed,
      boolean closed) {

    static Row started(String replica, ReplicaAssignment assignment) {
      return new Row(
          replica,
          assignment.jobId(),
          assignment.slot(),
          assignment.hoster(),
          assignment.encoder(),
          Optional.empty(),
          0,
          0,
          0,
          false,
          false);
    }

    Row counting(long newPeriodNo, int newPassed, int newMisses, boolean newFailed) {
      return new Row(
          replica,
          jobId,
          slot,
          hoster,
          witness,
          acceptedAt,
          newPeriodNo,
          newPassed,
          newMisses,
          newFailed,
          closed);
    }

    /** Whether the period as counted so far is earned. */
    boolean earned() {
      return passed > 0 && !failed && misses <= 1;
    }
  }

  /**
   * One line owed, before it is priced: {@code fractionPpm} of a period's price to {@code payee}.
   */
  record Due(
      Bytes32 settlementId,
      Bytes32 jobId,
      int slot,
      Kind kind,
      long periodNo,
      int fractionPpm,
      EthereumAddress payee,
      boolean earned,
      Instant at) {}

  /** The row after {@code event}, and what became owed by it. */
  record Step(Row row, List<Due> owed) {}

  /** How {@code event} at the replica changes its counts; a pure function, tested on its own. */
  static Step apply(Row row, PinnedReplica.Event event, Duration period) {
    List<Due> owed = new ArrayList<>();
    if (row.closed()) {
      return new Step(row, owed);
    }
    if (event instanceof PinnedReplica.Accepted accepted) {
      Row counted =
          new Row(
              row.replica(),
              row.jobId(),
              row.slot(),
              row.hoster(),
              row.witness(),
              Optional.of(accepted.at()),
              0,
              0,
              0,
              false,
              false);
      owed.add(
          new Due(
              id(row.replica(), Kind.SEAL, 0),
              row.jobId(),
              row.slot(),
              Kind.SEAL,
              0,
              WHOLE,
              row.witness(),
              true,
              accepted.at()));
      return new Step(counted, owed);
    }
    if (row.acceptedAt().isEmpty()) {
      // a replica still sealing earns nothing; a fault or retirement now ends it
      boolean ends =
          event instanceof PinnedReplica.Faulted || event instanceof PinnedReplica.Retired;
      return new Step(ends ? closed(row) : row, owed);
    }
    if (event instanceof PinnedReplica.ChallengeAnswered answered) {
      Row now = advance(row, answered.at(), period, owed);
      return new Step(
          answered.passed()
              ? now.counting(now.periodNo(), now.passed() + 1, now.misses(), now.failed())
              : now.counting(now.periodNo(), now.passed(), now.misses(), true),
          owed);
    } else if (event instanceof PinnedReplica.ChallengeMissed missed) {
      Row now = advance(row, missed.at(), period, owed);
      return new Step(
          now.counting(now.periodNo(), now.passed(), now.misses() + 1, now.failed()), owed);
    } else if (event instanceof PinnedReplica.Faulted faulted) {
      Row now = advance(row, faulted.at(), period, owed);
      owed.add(due(now, WHOLE, false, faulted.at()));
      // a failed answer just before the fault marked the period failed: the fault is that proof
      int periods = REPAIR_PERIODS + (now.failed() ? INVALID_PROOF_PENALTY_PERIODS : 0);
      owed.add(
          new Due(
              id(row.replica(), Kind.SLASH, 0),
              row.jobId(),
              row.slot(),
              Kind.SLASH,
              0,
              periods * WHOLE,
              row.hoster(),
              true,
              faulted.at()));
      return new Step(closed(now), owed);
    } else if (event instanceof PinnedReplica.Retired retired) {
      Row now = advance(row, retired.at(), period, owed);
      long into =
          Duration.between(periodStart(now, now.periodNo(), period), retired.at()).toMillis();
      int fraction = (int) Math.min(WHOLE, Math.max(0, into * WHOLE / period.toMillis()));
      if (fraction > 0) {
        owed.add(due(now, fraction, now.earned(), retired.at()));
      }
      return new Step(closed(now), owed);
    }
    return new Step(row, owed);
  }

  /** Closes every period that ended before {@code at}: the counted one, then any empty ones. */
  private static Row advance(Row row, Instant at, Duration period, List<Due> owed) {
    Row now = row;
    while (!at.isBefore(periodStart(now, now.periodNo() + 1, period))) {
      Instant end = periodStart(now, now.periodNo() + 1, period);
      owed.add(due(now, WHOLE, now.earned(), end));
      now = now.counting(now.periodNo() + 1, 0, 0, false);
    }
    return now;
  }

  private static Instant periodStart(Row row, long periodNo, Duration period) {
    return row.acceptedAt().orElseThrow().plus(period.multipliedBy(periodNo));
  }

  private static Due due(Row row, int fractionPpm, boolean earned, Instant at) {
    return new Due(
        id(row.replica(), Kind.PERIOD, row.periodNo()),
        row.jobId(),
        row.slot(),
        Kind.PERIOD,
        row.periodNo(),
        fractionPpm,
        row.hoster(),
        earned,
        at);
  }

  private static Row closed(Row row) {
    return new Row(
        row.replica(),
        row.jobId(),
        row.slot(),
        row.hoster(),
        row.witness(),
        row.acceptedAt(),
        row.periodNo(),
        row.passed(),
        row.misses(),
        row.failed(),
        true);
  }

  /**
   * A settlement's id on the ledger: SHA-256 of what it pays for, so each is applied once however
   * often it is sent.
   */
  static Bytes32 id(String subject, Kind kind, long periodNo) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(
          ("cairn pinning settlement\n" + subject + "\n" + kind + "\n" + periodNo)
              .getBytes(StandardCharsets.UTF_8));
      return Bytes32.of(sha256.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** On nodes with the core role, where the replicas live. */
  public static void start(ActorSystem<?> system, PinningSettings settings) {
    Projections.exactlyOnce(
        system,
        PROJECTION,
        PinnedReplica.SLICES,
        NodeRole.CORE,
        () -> new EarningsWriter(settings.economy().period()));
  }

  private static final class EarningsWriter
      extends JdbcHandler<EventEnvelope<PinnedReplica.Event>, JournalSession> {
    private final Duration period;

    EarningsWriter(Duration period) {
      this.period = period;
    }

    @Override
    public void process(JournalSession session, EventEnvelope<PinnedReplica.Event> envelope)
        throws Exception {
      String replica = PersistenceId.extractEntityId(envelope.persistenceId());
      PinnedReplica.Event event = envelope.event();
      session.withConnection(
          connection -> {
            Optional<Row> row =
                event instanceof PinnedReplica.Started started
                    ? Optional.of(Row.started(replica, started.assignment()))
                    : SettlementTables.earnings(connection, replica);
            if (row.isEmpty()) {
              return null;
            }
            Step step = apply(row.get(), event, period);
            SettlementTables.saveEarnings(connection, step.row());
            for (Due due : step.owed()) {
              SettlementTables.owe(connection, due);
            }
            if (event instanceof PinnedReplica.Retired retired
                && retired.as() == PinningJob.ReplicaState.ENDED
                && SettlementTables.allClosed(connection, step.row().jobId())) {
              SettlementTables.owe(
                  connection,
                  new Due(
                      id(step.row().jobId().toString(), Kind.CLOSE, 0),
                      step.row().jobId(),
                      -1,
                      Kind.CLOSE,
                      0,
                      0,
                      step.row().hoster(),
                      true,
                      retired.at()));
            }
            return null;
          });
    }
  }
}
