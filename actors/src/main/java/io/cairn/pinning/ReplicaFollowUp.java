package io.cairn.pinning;

import io.cairn.pinning.PinnedReplica.Replica;
import io.cairn.pinning.ReplicaRounds.Challenge;
import io.cairn.protocol.EthereumAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * What a {@link PinnedReplica} does after each durable change, apart from its rules: the one timer
 * its state needs, and its reports to its job and to its hoster's {@link Provider}. The entity
 * persists; this class only sets timers and tells others.
 */
final class ReplicaFollowUp {
  private final PinningSettings settings;
  private final Clock clock;
  private final TimerScheduler<PinnedReplica.Command> timers;
  private final ClusterSharding sharding;

  ReplicaFollowUp(
      PinningSettings settings,
      Clock clock,
      TimerScheduler<PinnedReplica.Command> timers,
      ClusterSharding sharding) {
    this.settings = settings;
    this.clock = clock;
    this.timers = timers;
    this.sharding = sharding;
  }

  /**
   * Sets the one timer the replica needs: while SEALING, its seal deadline (from the time it was
   * started, so a recovered replica keeps the deadline it had); while ACTIVE, its open challenge's
   * deadline or its next round; none once it is FAULTY or retired.
   */
  void followSchedule(Replica replica) {
    if (replica.state() == PinningJob.ReplicaState.SEALING) {
      timers.startSingleTimer(
          PinnedReplica.SealDue.class,
          new PinnedReplica.SealDue(),
          untilJustAfter(sealBy(replica)));
      return;
    }
    if (!replica.active()) {
      timers.cancelAll();
      return;
    }
    timers.cancel(PinnedReplica.SealDue.class);
    ReplicaRounds rounds = replica.rounds();
    if (rounds.open().isPresent()) {
      timers.cancel(PinnedReplica.RoundDue.class);
      timers.startSingleTimer(
          PinnedReplica.DeadlineDue.class,
          new PinnedReplica.DeadlineDue(),
          untilJustAfter(rounds.open().get().deadline()));
    } else if (rounds.nextRoundAt().isPresent()) {
      timers.cancel(PinnedReplica.DeadlineDue.class);
      timers.startSingleTimer(
          PinnedReplica.RoundDue.class,
          new PinnedReplica.RoundDue(),
          untilJustAfter(rounds.nextRoundAt().get()));
    }
  }

  /** When a replica still SEALING is FAULTY. */
  Instant sealBy(Replica replica) {
    return replica.startedAt().plus(settings.sealDeadline());
  }

  /** A deadline is past once the clock is after it: the timer fires a millisecond later. */
  private Duration untilJustAfter(Instant at) {
    Duration left = Duration.between(clock.instant(), at).plusMillis(1);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** Tells the job where this replica stands; the job ignores what it already knows. */
  void report(Replica replica) {
    ReplicaAssignment assignment = replica.assignment();
    sharding
        .entityRefFor(PinningJob.ENTITY_KEY, assignment.jobId().toString())
        .tell(
            new PinningJob.ReplicaChanged(
                assignment.slot(),
                replica.state(),
                replica.sealing().accepted().map(PinnedReplica.Commitment::root)));
  }

  /**
   * Tells the hoster's provider that {@code missed}'s deadline passed unanswered, and, when that
   * was the last miss allowed ({@code after} is FAULTY), that the round failed. A note lost with a
   * node only delays the silence to the next miss: the replica's own misses still fault it.
   */
  void noteMissed(Replica replica, Challenge missed, Replica after) {
    Provider.Command silence = new Provider.DeadlineMissed(missed.deadline());
    provider(replica.assignment().hoster()).tell(silence);
    if (after.state() == PinningJob.ReplicaState.FAULTY) {
      judge(replica, new Reputation.StorageRound(false, clock.instant()));
    }
  }

  /**
   * Tells the hoster's provider that it answered at {@code at}, well or not (it is there), and how
   * the round went: passed (perhaps after misses) or an invalid proof.
   */
  void noteAnswered(Replica replica, Instant at, ReplicaRounds.Outcome outcome) {
    provider(replica.assignment().hoster()).tell(new Provider.AnswerReceived(at));
    judge(
        replica,
        outcome == ReplicaRounds.Outcome.PASSED
            ? new Reputation.StorageRound(true, at)
            : new Reputation.InvalidProof(at));
  }

  private void judge(Replica replica, Reputation.Judgement judgement) {
    provider(replica.assignment().hoster()).tell(new Provider.Judge(judgement));
  }

  private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<Provider.Command> provider(
      EthereumAddress address) {
    return sharding.entityRefFor(Provider.ENTITY_KEY, address.value());
  }
}
