package io.cairn.pinning;

import io.cairn.pinning.PinningJob.Job;
import io.cairn.pinning.PinningJob.PlaceDue;
import io.cairn.pinning.PinningJob.PlacementFailed;
import io.cairn.pinning.PinningJob.PlacementMade;
import io.cairn.pinning.PinningJob.Replica;
import io.cairn.pinning.PinningJob.ReplicaState;
import io.cairn.pinning.PinningJob.State;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.ledger.Bytes32;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The part of a {@link PinningJob} that keeps its replicas placed: asking the {@link
 * PinningSupervisor}, starting, retiring and replacing {@link PinnedReplica}s, trying a placement
 * again later, and the job's placement events' rules. The entity persists; this class only talks to
 * others, or computes.
 */
final class JobPlacement {
  private final Bytes32 jobId;
  private final PinningSettings settings;
  private final ActorRef<PinningSupervisor.Command> supervisor;
  private final ActorContext<PinningJob.Command> context;
  private final TimerScheduler<PinningJob.Command> timers;

  JobPlacement(
      Bytes32 jobId,
      PinningSettings settings,
      ActorRef<PinningSupervisor.Command> supervisor,
      ActorContext<PinningJob.Command> context,
      TimerScheduler<PinningJob.Command> timers) {
    this.jobId = jobId;
    this.settings = settings;
    this.supervisor = supervisor;
    this.context = context;
    this.timers = timers;
  }

  /**
   * What a running job owes its replicas: a placement if it has none, a replacement for each FAULTY
   * one, and a start for every current one (sent again after recovery; the replica ignores it).
   */
  void keep(Job job) {
    if (job.ended()) {
      return;
    }
    if (job.replicas().isEmpty()) {
      context.getSelf().tell(new PlaceDue(Optional.empty()));
      return;
    }
    for (Replica replica : job.replicas()) {
      if (replica.state() == ReplicaState.FAULTY) {
        replace(replica.slot());
      } else if (replica.current()) {
        replica(replica.assignment()).tell(new PinnedReplica.Start(replica.assignment()));
      }
    }
  }

  /** The FAULTY replica in {@code slot} is to be replaced. */
  void replace(int slot) {
    context.getSelf().tell(new PlaceDue(Optional.of(slot)));
  }

  /** The job ended: its replicas stop their rounds, and no placement is tried again. */
  void retireAll(Job job) {
    timers.cancel(PlaceDue.class);
    job.replicas().stream()
        .filter(Replica::current)
        .forEach(
            replica ->
                replica(replica.assignment()).tell(new PinnedReplica.Retire(ReplicaState.ENDED)));
  }

  /** Whether a placement (or the replacement for {@code replacing}) is still to be made. */
  static boolean stillNeeded(Job job, Optional<Integer> replacing) {
    if (replacing.isEmpty()) {
      return job.replicas().isEmpty();
    }
    return job.replica(replacing.get())
        .filter(replica -> replica.state() == ReplicaState.FAULTY)
        .isPresent();
  }

  /** Asks the supervisor; its answer comes back to the job as a command. */
  void ask(Job job, Optional<Integer> replacing) {
    Optional<ReplicaAssignment> replaced = replacing.flatMap(job::replica).map(Replica::assignment);
    context.askWithStatus(
        Placement.Selection.class,
        supervisor,
        settings.askTimeout(),
        replyTo ->
            new PinningSupervisor.Place(
                jobId,
                job.terms().coreKey(),
                job.terms().replicas(),
                nextSlot(job),
                replaced,
                Optional.empty(),
                excludedHosters(job),
                excludedEncoders(job),
                replyTo),
        (selection, failure) ->
            failure == null
                ? new PlacementMade(replacing, selection)
                : new PlacementFailed(replacing, failure.getMessage()));
  }

  /** After a placement was persisted: the replaced replica retires, the new ones start. */
  void started(Job job, Optional<Integer> replacing, Placement.Selection selection) {
    replacing
        .flatMap(job::replica)
        .ifPresent(
            old -> replica(old.assignment()).tell(new PinnedReplica.Retire(ReplicaState.REPLACED)));
    selection
        .assignments()
        .forEach(assignment -> replica(assignment).tell(new PinnedReplica.Start(assignment)));
  }

