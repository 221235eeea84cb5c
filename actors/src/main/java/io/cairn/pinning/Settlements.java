package io.cairn.pinning;

import io.cairn.cluster.NodeRole;
import io.cairn.journal.JournalDatabase;
import io.cairn.ledger.EscrowJob;
import io.cairn.ledger.Ledger;
import io.cairn.ledger.LedgerEvent;
import io.cairn.ledger.LedgerOperation;
import io.cairn.ledger.Payout;
import io.cairn.pinning.ReplicaEarnings.Kind;
import io.cairn.pinning.SettlementTables.Line;
import io.cairn.pinning.SettlementTables.State;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.event.EvmSigner;
import io.cairn.protocol.ledger.Bytes32;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pays what {@link ReplicaEarnings} wrote as owed, through the ledger (PINNING.md 3.7): a cluster
 * singleton on the nodes with the stream role (where the ledger is) that reads the lines still due,
 * oldest first, prices each and settles it out of the job's escrow as the cluster's service
 * account, then records what the ledger did. Every settlement carries its line's id, which the
 * ledger applies once: a line sent again after a crash between the ledger and the record is
 * answered "already applied" and recorded as settled.
 *
 * <p>A period's price is the job's deposit spread evenly over its replicas and days. Of a hoster's
 * period, {@code burn-share} is burned, and of the rest {@code held-share} is held back (into its
 * held earnings on the ledger) while the hoster is younger than {@code held-for}; a witness's seal
 * fee is {@code witness-fee-periods} periods' price, less the burn. So that every token leaving an
 * escrow is a payout, a burn, a held amount or a refund, and nothing else.
 */
public final class Settlements {
  private static final Logger log = LoggerFactory.getLogger(Settlements.class);
  private static final int BATCH = 32;
  private static final BigInteger MILLIS_PER_DAY =
      BigInteger.valueOf(Duration.ofDays(1).toMillis());
  private static final BigInteger BASIS = BigInteger.valueOf(10_000);

  private Settlements() {}

  private sealed interface Message {}

  private record Tick() implements Message {}

  private record Read(List<Line> due) implements Message {}

  private record Sent(Line line, boolean more) implements Message {}

  private record Failed(Throwable failure) implements Message {}

  /** What a line comes to: each part in token base units. */
  record Priced(BigInteger paid, BigInteger held, BigInteger burned) {
    BigInteger total() {
      return paid.add(held).add(burned);
    }
  }

