package io.cairn.pinning;

import io.cairn.pinning.PinningJob.Job;
import io.cairn.pinning.PinningJob.Replica;
import io.cairn.pinning.PinningJob.ReplicaState;
import io.cairn.pinning.PinningJob.Status;
import io.cairn.protocol.ledger.Bytes32;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** How each of {@link PinningJob}'s events changes the job: its event handler's rules. */
final class JobRules {
  private JobRules() {}

  static Job apply(Bytes32 jobId, PinningJob.State state, PinningJob.Event event) {
    if (event instanceof PinningJob.Requested requested) {
      return new Job(
          jobId,
          requested.supporter(),
          requested.requestId(),
          requested.terms(),
          Status.REQUESTED,
          List.of(),
          requested.at(),
          requested.endsAt(),
          Optional.empty(),
          Optional.empty());
    }
    Job job = state.job().orElseThrow();
    if (event instanceof PinningJob.Cancelled cancelled) {
      return ending(job, Status.CANCELLED, cancelled.at());
    } else if (event instanceof PinningJob.Expired expired) {
      return ending(job, Status.EXPIRED, expired.at());
    } else if (event instanceof PinningJob.Placed placed) {
      return withSelection(job, List.of(), placed.selection(), Optional.empty());
    } else if (event instanceof PinningJob.Replaced replaced) {
      return withSelection(job, job.replicas(), replaced.selection(), Optional.of(replaced.slot()));
    } else if (event instanceof PinningJob.TailPlaced placed) {
      // the whole tail became the sector: a tail is sealed up to the last length the job saw
      Job sealed = withSelection(job, job.replicas(), placed.selection(), Optional.empty());
      return with(sealed, sealed.replicas(), Optional.empty());
    } else if (event instanceof PinningJob.TailSeen seen) {
      UnsealedTail tail =
          job.unsealedTail()
              .map(
                  open -> new UnsealedTail(open.start(), seen.end(), seen.treeHash(), open.since()))
              .orElseGet(
                  () ->
                      new UnsealedTail(
                          JobTail.sealedEnd(job), seen.end(), seen.treeHash(), seen.at()));
      return with(job, job.replicas(), Optional.of(tail));
    } else if (event instanceof PinningJob.ReplicaNoted noted) {
      List<Replica> replicas = new ArrayList<>();
      for (Replica replica : job.replicas()) {
        replicas.add(
            replica.slot() == noted.slot()
                ? new Replica(replica.assignment(), noted.state(), noted.root())
                : replica);
      }
      return with(job, replicas, job.unsealedTail());
    }
    throw new IllegalStateException("no rule for " + event);
  }

  private static Job ending(Job job, Status status, Instant at) {
    return new Job(
        job.jobId(),
        job.supporter(),
        job.requestId(),
        job.terms(),
        status,
        job.replicas(),
        job.requestedAt(),
        job.endsAt(),
        Optional.of(at),
        job.unsealedTail());
  }

  private static Job with(Job job, List<Replica> replicas, Optional<UnsealedTail> tail) {
    return new Job(
        job.jobId(),
        job.supporter(),
        job.requestId(),
        job.terms(),
        job.status(),
        replicas,
        job.requestedAt(),
        job.endsAt(),
        job.endedAt(),
        tail);
  }

  /** The job's replicas with the selection's added, and the replaced one marked so. */
  private static Job withSelection(
      Job job, List<Replica> before, Placement.Selection selection, Optional<Integer> replaced) {
    List<Replica> replicas = new ArrayList<>();
    for (Replica replica : before) {
      replicas.add(
          replaced.isPresent() && replica.slot() == replaced.get()
              ? new Replica(replica.assignment(), ReplicaState.REPLACED, replica.root())
              : replica);
    }
    selection
        .assignments()
        .forEach(
            assignment ->
                replicas.add(new Replica(assignment, ReplicaState.SEALING, Optional.empty())));
    return with(job, replicas, job.unsealedTail());
  }
}
