package io.cairn.ledger.evm;

import io.cairn.cluster.NodeRole;
import io.cairn.journal.JournalDatabase;
import io.cairn.ledger.LedgerEvent;
import io.cairn.ledger.LicenceGrants;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.projection.Projection;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthBlockNumber;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/**
 * The workflow pay → grant on a chain: a projection whose source is the four contracts' logs. It
 * reads them with eth_getLogs in block ranges, only up to the chain's head minus the configured
 * confirmations, decodes them ({@link ContractEvents}) and hands each range's events to {@link
 * LicenceGrants}; the cursor (the last block handed over) is the projection's offset in the
 * journal's database, stored only after the grants completed. Grants are idempotent, so a range
 * applied twice (after a crash between the grants and the offset) changes nothing.
 *
 * <p>It runs once in the cluster, as a singleton on the nodes with the stream role. Its first start
 * reads from {@code from-block}; every later one from the block after the cursor. A node that does
 * not answer, or answers with an error, fails the projection, which restarts with backoff ({@code
 * pekko.projection.restart-backoff}) from the stored cursor: no block is ever skipped.
 *
 * <p>A reorganisation deeper than the confirmations is noticed (a block whose parent is not the
 * block read last) and logged; what was granted from the replaced blocks stands. The follower polls
 * at the configured interval; it does not subscribe to new heads over WebSocket.
 */
public final class ChainFollower {
  private static final Logger log = LoggerFactory.getLogger(ChainFollower.class);
  static final String PROJECTION = "chain-follower";

  private ChainFollower() {}

  /**
   * The projection of one deployment, named by its token's address: a new deployment starts its own
   * cursor.
   */
  public static ProjectionId projectionId(ContractAddresses addresses) {
    return ProjectionId.of(PROJECTION, addresses.token().value());
  }

  /**
   * Starts the singleton (on the nodes with the stream role; call it on those).
   *
   * @param executor where the blocking web3j requests run
   */
  public static void start(
      ActorSystem<?> system,
      Web3j web3j,
      ContractAddresses addresses,
      EvmChainSettings settings,
      Executor executor,
      LicenceGrants grants) {
    JournalDatabase database = JournalDatabase.get(system);
    Projection<ChainLogs> projection =
        JdbcProjection.atLeastOnceAsync(
            projectionId(addresses),
            new ChainLogSource(system, web3j, addresses, settings, executor),
            database::session,
            () -> new Granter(grants),
            system);
    ClusterSingleton.get(system)
        .init(
            SingletonActor.of(ProjectionBehavior.create(projection), PROJECTION)
                .withStopMessage(ProjectionBehavior.stopMessage())
                .withSettings(
                    ClusterSingletonSettings.create(system).withRole(NodeRole.STREAM.label())));
  }

  /** The contracts' events in blocks {@code fromBlock} to {@code toBlock}, in the chain's order. */
  public record ChainLogs(long fromBlock, long toBlock, List<LedgerEvent> events) {
    public ChainLogs {
      events = List.copyOf(events);
    }
  }

  private static final class Granter extends Handler<ChainLogs> {
    private final LicenceGrants grants;

    Granter(LicenceGrants grants) {
      this.grants = grants;
    }

    @Override
    public CompletionStage<Done> process(ChainLogs logs) {
      if (logs.events().isEmpty()) {
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      log.debug(
          "blocks {} to {}: {} events", logs.fromBlock(), logs.toBlock(), logs.events().size());
      return grants.apply(logs.events());
    }
  }

  /**
   * The chain's confirmed logs from the block after the cursor, one element per block range read,
   * for ever. One instance per projection run; a restart makes a new one.
   */
  private static final class ChainLogSource extends SourceProvider<Long, ChainLogs> {
    private final ActorSystem<?> system;
    private final Web3j web3j;
    private final ContractAddresses addresses;
    private final EvmChainSettings settings;
    private final EvmChainSettings.Follow follow;
    private final ChainTransactions chain;
    private final ContractEvents events;

    ChainLogSource(
        ActorSystem<?> system,
        Web3j web3j,
        ContractAddresses addresses,
        EvmChainSettings settings,
        Executor executor) {
      this.system = system;
      this.web3j = web3j;
      this.addresses = addresses;
      this.settings = settings;
      this.follow = settings.follow();
      this.chain = new ChainTransactions(web3j, settings, executor);
      this.events = new ContractEvents(addresses);
    }

    @Override
    public CompletionStage<Source<ChainLogs, NotUsed>> source(
        Supplier<CompletionStage<Optional<Long>>> cursor) {
      return cursor
          .get()
          .thenApply(
              stored -> {
                long first = stored.map(last -> last + 1).orElse(follow.fromBlock());
                log.info(
                    "following the contracts (token {}) on {} from block {} ({}), {} confirmations",
                    addresses.token(),
                    settings.url(),
                    first,
                    stored.isPresent() ? "the stored cursor" : "from-block",
                    follow.confirmations());
                Reader reader = new Reader();
                return Source.unfoldAsync(first, reader::next)
                    .filter(Optional::isPresent)
                    .map(Optional::get);
              });
    }

