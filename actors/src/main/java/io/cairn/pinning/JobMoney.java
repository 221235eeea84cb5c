package io.cairn.pinning;

import io.cairn.journal.JournalDatabase;
import io.cairn.pinning.ReplicaEarnings.Kind;
import io.cairn.pinning.SettlementTables.Line;
import io.cairn.pinning.SettlementTables.State;
import io.cairn.protocol.ledger.Bytes32;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;

/** What a job's replicas earned and what became of it, from {@code pin_settlements}. */
public final class JobMoney {
  private final JournalDatabase database;

  JobMoney(ActorSystem<?> system) {
    this.database = JournalDatabase.get(system);
  }

  /**
   * One replica's money so far: its hoster's payouts, held-back share and burns over the periods
   * settled; the periods it earned and did not; its witness's seal fee; what a fault took from its
   * hoster into the repair fund; and the lines the ledger refused or that wait to be paid.
   */
  public record ReplicaMoney(
      BigInteger paid,
      BigInteger held,
      BigInteger burned,
      BigInteger witnessFee,
      BigInteger slashed,
      int periodsEarned,
      int periodsUnearned,
      int due,
      int refused) {
    public static final ReplicaMoney NONE =
        new ReplicaMoney(
            BigInteger.ZERO,
            BigInteger.ZERO,
            BigInteger.ZERO,
            BigInteger.ZERO,
            BigInteger.ZERO,
            0,
            0,
            0,
            0);

    ReplicaMoney plus(Line line) {
      boolean settled = line.state() == State.SETTLED;
      boolean period = line.due().kind() == Kind.PERIOD;
      boolean seal = line.due().kind() == Kind.SEAL;
      return new ReplicaMoney(
          period ? paid.add(line.paid()) : paid,
          held.add(line.held()),
          burned.add(line.burned()),
          seal ? witnessFee.add(line.paid()) : witnessFee,
          line.due().kind() == Kind.SLASH ? slashed.add(line.paid()) : slashed,
          periodsEarned + (period && settled ? 1 : 0),
          periodsUnearned + (period && line.state() == State.UNEARNED ? 1 : 0),
          due + (line.state() == State.DUE ? 1 : 0),
          refused + (line.state() == State.REFUSED ? 1 : 0));
    }
  }

  /** Each replica's money by slot; a slot with nothing owed yet is absent. */
  public CompletionStage<Map<Integer, ReplicaMoney>> of(Bytes32 jobId) {
    return database.read(connection -> bySlot(SettlementTables.ofJob(connection, jobId)));
  }

  private static Map<Integer, ReplicaMoney> bySlot(List<Line> lines) {
    Map<Integer, ReplicaMoney> money = new HashMap<>();
    for (Line line : lines) {
      if (line.due().kind() != Kind.CLOSE) {
        money.merge(line.due().slot(), ReplicaMoney.NONE.plus(line), (was, one) -> was.plus(line));
      }
    }
    return money;
  }
}