  /** On the nodes with the stream role: the one sender. */
  public static void start(
      ActorSystem<?> system,
      PinningSettings settings,
      Ledger ledger,
      EvmSigner settler,
      Clock clock) {
    ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                    Behaviors.supervise(
                            Behaviors.<Message>setup(
                                context ->
                                    Behaviors.withTimers(
                                        timers -> {
                                          timers.startTimerWithFixedDelay(
                                              new Tick(), settings.economy().sendInterval());
                                          return new Sender(
                                                  context, settings, ledger, settler, clock)
                                              .idle();
                                        })))
                        .onFailure(
                            SupervisorStrategy.restartWithBackoff(
                                Duration.ofMillis(200), Duration.ofSeconds(10), 0.1)),
                    "pinning-settlements")
                .withSettings(
                    ClusterSingletonSettings.create(system).withRole(NodeRole.STREAM.label())));
  }

  /**
   * The split of {@code amount}: the burn first, then the held share of the rest when {@code
   * young}, the rest paid. Integer arithmetic throughout, rounding down the burn and the held
   * share, so the three always add up to {@code amount}.
   */
  static Priced split(BigInteger amount, PinningSettings.Economy economy, boolean young) {
    BigInteger burned = amount.multiply(bps(economy.burnShare())).divide(BASIS);
    BigInteger rest = amount.subtract(burned);
    BigInteger held =
        young ? rest.multiply(bps(economy.heldShare())).divide(BASIS) : BigInteger.ZERO;
    return new Priced(rest.subtract(held), held, burned);
  }

  /** A period's price for a job of {@code replicas} replicas and {@code days} days. */
  static BigInteger periodPrice(
      BigInteger deposited, int replicas, int days, PinningSettings.Economy economy) {
    return deposited
        .multiply(BigInteger.valueOf(economy.period().toMillis()))
        .divide(BigInteger.valueOf((long) replicas * days).multiply(MILLIS_PER_DAY));
  }

  private static BigInteger bps(double share) {
    return BigInteger.valueOf(Math.round(share * 10_000));
  }

  private static final class Sender {
    private final ActorContext<Message> context;
    private final PinningSettings settings;
    private final Ledger ledger;
    private final EvmSigner settler;
    private final Clock clock;
    private final JournalDatabase database;
    private final ClusterSharding sharding;

    Sender(
        ActorContext<Message> context,
        PinningSettings settings,
        Ledger ledger,
        EvmSigner settler,
        Clock clock) {
      this.context = context;
      this.settings = settings;
      this.ledger = ledger;
      this.settler = settler;
      this.clock = clock;
      this.database = JournalDatabase.get(context.getSystem());
      this.sharding = ClusterSharding.get(context.getSystem());
    }

    /** Waits for the next tick; then reads what is due. */
    Behavior<Message> idle() {
      return Behaviors.receive(Message.class)
          .onMessage(
              Tick.class,
              tick -> {
                context.pipeToSelf(
                    database.read(connection -> SettlementTables.due(connection, BATCH)),
                    (due, failure) -> failure == null ? new Read(due) : new Failed(failure));
                return reading();
              })
          .build();
    }

    private Behavior<Message> reading() {
      return Behaviors.receive(Message.class)
          .onMessage(Tick.class, tick -> Behaviors.same())
          .onMessage(Read.class, read -> sending(new ArrayDeque<>(read.due())))
          .onMessage(Failed.class, this::afterFailure)
          .build();
    }

    /** Sends the lines one after another, in the order they were owed. */
    private Behavior<Message> sending(Deque<Line> lines) {
      if (lines.isEmpty()) {
        return idle();
      }
      Line line = lines.poll();
      context.pipeToSelf(
          send(line),
          (done, failure) -> failure == null ? new Sent(line, true) : new Failed(failure));
      return Behaviors.receive(Message.class)
          .onMessage(Tick.class, tick -> Behaviors.same())
          .onMessage(Sent.class, sent -> sending(lines))
          .onMessage(Failed.class, this::afterFailure)
          .build();
    }

    /** A failure that is not the ledger's answer (a node, the database): tried at the next tick. */
    private Behavior<Message> afterFailure(Failed failed) {
      log.warn("pinning settlements wait for the next tick: {}", failed.failure().toString());
      return idle();
    }

    private CompletionStage<Void> send(Line line) {
      Bytes32 jobId = line.due().jobId();
      if (line.due().kind() == Kind.CLOSE) {
        return answered(
            line,
            ledger.submit(settler, new LedgerOperation.Close(jobId)).thenApply(events -> zero()),
            zero(),
            true);
      }
      CompletionStage<PinningJob.Job> job =
          sharding
              .entityRefFor(PinningJob.ENTITY_KEY, jobId.toString())
              .askWithStatus(PinningJob.Get::new, settings.askTimeout());
      return job.thenCombine(ledger.escrowJob(jobId), (terms, escrow) -> price(line, terms, escrow))
          .thenCompose(
              amount -> {
                if (amount.signum() == 0) {
                  return record(line, State.REFUSED, zero(), "nothing deposited for this job");
                }
                if (line.due().kind() == Kind.SLASH) {
                  return slash(line, amount);
                }
                return young(line).thenCompose(young -> settle(line, amount, young));
              });
    }

    private BigInteger price(Line line, PinningJob.Job job, EscrowJob escrow) {
      if (!escrow.exists()) {
        return BigInteger.ZERO;
      }
      PinningSettings.Economy economy = settings.economy();
      BigInteger period =
          periodPrice(escrow.deposited(), job.terms().replicas(), job.terms().days(), economy);
      if (line.due().kind() == Kind.SEAL) {
        return period.multiply(BigInteger.valueOf(economy.witnessFeePeriods()));
      }
      // a period line's fraction is a share of one period; a slash's, a number of periods
      return period
          .multiply(BigInteger.valueOf(line.due().fractionPpm()))
          .divide(BigInteger.valueOf(ReplicaEarnings.WHOLE));
    }

    /** Whether the payee is a hoster young enough to have a share held back. */
    private CompletionStage<Boolean> young(Line line) {
      if (line.due().kind() != Kind.PERIOD) {
        return CompletableFuture.completedFuture(false);
      }
      return sharding
          .entityRefFor(Provider.ENTITY_KEY, line.due().payee().value())
          .<Provider.Info>askWithStatus(Provider.Get::new, settings.askTimeout())
          .thenApply(
              info ->
                  info.registeredAt().plus(settings.economy().heldFor()).isAfter(clock.instant()));
    }

    private CompletionStage<Void> settle(Line line, BigInteger amount, boolean young) {
      Priced priced = split(amount, settings.economy(), young);
      List<Payout> held =
          priced.held().signum() > 0
              ? List.of(new Payout(line.due().payee(), priced.held()))
              : List.of();
      return answered(
          line,
          ledger
              .submit(
                  settler,
                  new LedgerOperation.Settle(
                      line.due().jobId(),
                      line.due().settlementId(),
                      List.of(new Payout(line.due().payee(), priced.paid())),
                      held,
                      priced.burned()))
              .thenApply(events -> priced),
          priced,
          false);
    }

    /**
     * Takes up to {@code amount} from the hoster into the repair fund; the ledger takes what there
     * is, held earnings first, and the line records what it took (as its {@code paid}).
     */
    private CompletionStage<Void> slash(Line line, BigInteger amount) {
      return answered(
          line,
          ledger
              .submit(
                  settler,
                  new LedgerOperation.Slash(line.due().payee(), amount, line.due().settlementId()))
              .thenApply(
                  events ->
                      new Priced(
                          events.stream()
                              .filter(LedgerEvent.Slashed.class::isInstance)
                              .map(LedgerEvent.Slashed.class::cast)
                              .map(slashed -> slashed.fromHeld().add(slashed.fromStake()))
                              .reduce(BigInteger.ZERO, BigInteger::add),
                          BigInteger.ZERO,
                          BigInteger.ZERO)),
          zero(),
          false);
    }

    /**
     * Records the ledger's answer: done (or done before: the same id already applied; for a close,
     * the job closed before), refused with its reason, or, for anything else, failed for a retry.
     */
    private CompletionStage<Void> answered(
        Line line, CompletionStage<Priced> submitted, Priced asSent, boolean closing) {
      return submitted
          .handle(
              (priced, failure) -> {
                if (failure == null) {
                  return record(line, State.SETTLED, priced, "");
                }
                Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause()
                        : failure;
                if (!(cause instanceof Rejection refused)) {
                  return CompletableFuture.<Void>failedFuture(cause);
                }
                boolean doneBefore =
                    refused.code() == ErrorCode.SETTLEMENT_APPLIED
                        || (closing && refused.code() == ErrorCode.JOB_CLOSED);
                // applied before, by a send whose record was lost: with the same amounts, priced
                // from the same deposit (a slash's taking is in the ledger's events only)
                return doneBefore
                    ? record(line, State.SETTLED, asSent, "applied before")
                    : record(line, State.REFUSED, zero(), refused.getMessage());
              })
          .thenCompose(recorded -> recorded);
    }

    private CompletionStage<Void> record(Line line, State state, Priced priced, String reason) {
      return database.read(
          connection -> {
            SettlementTables.settle(
                connection,
                line.seq(),
                state,
                priced.paid(),
                priced.held(),
                priced.burned(),
                reason);
            return null;
          });
    }

    private static Priced zero() {
      return new Priced(BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO);
    }
  }
}
