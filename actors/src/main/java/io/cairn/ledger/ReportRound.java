package io.cairn.ledger;

import io.cairn.ledger.RoundOutcome.Report;
import io.cairn.protocol.EthereumAddress;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A checksum report round as the embedded ledger keeps it: its reporters, the reward each is due,
 * what is still reserved for them, their reports, and the final report once enough agree.
 */
public record ReportRound(
    RoundKey key,
    List<EthereumAddress> reporters,
    BigInteger rewardPerReporter,
    BigInteger reserved,
    Map<EthereumAddress, Report> reports,
    Optional<Report> finalReport,
    boolean closed) {

  public ReportRound {
    reporters = List.copyOf(reporters);
    reports = Map.copyOf(reports);
  }

  static ReportRound opened(RoundKey key, List<EthereumAddress> reporters, BigInteger reward) {
    return new ReportRound(
        key,
        reporters,
        reward,
        reward.multiply(BigInteger.valueOf(reporters.size())),
        Map.of(),
        Optional.empty(),
        false);
  }

  /** How many reporters submitted exactly {@code report}. */
  long votesFor(Report report) {
    return reports.values().stream().filter(report::equals).count();
  }

  ReportRound withReport(EthereumAddress reporter, Report report) {
    Map<EthereumAddress, Report> more = new HashMap<>(reports);
    more.put(reporter, report);
    return new ReportRound(key, reporters, rewardPerReporter, reserved, more, finalReport, closed);
  }

  ReportRound withFinal(Report report) {
    return new ReportRound(
        key, reporters, rewardPerReporter, reserved, reports, Optional.of(report), closed);
  }

  ReportRound withPaid(BigInteger amount) {
    return new ReportRound(
        key, reporters, rewardPerReporter, reserved.subtract(amount), reports, finalReport, closed);
  }

  ReportRound withClosed() {
    return new ReportRound(
        key, reporters, rewardPerReporter, BigInteger.ZERO, reports, finalReport, true);
  }

  RoundOutcome outcome() {
    return new RoundOutcome(key.id(), true, finalReport, closed);
  }
}