    @Override
    public Long extractOffset(ChainLogs logs) {
      return logs.toBlock();
    }

    /** Not known without reading each block; a range's lag is its confirmations. */
    @Override
    public long extractCreationTime(ChainLogs logs) {
      return 0L;
    }

    /** One run's reads: what it last read, to notice a reorganisation below the cursor. */
    private final class Reader {
      private long lastBlock = -1;
      private String lastHash;
      private boolean warnedAhead;

      /**
       * The next confirmed range from {@code from}, or, when there is none yet, nothing after the
       * poll interval (the stream filters it out and asks again).
       */
      CompletionStage<Optional<Pair<Long, Optional<ChainLogs>>>> next(long from) {
        return chain
            .read(() -> range(from))
            .thenCompose(
                range -> {
                  if (range.isPresent()) {
                    return CompletableFuture.completedFuture(
                        Optional.of(Pair.create(range.get().toBlock() + 1, range)));
                  }
                  return Patterns.after(
                      follow.pollInterval(),
                      system,
                      () ->
                          CompletableFuture.completedFuture(
                              Optional.of(Pair.create(from, Optional.<ChainLogs>empty()))));
                });
      }

      /**
       * Blocking: the confirmed logs from {@code from}, up to the range limit; none if none yet.
       */
      private Optional<ChainLogs> range(long from) throws IOException {
        long head = head();
        if (from > head + 1 && !warnedAhead) {
          warnedAhead = true;
          log.warn(
              "the cursor is at block {} but the chain's head is block {}: is this the chain the"
                  + " contracts were followed on? (a restarted dev chain deploys at the same"
                  + " addresses) Nothing is read until the chain reaches block {}",
              from - 1,
              head,
              from);
        }
        long confirmed = head - follow.confirmations();
        if (confirmed < from) {
          return Optional.empty();
        }
        long to = Math.min(confirmed, from + follow.blocksPerQuery() - 1);
        List<Log> logs = new ArrayList<>();
        to = logs(from, to, logs);
        checkContinuity(from, to);
        return Optional.of(new ChainLogs(from, to, events.decode(logs, true)));
      }

      private long head() throws IOException {
        EthBlockNumber answer = web3j.ethBlockNumber().send();
        refused(answer, "eth_blockNumber");
        return answer.getBlockNumber().longValueExact();
      }

      /**
       * The logs of blocks {@code from} to {@code to} into {@code into}; a range the node refuses
       * (too many blocks or logs) is halved until it answers. Answers the last block read.
       */
      private long logs(long from, long to, List<Log> into) throws IOException {
        long last = to;
        while (true) {
          EthFilter filter =
              new EthFilter(
                  block(from),
                  block(last),
                  List.of(
                      addresses.token().value(),
                      addresses.marketplace().value(),
                      addresses.escrow().value(),
                      addresses.checksumReports().value(),
                      addresses.providerStakes().value()));
          EthLog answer = web3j.ethGetLogs(filter).send();
          if (!answer.hasError()) {
            for (EthLog.LogResult<?> result : answer.getLogs()) {
              into.add((Log) result.get());
            }
            return last;
          }
          if (last == from) {
            refused(answer, "eth_getLogs of block " + from);
          }
          log.debug(
              "eth_getLogs of blocks {} to {} refused ({}); halving the range",
              from,
              last,
              answer.getError().getMessage());
          last = from + (last - from) / 2;
        }
      }

      /**
       * Notices a reorganisation below the confirmations: block {@code from}'s parent is not the
       * block this run read last. It is logged; the follower goes on, as it cannot take a grant
       * back.
       */
      private void checkContinuity(long from, long to) throws IOException {
        EthBlock.Block first = header(from);
        if (lastHash != null && lastBlock == from - 1 && !lastHash.equals(first.getParentHash())) {
          log.warn(
              "block {} of the chain at {} does not follow block {} as read before (hash {}, now"
                  + " {}): the chain reorganised deeper than {} confirmations; access granted from"
                  + " the replaced blocks stands",
              from,
              settings.url(),
              lastBlock,
              lastHash,
              first.getParentHash(),
              follow.confirmations());
        }
        EthBlock.Block last = to == from ? first : header(to);
        lastBlock = to;
        lastHash = last.getHash();
      }

      private EthBlock.Block header(long number) throws IOException {
        EthBlock answer = web3j.ethGetBlockByNumber(block(number), false).send();
        refused(answer, "eth_getBlockByNumber " + number);
        if (answer.getBlock() == null) {
          throw new IOException("the node has no block " + number + " yet");
        }
        return answer.getBlock();
      }
    }
  }

  private static DefaultBlockParameter block(long number) {
    return DefaultBlockParameter.valueOf(BigInteger.valueOf(number));
  }

  /** A JSON-RPC error fails the run, which restarts with backoff from the cursor. */
  private static void refused(Response<?> answer, String request) {
    if (answer.hasError()) {
      throw new IllegalStateException(
          "the chain node refused "
              + request
              + ": "
              + answer.getError().getCode()
              + " "
              + answer.getError().getMessage());
    }
  }
}
