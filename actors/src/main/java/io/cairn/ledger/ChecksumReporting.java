package io.cairn.ledger;

import io.cairn.cluster.NodeRole;
import io.cairn.cluster.ServiceIdentity;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.stream.PartitionChecksums;
import io.cairn.stream.Streams;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checksum reports of paid partitions (Streamr's broker reports): every interval, a cluster
 * singleton opens one round on the ledger per partition of every stream a product sells, naming as
 * reporters the nodes with the stream role, and closes the rounds of the interval before, which
 * pays the reporters that agreed. Each of those nodes computes the partition's checksum from the
 * events it reads ({@link PartitionChecksums}) and reports it signed with its own reporter key.
 *
 * <p>A node's reporter key is derived from the cluster's service key and the node's address, so the
 * round opener knows every reporter's address without an exchange. Cluster nodes trust each other:
 * several reporters catch a node whose journal reads diverge (a fault, a corrupted copy), not a
 * node lying on purpose. A round that is not closed in time (its singleton moved) stays open and is
 * closed at the next start.
 */
public final class ChecksumReporting {
  private static final Logger log = LoggerFactory.getLogger(ChecksumReporting.class);
  static final ServiceKey<Report> REPORTERS = ServiceKey.create(Report.class, "checksum-reporters");

  private ChecksumReporting() {}

  /** Report interval {@code interval} of these partitions; sent to each node's reporter. */
  public record Report(long interval, List<RoundKey> rounds) {
    public Report {
      rounds = List.copyOf(rounds);
    }
  }

  /** What the round keeper handles: its timer, the rounds it opened, the reporters found. */
  private sealed interface RoundsMessage {}

  private enum Tick implements RoundsMessage {
    INSTANCE
  }

  private record Opened(Report report) implements RoundsMessage {}

  private record Reporters(Report report, Receptionist.Listing listing) implements RoundsMessage {}

  /** The key a node reports with: derived from the service key and the node's address. */
  public static PrivateKeySigner reporterKey(ServiceIdentity service, Address node) {
    return ((PrivateKeySigner) service.signer()).derive("checksum reporter " + node.hostPort());
  }

  /**
   * On the nodes with the stream role: the node's reporter and the cluster's round keeper. Answers
   * the address the node reports as, unless reporting is off.
   */
  public static Optional<EthereumAddress> start(
      ActorSystem<?> system,
      ChecksumSettings settings,
      Ledger ledger,
      Streams streams,
      PartitionChecksums checksums,
      ServiceIdentity service,
      Clock clock) {
    if (!settings.enabled()) {
      return Optional.empty();
    }
    PrivateKeySigner ownKey = reporterKey(service, Cluster.get(system).selfMember().address());
    // on a chain this address sends its reports and needs gas money: the operator must know it
    log.info("this node reports partition checksums as {}", ownKey.address());
    ActorRef<Report> reporter =
        system.systemActorOf(
            reporter(ledger, checksums, ownKey, settings),
            "checksum-reporter",
            org.apache.pekko.actor.typed.Props.empty());
    system.receptionist().tell(Receptionist.register(REPORTERS, reporter));
    ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                    Behaviors.supervise(rounds(system, settings, ledger, streams, service, clock))
                        .onFailure(SupervisorStrategy.restart()),
                    "checksum-rounds")
                .withSettings(
                    org.apache.pekko.cluster.typed.ClusterSingletonSettings.create(system)
                        .withRole(NodeRole.STREAM.label())));
    return Optional.of(ownKey.address());
  }

  private static Behavior<Report> reporter(
      Ledger ledger,
      PartitionChecksums checksums,
      PrivateKeySigner key,
      ChecksumSettings settings) {
    return Behaviors.receive(Report.class)
        .onMessage(
            Report.class,
            report -> {
              for (RoundKey round : report.rounds()) {
                checksums
                    .compute(
                        round.streamId(), round.partition(), round.interval(), settings.interval())
                    .thenCompose(
                        checksum ->
                            ledger.submit(
                                key,
                                new LedgerOperation.Report(
                                    round, checksum.count(), Bytes32.of(checksum.value()))))
                    .whenComplete(
                        (events, failure) -> {
                          if (failure != null) {
                            log.warn(
                                "checksum report of {} interval {} not made: {}",
                                round.streamId(),
                                round.interval(),
                                Rejection.of(failure).getMessage());
                          }
                        });
              }
              return Behaviors.same();
            })
        .build();
  }

  private static Behavior<RoundsMessage> rounds(
      ActorSystem<?> system,
      ChecksumSettings settings,
      Ledger ledger,
      Streams streams,
      ServiceIdentity service,
      Clock clock) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.interval());
                  Set<RoundKey> open = new HashSet<>();
                  // the next interval to open: a late tick opens the ones it skipped (up to 3)
                  long[] next = {Long.MIN_VALUE};
                  return Behaviors.receive(RoundsMessage.class)
                      .onMessage(
                          Tick.class,
                          tick -> {
                            for (RoundKey round : open) {
                              ledger
                                  .submit(service.signer(), new LedgerOperation.CloseRound(round))
                                  .whenComplete(
                                      (events, failure) -> logFailure("close", round, failure));
                            }
                            open.clear();
                            long target =
                                Math.floorDiv(
                                        clock.millis() - settings.settle().toMillis(),
                                        settings.interval().toMillis())
                                    - 1;
                            long first =
                                Math.max(next[0] == Long.MIN_VALUE ? target : next[0], target - 2);
                            for (long interval = first; interval <= target; interval++) {
                              long opening = interval;
                              context.pipeToSelf(
                                  openRounds(system, settings, ledger, streams, service, opening),
                                  (report, failure) ->
                                      new Opened(
                                          failure == null
                                              ? report
                                              : new Report(opening, List.of())));
                            }
                            next[0] = Math.max(next[0], target + 1);
                            return Behaviors.same();
                          })
                      .onMessage(
                          Opened.class,
                          opened -> {
                            open.addAll(opened.report().rounds());
                            context.ask(
                                Receptionist.Listing.class,
                                system.receptionist(),
                                settings.interval(),
                                replyTo -> Receptionist.find(REPORTERS, replyTo),
                                (listing, failure) ->
                                    new Reporters(
                                        opened.report(), failure == null ? listing : null));
                            return Behaviors.same();
                          })
                      .onMessage(
                          Reporters.class,
                          found -> {
                            if (found.listing() != null) {
                              found
                                  .listing()
                                  .getServiceInstances(REPORTERS)
                                  .forEach(reporter -> reporter.tell(found.report()));
                            }
                            return Behaviors.same();
                          })
                      .build();
                }));
  }

  /** Opens the interval's round of every paid partition; the rounds that opened. */
  private static CompletionStage<Report> openRounds(
      ActorSystem<?> system,
      ChecksumSettings settings,
      Ledger ledger,
      Streams streams,
      ServiceIdentity service,
      long interval) {
    return paidPartitions(ledger, streams, interval)
        .thenCompose(
            rounds -> {
              List<EthereumAddress> reporters = reporterAddresses(system, service);
              List<CompletableFuture<RoundKey>> opened = new ArrayList<>();
              for (RoundKey round : rounds) {
                opened.add(
                    ledger
                        .submit(
                            service.signer(),
                            new LedgerOperation.OpenRound(
                                round, reporters, settings.rewardPerReporter()))
                        .handle(
                            (events, failure) -> {
                              logFailure("open", round, failure);
                              return failure == null ? round : null;
                            })
                        .toCompletableFuture());
              }
              return CompletableFuture.allOf(opened.toArray(CompletableFuture[]::new))
                  .thenApply(
                      all ->
                          new Report(
                              interval,
                              opened.stream()
                                  .map(CompletableFuture::join)
                                  .filter(java.util.Objects::nonNull)
                                  .toList()));
            });
  }

  private static void logFailure(String what, RoundKey round, Throwable failure) {
    if (failure != null) {
      log.warn(
          "checksum round of {} partition {} interval {} not {}ed: {}",
          round.streamId(),
          round.partition(),
          round.interval(),
          what,
          Rejection.of(failure).getMessage());
    }
  }

  private static CompletionStage<List<RoundKey>> paidPartitions(
      Ledger ledger, Streams streams, long interval) {
    return ledger
        .products()
        .thenCompose(
            products -> {
              Set<String> paid = new HashSet<>();
              products.forEach(product -> paid.addAll(product.terms().streams()));
              List<CompletableFuture<List<RoundKey>>> perStream = new ArrayList<>();
              for (String stream : paid) {
                perStream.add(
                    streams
                        .get(stream)
                        .handle(
                            (state, failure) -> {
                              List<RoundKey> rounds = new ArrayList<>();
                              if (failure == null) {
                                for (int p = 0; p < state.partitions(); p++) {
                                  rounds.add(new RoundKey(stream, p, interval));
                                }
                              }
                              return rounds;
                            })
                        .toCompletableFuture());
              }
              return CompletableFuture.allOf(perStream.toArray(CompletableFuture[]::new))
                  .thenApply(
                      all -> perStream.stream().flatMap(rounds -> rounds.join().stream()).toList());
            });
  }

  private static List<EthereumAddress> reporterAddresses(
      ActorSystem<?> system, ServiceIdentity service) {
    List<EthereumAddress> reporters = new ArrayList<>();
    Cluster.get(system)
        .state()
        .getMembers()
        .forEach(
            member -> {
              if (member.status() == MemberStatus.up() && member.hasRole(NodeRole.STREAM.label())) {
                reporters.add(reporterKey(service, member.address()).address());
              }
            });
    return reporters;
  }
}