  /** Tries again after {@code placement-retry}, saying why in the log. */
  void retry(Optional<Integer> replacing, String reason) {
    context
        .getLog()
        .warn(
            "Job {} cannot place {} now, trying again in {}: {}",
            jobId,
            replacing.map(slot -> "a replacement for slot " + slot).orElse("its replicas"),
            settings.placementRetry(),
            reason);
    timers.startSingleTimer(
        replacing.map(slot -> (Object) ("replace-" + slot)).orElse(PlaceDue.class),
        new PlaceDue(replacing),
        settings.placementRetry());
  }

  // ---- the job's placement commands ----

  ReplyEffect<PinningJob.Event, State> onChanged(
      EffectFactories<PinningJob.Event, State> effect,
      State state,
      PinningJob.ReplicaChanged command,
      Instant now) {
    Job job = state.job().get();
    Optional<Replica> known = job.replica(command.slot());
    if (known.isEmpty()
        || !known.get().current()
        || (known.get().state() == command.state() && known.get().root().equals(command.root()))) {
      return effect.noReply();
    }
    return effect
        .persist(
            (PinningJob.Event)
                new PinningJob.ReplicaNoted(command.slot(), command.state(), command.root(), now))
        .thenRun(
            updated -> {
              if (command.state() == ReplicaState.FAULTY && !job.ended()) {
                replace(command.slot());
              }
            })
        .thenNoReply();
  }

  /** Asks the supervisor to place replicas; its answer comes back as a command. */
  ReplyEffect<PinningJob.Event, State> onDue(
      EffectFactories<PinningJob.Event, State> effect, State state, PlaceDue command) {
    Job job = state.job().get();
    if (!job.ended() && stillNeeded(job, command.replacing())) {
      ask(job, command.replacing());
    }
    return effect.noReply();
  }

  /**
   * A placement came: persisted whole when it is still needed and complete, then its replicas
   * started (and the one it replaces retired); tried again later when it found too few providers.
   */
  ReplyEffect<PinningJob.Event, State> onMade(
      EffectFactories<PinningJob.Event, State> effect,
      State state,
      PlacementMade command,
      Instant now) {
    Job job = state.job().get();
    Placement.Selection selection = command.selection();
    if (job.ended() || !stillNeeded(job, command.replacing())) {
      return effect.noReply();
    }
    if (selection.firstSlot() != nextSlot(job)) {
      // another placement took these slots while this one was made (two replicas faulted at
      // once): the replacement is still owed, so it is asked for again at the next free slot
      ask(job, command.replacing());
      return effect.noReply();
    }
    if (!selection.complete()) {
      retry(
          command.replacing(),
          "only "
              + selection.assignments().size()
              + " of "
              + selection.sectors().size() * selection.replicasPerSector()
              + " replicas found providers apart from each other");
      return effect.noReply();
    }
    PinningJob.Event placed =
        command.replacing().isEmpty()
            ? new PinningJob.Placed(selection, now)
            : new PinningJob.Replaced(command.replacing().get(), selection, now);
    return effect
        .persist(placed)
        .thenRun(updated -> started(updated.job().get(), command.replacing(), selection))
        .thenNoReply();
  }

  ReplyEffect<PinningJob.Event, State> onFailed(
      EffectFactories<PinningJob.Event, State> effect, PlacementFailed command) {
    retry(command.replacing(), command.reason());
    return effect.noReply();
  }

  /** The slot a new replica takes: one past every slot used so far. */
  static int nextSlot(Job job) {
    return job.replicas().stream().mapToInt(Replica::slot).max().orElse(-1) + 1;
  }

  /** Who may not host a new replica: the supporter and every provider of the job so far. */
  static List<EthereumAddress> excludedHosters(Job job) {
    Set<EthereumAddress> excluded = new LinkedHashSet<>();
    excluded.add(job.supporter());
    job.replicas()
        .forEach(
            replica -> {
              excluded.add(replica.assignment().hoster());
              excluded.add(replica.assignment().encoder());
            });
    return List.copyOf(excluded);
  }

  /** Who may not witness: the supporter and the job's hosters (an encoder may witness again). */
  static List<EthereumAddress> excludedEncoders(Job job) {
    Set<EthereumAddress> excluded = new LinkedHashSet<>();
    excluded.add(job.supporter());
    job.replicas().forEach(replica -> excluded.add(replica.assignment().hoster()));
    return List.copyOf(excluded);
  }

  private EntityRef<PinnedReplica.Command> replica(ReplicaAssignment assignment) {
    return ClusterSharding.get(context.getSystem())
        .entityRefFor(PinnedReplica.ENTITY_KEY, assignment.entityId());
  }
}
