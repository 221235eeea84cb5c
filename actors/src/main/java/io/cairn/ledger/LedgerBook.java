package io.cairn.ledger;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.cluster.NodeRole;
import io.cairn.projection.EventSlices;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.LedgerRequest;
import io.cairn.protocol.api.v1.SignedLedgerRequest;
import io.cairn.protocol.ledger.Bytes32;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The embedded ledger: one event-sourced entity holding every balance, product, licence, escrow and
 * report round, so that a purchase moves tokens and extends a licence in one journal write. It
 * takes signed requests whose signer the caller's node has already recovered ({@link
 * EmbeddedLedger}); it checks the ledger id, the expiry and the nonce, asks {@link LedgerRules}
 * what the operation causes, and persists the request with its events as one {@link Applied}.
 * Sharded as a single entity on the nodes with the stream role, so it moves when its node goes.
 */
public final class LedgerBook
    extends EventSourcedBehaviorWithEnforcedReplies<
        LedgerBook.Command, LedgerBook.Event, LedgerState> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Ledger");
  public static final String ENTITY_ID = "ledger";

  /** How the events are tagged: the licence workflow follows them. */
  public static final EventSlices SLICES = EventSlices.of(ENTITY_KEY);

  // ---- commands ----

  public sealed interface Command {}

  /**
   * A signed request whose signature {@code signer} made (checked by the sender, a cluster node),
   * one of a {@link SubmitBatch}.
   */
  public record Submit(
      SignedLedgerRequest signed, EthereumAddress signer, ActorRef<StatusReply<Receipt>> replyTo) {}

  /**
   * Several submissions applied in order and persisted in one journal write; each is answered to
   * its own {@code replyTo}, and the batch, once written, to this one. {@link LedgerSubmitter}
   * sends them, one batch at a time per node, with whatever arrived while the last was written.
   */
  public record SubmitBatch(List<Submit> submits, ActorRef<StatusReply<Done>> replyTo)
      implements Command {
    public SubmitBatch {
      submits = List.copyOf(submits);
    }
  }

  /** The part of the state {@code selection} names. */
  public record Read(Selection selection, ActorRef<StatusReply<View>> replyTo) implements Command {}

  /**
   * The totals and the entries a {@link Selection} named, and every token the checksum reports hold
   * (their pool and what open rounds reserve, over all rounds).
   */
  public record View(LedgerState slice, java.math.BigInteger heldForReports) {}

  /**
   * Which accounts, products, licences, jobs, rounds and provider stakes a {@link Read} returns;
   * the totals (with the repair fund) always.
   *
   * @param licencesOf every licence of these buyers
   */
  public record Selection(
      Set<EthereumAddress> accounts,
      Set<Long> products,
      boolean allProducts,
      Set<Licence.Key> licences,
      Set<EthereumAddress> licencesOf,
      Set<Bytes32> jobs,
      Set<Bytes32> rounds,
      Set<EthereumAddress> providers) {
    public Selection {
      accounts = Set.copyOf(accounts);
      products = Set.copyOf(products);
      licences = Set.copyOf(licences);
      licencesOf = Set.copyOf(licencesOf);
      jobs = Set.copyOf(jobs);
      rounds = Set.copyOf(rounds);
      providers = Set.copyOf(providers);
    }

    public static Selection totals() {
      return new Selection(
          Set.of(), Set.of(), false, Set.of(), Set.of(), Set.of(), Set.of(), Set.of());
    }

    /** The totals and the stake of {@code provider}. */
    public static Selection providerStake(EthereumAddress provider) {
      return new Selection(
          Set.of(), Set.of(), false, Set.of(), Set.of(), Set.of(), Set.of(), Set.of(provider));
    }
  }

  // ---- events ----

  public sealed interface Event {}

  /**
   * A request carried out: the signed request exactly as received (so the journal can be audited
   * signature by signature), its time and what it caused, {@link LedgerEvent.NonceUsed} first.
   */
  public record Applied(SignedLedgerRequest signed, long at, List<LedgerEvent> events)
      implements Event {
    public Applied {
      events = List.copyOf(events);
    }
  }

  // ---- replies ----

  /** What a request caused, at the ledger's time {@code at} (Unix seconds). */
  public record Receipt(long at, List<LedgerEvent> events) {
    public Receipt {
      events = List.copyOf(events);
    }

    /**
     * The events a contract would have emitted: without the embedded ledger's own records of a used
     * nonce ({@link LedgerEvent.NonceUsed}) and an applied settlement ({@link
     * LedgerEvent.Settled}).
     */
    public List<LedgerEvent> contractEvents() {
      return events.stream()
          .filter(
              event ->
                  !(event instanceof LedgerEvent.NonceUsed || event instanceof LedgerEvent.Settled))
          .toList();
    }
  }

  // ---- behaviour ----

  public static void init(
      ActorSystem<?> system, LedgerSettings settings, LedgerRules rules, Clock clock) {
    ClusterSharding.get(system)
        .init(
            Entity.of(ENTITY_KEY, context -> create(settings, rules, clock))
                .withRole(NodeRole.STREAM.label()));
  }

  public static void initProxy(ActorSystem<?> system) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ENTITY_KEY,
                    context -> {
                      throw new IllegalStateException(
                          "the ledger runs on nodes with the stream role only");
                    })
                .withRole(NodeRole.STREAM.label()));
  }

  public static Behavior<Command> create(LedgerSettings settings, LedgerRules rules, Clock clock) {
    return new LedgerBook(settings, rules, clock);
  }

  private final LedgerSettings settings;
  private final LedgerRules rules;
  private final Clock clock;

  private LedgerBook(LedgerSettings settings, LedgerRules rules, Clock clock) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), ENTITY_ID),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.settings = settings;
    this.rules = rules;
    this.clock = clock;
  }

  /** The id a request must name: {@code embedded:} and the operator's address. */
  public static String ledgerId(EthereumAddress operator) {
    return "embedded:" + operator.value();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return SLICES.tagsFor(ENTITY_ID);
  }

  @Override
  public LedgerState emptyState() {
    return LedgerState.empty(rules.operator());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, LedgerState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(SubmitBatch.class, this::onSubmitBatch)
        .onCommand(
            Read.class,
            (state, read) ->
                Effect()
                    .reply(read.replyTo(), StatusReply.success(select(state, read.selection()))))
        .build();
  }

  private ReplyEffect<Event, LedgerState> onSubmitBatch(LedgerState state, SubmitBatch batch) {
    long now = clock.instant().getEpochSecond();
    LedgerState working = state;
    List<Event> applied = new ArrayList<>();
    List<Submit> accepted = new ArrayList<>();
    for (Submit submit : batch.submits()) {
      try {
        Applied one = decide(working, submit, now);
        working = applyAll(working, one);
        applied.add(one);
        accepted.add(submit);
      } catch (Rejection refused) {
        // refused on the state the earlier requests of the batch leave, as if sent one by one
        submit.replyTo().tell(StatusReply.error(refused));
      }
    }
    if (applied.isEmpty()) {
      return Effect().reply(batch.replyTo(), StatusReply.ack());
    }
    return Effect()
        .persist(applied)
        .thenRun(
            after -> {
              for (int i = 0; i < accepted.size(); i++) {
                accepted
                    .get(i)
                    .replyTo()
                    .tell(
                        StatusReply.success(new Receipt(now, ((Applied) applied.get(i)).events())));
              }
            })
        .thenReply(batch.replyTo(), after -> StatusReply.ack());
  }

  /** What {@code submit} does at {@code now}, or its refusal. */
  private Applied decide(LedgerState state, Submit submit, long now) {
    LedgerRequest request;
    try {
      request = LedgerRequest.parseFrom(submit.signed().getRequest());
    } catch (InvalidProtocolBufferException malformed) {
      throw new Rejection(ErrorCode.INVALID_LEDGER_REQUEST, "not a LedgerRequest");
    }
    checkEnvelope(state, submit.signer(), request, now);
    List<LedgerEvent> events = new ArrayList<>();
    events.add(new LedgerEvent.NonceUsed(submit.signer(), request.getNonce()));
    events.addAll(rules.decide(state, submit.signer(), LedgerOperations.fromRequest(request), now));
    return new Applied(submit.signed(), now, events);
  }

  private static LedgerState applyAll(LedgerState state, Applied applied) {
    LedgerState next = state;
    for (LedgerEvent event : applied.events()) {
      next = next.apply(event);
    }
    return next;
  }

  private void checkEnvelope(
      LedgerState state, EthereumAddress signer, LedgerRequest request, long now) {
    String expected = ledgerId(rules.operator());
    if (!request.getLedgerId().equals(expected)) {
      throw new Rejection(
          ErrorCode.WRONG_CHAIN,
          "the request is for ledger '" + request.getLedgerId() + "', this is " + expected);
    }
    if (request.getExpiresAt() != 0 && request.getExpiresAt() <= now) {
      throw new Rejection(
          ErrorCode.PERMIT_EXPIRED,
          "the request expired at " + request.getExpiresAt() + "; the ledger's time is " + now);
    }
    long last = state.nonceOf(signer);
    if (Long.compareUnsigned(request.getNonce(), last) <= 0) {
      throw new Rejection(
          ErrorCode.REPLAYED_REQUEST,
          "nonce "
              + Long.toUnsignedString(request.getNonce())
              + " is not above "
              + signer
              + "'s last, "
              + Long.toUnsignedString(last));
    }
  }

  private static View select(LedgerState state, Selection selection) {
    return new View(state.select(selection), state.heldForReports());
  }

  @Override
  public EventHandler<LedgerState, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Applied.class, LedgerBook::applyAll)
        .build();
  }
}
