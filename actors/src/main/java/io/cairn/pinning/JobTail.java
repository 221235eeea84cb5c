package io.cairn.pinning;

import io.cairn.core.Core;
import io.cairn.pinning.PinningJob.Job;
import io.cairn.pinning.PinningJob.State;
import io.cairn.pinning.PinningJob.TailStep;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.ledger.Bytes32;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The part of a {@link PinningJob} that follows its growing core (PINNING.md 3.2): the blocks
 * appended after the job placed its sectors are its {@link UnsealedTail}, held by the cluster's own
 * copy of the core only, until they fill a sector ({@code cairn.pinning.sector-blocks}) or the
 * oldest has waited {@code cairn.pinning.tail.seal-after}; then they are placed as a new sector
 * through the supervisor, like the first ones, in the next free slots.
 *
 * <p>The job reads its core's length on a timer ({@code tail.check-interval}) rather than following
 * the core's events in a projection: a core persists an event per block, so a projection would wake
 * every job on every block, while the job needs the length only now and then. The timer costs one
 * read per interval whatever the append rate, and lives in the job itself, a remembered entity, so
 * it is armed again wherever the job recovers. The job persists a {@link PinningJob.TailSeen} only
 * when the core grew since the last, and the tail's sealing as {@link PinningJob.TailPlaced}; a
 * failed read or placement is tried again at the next check.
 */
final class JobTail {

  /** What the job tells itself while following its core. */
  sealed interface Step {}

  /** Time to read the core's length. */
  record CheckDue() implements Step {}

  /** The core's latest signed length, and that tree's hash. */
  record Read(long length, Bytes32 treeHash) implements Step {}

  /** The supervisor's selection for the tail's sector. */
  record SectorChosen(Placement.Selection selection) implements Step {}

  /** A read or a placement failed. */
  record Failed(String what) implements Step {}

  private final Bytes32 jobId;
  private final PinningSettings settings;
  private final ActorRef<PinningSupervisor.Command> supervisor;
  private final Function<byte[], CompletionStage<Core.Info>> coreInfo;
  private final JobPlacement placement;
  private final ActorContext<PinningJob.Command> context;
  private final TimerScheduler<PinningJob.Command> timers;

  JobTail(
      Bytes32 jobId,
      PinningSettings settings,
      ActorRef<PinningSupervisor.Command> supervisor,
      Function<byte[], CompletionStage<Core.Info>> coreInfo,
      JobPlacement placement,
      ActorContext<PinningJob.Command> context,
      TimerScheduler<PinningJob.Command> timers) {
    this.jobId = jobId;
    this.settings = settings;
    this.supervisor = supervisor;
    this.coreInfo = coreInfo;
    this.placement = placement;
    this.context = context;
    this.timers = timers;
  }

  /** A running job reads its core's length every check interval, from now on. */
  void follow(Job job) {
    if (!job.ended()) {
      timers.startTimerWithFixedDelay(
          CheckDue.class, new TailStep(new CheckDue()), settings.tail().checkInterval());
    }
  }

  void stop() {
    timers.cancel(CheckDue.class);
  }

  /** Where the job's placed sectors end: the first block of its tail. */
  static long sealedEnd(Job job) {
    return job.replicas().stream().mapToLong(r -> r.assignment().rangeEnd()).max().orElse(0);
  }

  /**
   * Who may not host the tail's sector: the supporter and the job's encoders. As within the first
   * placement, a hoster of another sector may host this one; within the sector they stay apart.
   */
  static List<EthereumAddress> excludedHosters(Job job) {
    Set<EthereumAddress> excluded = new LinkedHashSet<>();
    excluded.add(job.supporter());
    job.replicas().forEach(replica -> excluded.add(replica.assignment().encoder()));
    return List.copyOf(excluded);
  }

