package io.cairn.pinning;

import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.event.AddressRecovery;
import io.cairn.protocol.hypercore.Blake2b;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.pinning.PinningStatements;
import io.cairn.protocol.pinning.v1.SignedPinningStatement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the cluster judges an attester's report of a service check (PINNING.md 3.4 step 5), apart
 * from the entity that keeps it. Whose fault a bad block is decides who pays for it:
 *
 * <ul>
 *   <li>A block the hoster served carries its proof of contact, which only the hoster's key makes.
 *       A proof signed by another key, or by the hoster for another check or block, the attester
 *       made up or replayed: the report is <b>fabricated</b>, refused, and counts against the
 *       attester. So is a block claimed served without a proof, and a block claimed verified whose
 *       signed hash is not the core's block: no block but the core's verifies against the
 *       publisher's signature. A lazy attester that fetched nothing has no proof to show.
 *   <li>A proof of contact over a hash that is not the core's block at that index is the hoster's
 *       own statement that it served a wrong block: unverified, the hoster's fault, and the grade
 *       is 0. So is a block the attester reports not served (an error, no answer, no proof of
 *       contact, a proof header that did not verify): the cluster cannot check that claim, so the
 *       comparison with other attesters' grades keeps attesters honest about it.
 * </ul>
 *
 * Unlike datdot, which graded every report 1 and blamed the attester for its own timeout, the grade
 * is {@link PerformanceGrade}'s over what was measured, and only the party at fault is charged.
 */
public final class ServiceReports {
  private ServiceReports() {}

  /**
   * One block as the attester reports it: whether it verified against the publisher's signature,
   * its timings, and the hoster's signed proof of contact or why it was not served.
   */
  public record BlockReport(
      long index,
      boolean verified,
      double firstByteMillis,
      double bytesPerSecond,
      Optional<SignedPinningStatement> contact,
      String failure) {}

  /** What a report comes to: graded, or refused as fabricated (for {@code reason}). */
  sealed interface Judged {}

  record Graded(List<PerformanceGrade.Measurement> measurements, double grade, int verifiedBlocks)
      implements Judged {}

  record Fabricated(String reason) implements Judged {}

  /**
   * Judges {@code blocks} reported for {@code check} of a replica of core {@code coreKey} hosted by
   * {@code hoster}; {@code blockHashes} are the core's own BLAKE2b-256 block hashes at the check's
   * indices.
   */
  static Judged judge(
      ServiceCheck.Check check,
      byte[] coreKey,
      EthereumAddress hoster,
      List<BlockReport> blocks,
      Map<Long, Bytes32> blockHashes,
      AddressRecovery recovery,
      double fullThroughput) {
    List<Long> reported = blocks.stream().map(BlockReport::index).toList();
    if (!reported.equals(check.indices())) {
      return new Fabricated(
          "the report is of blocks " + reported + ", the check's are " + check.indices());
    }
    List<PerformanceGrade.Measurement> measurements = new ArrayList<>();
    int verifiedBlocks = 0;
    for (BlockReport block : blocks) {
      if (!(block.firstByteMillis() >= 0 && block.bytesPerSecond() >= 0)
          || Double.isInfinite(block.firstByteMillis())
          || Double.isInfinite(block.bytesPerSecond())) {
        return new Fabricated("block " + block.index() + " has no time or rate a fetch measures");
      }
      if (block.contact().isEmpty()) {
        if (block.failure().isBlank()) {
          return new Fabricated(
              "block " + block.index() + " is reported served without the hoster's contact");
        }
        measurements.add(unverified(block));
        continue;
      }
      PinningStatements.SignedContact contact;
      try {
        contact = PinningStatements.openContact(block.contact().get(), recovery);
      } catch (Rejection unsigned) {
        return new Fabricated(
            "block " + block.index() + "'s contact is no hoster's: " + unsigned.getMessage());
      }
      Optional<String> foreign = foreignContact(contact, check, coreKey, hoster, block.index());
      if (foreign.isPresent()) {
        return new Fabricated(foreign.get());
      }
      boolean coreBlock =
          Arrays.equals(
              contact.contact().blockHash(), blockHashes.get(block.index()).toByteArray());
      if (!coreBlock && block.verified()) {
        return new Fabricated(
            "block "
                + block.index()
                + " is reported verified, but the hoster signed for bytes that are not the core's"
                + " block: they cannot verify against the publisher's signature");
      }
      boolean verified = coreBlock && block.verified() && block.failure().isBlank();
      if (verified) {
        verifiedBlocks++;
        measurements.add(
            new PerformanceGrade.Measurement(
                true, block.firstByteMillis(), block.bytesPerSecond()));
      } else {
        measurements.add(unverified(block));
      }
    }
    return new Graded(
        measurements, PerformanceGrade.of(measurements, fullThroughput), verifiedBlocks);
  }

  /** Why {@code contact} is not the hoster's for this check and block, if it is not. */
  private static Optional<String> foreignContact(
      PinningStatements.SignedContact contact,
      ServiceCheck.Check check,
      byte[] coreKey,
      EthereumAddress hoster,
      long index) {
    if (!contact.signer().equals(hoster)) {
      return Optional.of(
          "block " + index + "'s contact is signed by " + contact.signer() + ", not the hoster");
    }
    PinningStatements.Contact stated = contact.contact();
    if (!Arrays.equals(stated.checkId(), check.checkId().toByteArray())
        || !Arrays.equals(stated.coreKey(), coreKey)
        || stated.index() != index) {
      return Optional.of(
          "block " + index + "'s contact is the hoster's for another check or block: " + stated);
    }
    return Optional.empty();
  }

  private static PerformanceGrade.Measurement unverified(BlockReport block) {
    return new PerformanceGrade.Measurement(false, block.firstByteMillis(), block.bytesPerSecond());
  }

  /**
   * Whether {@code grade} from {@code attester} agrees with the median of the other attesters'
   * recent grades of the replica, within {@code tolerance}; empty when no other attester graded it
   * yet (nothing to compare with).
   */
  static Optional<Boolean> agreement(
      List<ServiceCheck.RecentGrade> recent,
      EthereumAddress attester,
      double grade,
      double tolerance) {
    double[] others =
        recent.stream()
            .filter(other -> !other.attester().equals(attester))
            .mapToDouble(ServiceCheck.RecentGrade::grade)
            .toArray();
    if (others.length == 0) {
      return Optional.empty();
    }
    return Optional.of(Math.abs(grade - PerformanceGrade.median(others)) <= tolerance);
  }

  /** BLAKE2b-256 of a block's bytes: what a hoster's proof of contact states. */
  static Bytes32 blockHash(byte[] block) {
    return Bytes32.of(Blake2b.hash(block));
  }
}
