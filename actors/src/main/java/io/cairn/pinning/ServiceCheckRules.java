package io.cairn.pinning;

import io.cairn.pinning.ServiceCheck.CheckAssigned;
import io.cairn.pinning.ServiceCheck.CheckExpired;
import io.cairn.pinning.ServiceCheck.CheckSkipped;
import io.cairn.pinning.ServiceCheck.Checking;
import io.cairn.pinning.ServiceCheck.Event;
import io.cairn.pinning.ServiceCheck.RecentGrade;
import io.cairn.pinning.ServiceCheck.ReportGraded;
import io.cairn.pinning.ServiceCheck.ReportRefused;
import io.cairn.pinning.ServiceCheck.State;
import io.cairn.pinning.ServiceCheck.Unwatched;
import io.cairn.pinning.ServiceCheck.Watched;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link ServiceCheck}'s draws and event handler, apart from the entity: pure functions. */
final class ServiceCheckRules {
  private ServiceCheckRules() {}

  /**
   * Why {@code report} is refused before it is judged, if it is: no such check open, another
   * provider than its attester, or past its deadline (which the entity's timer then expires).
   */
  static Optional<Rejection> refusal(State state, ServiceCheck.Report report, Instant now) {
    Optional<ServiceCheck.Check> open = state.checking().flatMap(Checking::open);
    if (open.isEmpty() || !open.get().checkId().equals(report.checkId())) {
      return Optional.of(
          new Rejection(
              ErrorCode.SERVICE_CHECK_NOT_FOUND,
              "no service check " + report.checkId() + " is open on this replica"));
    }
    ServiceCheck.Check check = open.get();
    if (!check.attester().equals(report.attester())) {
      return Optional.of(
          new Rejection(
              ErrorCode.NOT_CHECK_ATTESTER,
              "service check "
                  + check.checkId()
                  + " was drawn for "
                  + check.attester()
                  + ", not "
                  + report.attester()));
    }
    if (now.isAfter(check.deadline())) {
      return Optional.of(
          new Rejection(
              ErrorCode.CHECK_CLOSED,
              "service check " + check.checkId() + " closed at " + check.deadline()));
    }
    return Optional.empty();
  }

  /**
   * What a due check becomes once the providers are read: skipped when the hoster serves no reader
   * or no attester is eligible, else assigned to the attester drawn, due {@code deadline} from now.
   */
  static Event draw(
      Checking checking,
      ServiceCheck.DrawInputs inputs,
      byte[] secret,
      long epoch,
      Instant at,
      Instant next,
      PinningSettings settings,
      AttestationSettings attestation) {
    long checkNo = checking.nextCheckNo();
    if (inputs.serveUrl().isEmpty()) {
      return new CheckSkipped(checkNo, epoch, ServiceCheck.Skip.NO_SERVE_URL, at, next);
    }
    ServiceCheckDraw.Drawn drawn =
        ServiceCheckDraw.draw(
            secret,
            checking.assignment(),
            checkNo,
            attestation.blocks(),
            settings.reputation().unvettedShare(),
            inputs.candidates(),
            checking.excluded());
    if (drawn.attester().isEmpty()) {
      return new CheckSkipped(checkNo, epoch, ServiceCheck.Skip.NO_ATTESTER, at, next);
    }
    return new CheckAssigned(
        new ServiceCheck.Check(
            checkNo,
            epoch,
            drawn.checkId(),
            drawn.attester().get(),
            inputs.serveUrl().get(),
            drawn.indices(),
            at,
            at.plus(attestation.deadline())),
        inputs.candidates(),
        checking.excluded(),
        next);
  }

  /** How each event changes the checks: pure. */
  static Checking apply(State state, Event event, AttestationSettings attestation) {
    if (event instanceof Watched watched) {
      return new Checking(
          watched.assignment(),
          watched.excluded(),
          watched.at(),
          0,
          watched.firstCheckAt(),
          Optional.empty(),
          List.of(),
          Optional.empty());
    }
    Checking c = state.checking().orElseThrow();
    if (event instanceof CheckAssigned assigned) {
      return new Checking(
          c.assignment(),
          c.excluded(),
          c.since(),
          assigned.check().checkNo() + 1,
          assigned.nextCheckAt(),
          Optional.of(assigned.check()),
          c.recent(),
          c.stopped());
    } else if (event instanceof CheckSkipped skipped) {
      return new Checking(
          c.assignment(),
          c.excluded(),
          c.since(),
          skipped.checkNo() + 1,
          skipped.nextCheckAt(),
          Optional.empty(),
          c.recent(),
          c.stopped());
    } else if (event instanceof ReportGraded graded) {
      List<RecentGrade> recent = new ArrayList<>(c.recent());
      recent.add(new RecentGrade(graded.attester(), graded.grade()));
      while (recent.size() > attestation.window()) {
        recent.remove(0);
      }
      return closed(c, recent);
    } else if (event instanceof ReportRefused || event instanceof CheckExpired) {
      return closed(c, c.recent());
    }
    Unwatched unwatched = (Unwatched) event;
    return new Checking(
        c.assignment(),
        c.excluded(),
        c.since(),
        c.nextCheckNo(),
        c.nextCheckAt(),
        Optional.empty(),
        c.recent(),
        Optional.of(unwatched.reason()));
  }

  private static Checking closed(Checking c, List<RecentGrade> recent) {
    return new Checking(
        c.assignment(),
        c.excluded(),
        c.since(),
        c.nextCheckNo(),
        c.nextCheckAt(),
        Optional.empty(),
        recent,
        c.stopped());
  }
}
