package io.cairn.pinning;

import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.hypercore.Blake2b;
import io.cairn.protocol.ledger.Bytes32;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a service check of one replica is made of (PINNING.md 3.4 step 5), derived only from
 * persisted fields and the epoch's secret, so that anyone holding the revealed secret draws every
 * check again: its attester (A-Res over the attesters, weighted by attesting score, never the
 * hoster, the job's supporter or a provider of the hoster's operator), its id (the nonce the hoster
 * signs its proofs of contact over), its block indices, and when the next check comes.
 */
public final class ServiceCheckDraw {
  private static final byte[] CHECK_ID_DOMAIN =
      "cairn/service-check/v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BLOCKS_DOMAIN =
      "cairn/service-check-blocks/v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NEXT_CHECK_DOMAIN =
      "cairn/next-service-check/v1".getBytes(StandardCharsets.US_ASCII);

  private ServiceCheckDraw() {}

  /** One check as drawn: no attester when none is eligible. */
  public record Drawn(Optional<EthereumAddress> attester, Bytes32 checkId, List<Long> indices) {
    public Drawn {
      indices = List.copyOf(indices);
    }
  }

  /**
   * Draws check {@code checkNo} of {@code assignment}'s replica from {@code candidates} as they
   * stood: {@code excluded} never attest (the hoster and the supporter), nor does any candidate
   * whose operator is the hoster's (as the candidates list it).
   */
  public static Drawn draw(
      byte[] epochSecret,
      ReplicaAssignment assignment,
      long checkNo,
      int blocks,
      double unvettedShare,
      List<Placement.Candidate> candidates,
      List<EthereumAddress> excluded) {
    Set<String> hosterOperators =
        candidates.stream()
            .filter(candidate -> candidate.address().equals(assignment.hoster()))
            .map(Placement.Candidate::operator)
            .collect(Collectors.toSet());
    List<EthereumAddress> notAttesters = new ArrayList<>(excluded);
    notAttesters.add(assignment.hoster());
    candidates.stream()
        .filter(candidate -> hosterOperators.contains(candidate.operator()))
        .forEach(candidate -> notAttesters.add(candidate.address()));
    List<WeightedSelection.Candidate> eligible =
        Placement.eligible(candidates, notAttesters, Provider.Role.ATTESTER, 0, unvettedShare);
    String task = "service-check/" + assignment.entityId() + "/" + checkNo;
    Optional<EthereumAddress> attester =
        WeightedSelection.select(epochSecret, task, eligible, 1).stream()
            .findFirst()
            .map(drawn -> new EthereumAddress(drawn.id()));
    return new Drawn(
        attester,
        checkId(epochSecret, assignment, checkNo),
        indices(epochSecret, assignment, checkNo, blocks));
  }

  /**
   * The check's id: from the epoch's secret, so a hoster cannot sign proofs of contact for a check
   * before it is drawn.
   */
  static Bytes32 checkId(byte[] epochSecret, ReplicaAssignment assignment, long checkNo) {
    return Bytes32.of(
        Blake2b.hash(
            CHECK_ID_DOMAIN,
            epochSecret,
            assignment.replicaId().bytes(),
            ByteBuffer.allocate(Long.BYTES).putLong(checkNo).array()));
  }

  /** {@code count} block indices of the replica's range, each uniform, drawn independently. */
  static List<Long> indices(
      byte[] epochSecret, ReplicaAssignment assignment, long checkNo, int count) {
    long span = assignment.rangeEnd() - assignment.rangeStart();
    List<Long> indices = new ArrayList<>();
    for (int j = 0; j < count; j++) {
      byte[] digest =
          Blake2b.hash(
              BLOCKS_DOMAIN,
              epochSecret,
              assignment.replicaId().bytes(),
              ByteBuffer.allocate(12).putLong(checkNo).putInt(j).array());
      long draw = ByteBuffer.wrap(digest, 0, 8).getLong() >>> 1;
      indices.add(assignment.rangeStart() + draw % span);
    }
    return indices;
  }

  /**
   * How long after check {@code checkNo} was drawn the next one comes: uniform in [¾, 1¼] of {@code
   * interval}, from the epoch's secret, so a hoster cannot tell when it will be checked.
   */
  public static Duration nextCheckDelay(
      byte[] epochSecret, ReplicaAssignment assignment, long checkNo, Duration interval) {
    byte[] digest =
        Blake2b.hash(
            NEXT_CHECK_DOMAIN,
            epochSecret,
            assignment.replicaId().bytes(),
            ByteBuffer.allocate(Long.BYTES).putLong(checkNo).array());
    double uniform = (ByteBuffer.wrap(digest, 0, 8).getLong() >>> 11) / 0x1p53;
    long millis = interval.toMillis();
    return Duration.ofMillis(millis * 3 / 4 + Math.round(uniform * millis / 2));
  }
}