  /**
   * Until its first placement the job has no tail: that placement covers the core as long as it is
   * then.
   */
  ReplyEffect<PinningJob.Event, State> on(
      EffectFactories<PinningJob.Event, State> effect, State state, Step step, Instant now) {
    Job job = state.job().get();
    if (job.ended() || job.replicas().isEmpty()) {
      return effect.noReply();
    }
    if (step instanceof CheckDue) {
      read(job);
    } else if (step instanceof Read read) {
      return onRead(effect, job, read, now);
    } else if (step instanceof SectorChosen chosen) {
      return onChosen(effect, job, chosen.selection(), now);
    } else if (step instanceof Failed failed) {
      context.getLog().warn("Job {} tries again at its next tail check: {}", jobId, failed.what());
    }
    return effect.noReply();
  }

  private void read(Job job) {
    context.pipeToSelf(
        coreInfo.apply(HexFormat.of().parseHex(job.terms().coreKey())),
        (info, failure) ->
            new TailStep(
                failure == null
                    ? new Read(info.head().length(), Bytes32.of(info.treeHash()))
                    : new Failed("cannot read core " + job.terms().coreKey() + ": " + failure)));
  }

  /**
   * A length past the tail is persisted, unless those blocks would overfill the sector: then the
   * tail is sealed as far as the job saw it (a sector ends at a length the writer signed, which the
   * hosters verify), and the new length is read again once it is placed.
   */
  private ReplyEffect<PinningJob.Event, State> onRead(
      EffectFactories<PinningJob.Event, State> effect, Job job, Read read, Instant now) {
    Optional<UnsealedTail> tail = job.unsealedTail();
    long seen = tail.map(UnsealedTail::end).orElse(sealedEnd(job));
    if (read.length() <= seen) {
      sealIfDue(job, now);
      return effect.noReply();
    }
    if (tail.isPresent() && read.length() - tail.get().start() > settings.sectorBlocks()) {
      seal(job, tail.get());
      return effect.noReply();
    }
    return effect
        .persist((PinningJob.Event) new PinningJob.TailSeen(read.length(), read.treeHash(), now))
        .thenRun(updated -> sealIfDue(updated.job().get(), now))
        .thenNoReply();
  }

  private void sealIfDue(Job job, Instant now) {
    job.unsealedTail()
        .filter(
            tail ->
                tail.blocks() >= settings.sectorBlocks()
                    || !now.isBefore(tail.since().plus(settings.tail().sealAfter())))
        .ifPresent(tail -> seal(job, tail));
  }

  private void seal(Job job, UnsealedTail tail) {
    context.askWithStatus(
        Placement.Selection.class,
        supervisor,
        settings.askTimeout(),
        replyTo ->
            new PinningSupervisor.Place(
                jobId,
                job.terms().coreKey(),
                job.terms().replicas(),
                JobPlacement.nextSlot(job),
                Optional.empty(),
                Optional.of(tail.sector()),
                excludedHosters(job),
                JobPlacement.excludedEncoders(job),
                replyTo),
        (selection, failure) ->
            new TailStep(
                failure == null
                    ? new SectorChosen(selection)
                    : new Failed("cannot place the tail now: " + failure.getMessage())));
  }

  /**
   * The sector is persisted when it is still the tail's (an answer to an earlier ask is dropped)
   * and complete, then its replicas start.
   */
  private ReplyEffect<PinningJob.Event, State> onChosen(
      EffectFactories<PinningJob.Event, State> effect,
      Job job,
      Placement.Selection selection,
      Instant now) {
    Optional<UnsealedTail> tail = job.unsealedTail();
    if (tail.isEmpty()
        || !selection.sectors().equals(List.of(tail.get().sector().sector()))
        || !selection.treeHash().equals(tail.get().treeHash())
        || selection.firstSlot() != JobPlacement.nextSlot(job)) {
      return effect.noReply();
    }
    if (!selection.complete()) {
      context
          .getLog()
          .warn(
              "Job {} found providers for only {} of the {} replicas of its tail [{}, {});"
                  + " it tries again at its next tail check",
              jobId,
              selection.assignments().size(),
              selection.replicasPerSector(),
              tail.get().start(),
              tail.get().end());
      return effect.noReply();
    }
    return effect
        .persist((PinningJob.Event) new PinningJob.TailPlaced(selection, now))
        .thenRun(updated -> placement.started(updated.job().get(), Optional.empty(), selection))
        .thenNoReply();
  }
}
