package io.cairn.pinning;

import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.ledger.Bytes32;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Where a job's replicas go (PINNING.md 3.5): for each sector, hosters drawn by weighted sampling
 * without replacement ({@link WeightedSelection}) from the epoch's secret, one per replica, from
 * distinct operators and, where enough providers allow, distinct regions; and for each replica an
 * encoder that is not one of the job's hosters. A pure function of its inputs, which a {@link
 * Selection} keeps, so that anyone with the revealed secret recomputes it.
 */
public final class Placement {
  private Placement() {}

  /**
   * A registered provider as selection sees it, with its weight in each role as it stood at the
   * selection (kept with the selection, so a replay draws with the same weights).
   */
  public record Candidate(
      EthereumAddress address,
      Set<Provider.Role> roles,
      long capacityBytes,
      String operator,
      String region,
      Weights weights) {
    public Candidate {
      roles = Set.copyOf(roles);
    }
  }

  /**
   * A provider's selection weight per role, and whether it is vetted (PINNING.md 3.5): {@code
   * score^4 · min(1, stake / stakeTarget)}, where the score is the storage score for a hoster or an
   * encoder and the attesting score for an attester; a hoster's is also scaled by how attesters
   * find its service, from half for a hoster readers cannot use to full. A score below {@code
   * no-new-work-below} weighs 0: never picked.
   */
  public record Weights(double hoster, double encoder, double attester, boolean vetted) {
    /** Every provider alike: what selections drawn before reputation weighed them used. */
    public static final Weights EQUAL = new Weights(1, 1, 1, true);

    public Weights {
      for (double weight : new double[] {hoster, encoder, attester}) {
        if (!(weight >= 0) || Double.isInfinite(weight)) {
          throw new IllegalArgumentException("a weight is finite and not negative, not " + weight);
        }
      }
    }

    public static Weights of(Reputation.Scores scores, double stakeShare, Reputation.Rules rules) {
      double stake = Math.max(0, Math.min(1, stakeShare));
      return new Weights(
          weighed(scores.storage(), stake, rules) * (0.5 + 0.5 * scores.performance()),
          weighed(scores.storage(), stake, rules),
          weighed(scores.attesting(), stake, rules),
          scores.vetted());
    }

    private static double weighed(double score, double stake, Reputation.Rules rules) {
      return Reputation.standingOf(score, rules) == Reputation.Standing.GOOD
          ? Math.pow(score, 4) * stake
          : 0;
    }

    double of(Provider.Role role) {
      switch (role) {
        case HOSTER:
          return hoster;
        case ENCODER:
          return encoder;
        default:
          return attester;
      }
    }
  }

  /** One sector: blocks [start, end) of the core. */
  public record Sector(long start, long end) {}

  /**
   * A sector ending at a length the core's writer signed, with that signed tree's hash: what a
   * hoster verifies the sector's blocks against before sealing them.
   */
  public record SignedSector(Sector sector, Bytes32 treeHash) {}

  /**
   * Everything a placement was drawn from, and what it drew: kept in the job's journal. {@code
   * excludedHosters} may not host (the supporter, every provider of the job so far), {@code
   * excludedEncoders} may not witness (the supporter, the job's hosters); {@code minCapacity} is
   * the bytes a hoster must offer. Every sector is verified against the one signed tree of length
   * {@code treeLength} with {@code treeHash}: the core as it stood at a first placement, the tail's
   * own at a tail's, the replaced replica's at a replacement.
   */
  public record Selection(
      long epoch,
      String coreKey,
      long treeLength,
      Bytes32 treeHash,
      List<Sector> sectors,
      int replicasPerSector,
      int firstSlot,
      long minCapacity,
      double unvettedShare,
      List<Candidate> candidates,
      List<EthereumAddress> excludedHosters,
      List<EthereumAddress> excludedEncoders,
      List<ReplicaAssignment> assignments) {
    public Selection {
      sectors = List.copyOf(sectors);
      candidates = List.copyOf(candidates);
      excludedHosters = List.copyOf(excludedHosters);
      excludedEncoders = List.copyOf(excludedEncoders);
      assignments = List.copyOf(assignments);
    }

    /** Whether it placed every replica it was asked for. */
    public boolean complete() {
      return assignments.size() == sectors.size() * replicasPerSector;
    }
  }

  /**
   * Places {@code replicasPerSector} replicas of each sector, numbering slots from {@code
   * firstSlot}, each to be verified against the signed tree of length {@code treeLength}; fewer
   * assignments than asked when the candidates cannot keep the constraints. Unvetted candidates
   * together weigh {@code unvettedShare} of each draw (when vetted ones are eligible too).
   */
  public static Selection place(
      byte[] epochSecret,
      long epoch,
      Bytes32 jobId,
      String coreKey,
      long treeLength,
      Bytes32 treeHash,
      List<Sector> sectors,
      int replicasPerSector,
      int firstSlot,
      long minCapacity,
      double unvettedShare,
      List<Candidate> candidates,
      List<EthereumAddress> excludedHosters,
      List<EthereumAddress> excludedEncoders) {
    Map<String, Candidate> byId =
        candidates.stream()
            .collect(Collectors.toMap(candidate -> candidate.address().value(), c -> c));
    List<WeightedSelection.Candidate> hosters =
        eligible(candidates, excludedHosters, Provider.Role.HOSTER, minCapacity, unvettedShare);
    List<List<Candidate>> hostersBySector = new ArrayList<>();
    List<EthereumAddress> notEncoders = new ArrayList<>(excludedEncoders);
    for (int sectorNo = 0; sectorNo < sectors.size(); sectorNo++) {
      String task = jobId + "/" + firstSlot + "/sector/" + sectorNo + "/hosters";
      List<Candidate> chosen = draw(epochSecret, task, hosters, replicasPerSector, byId, true);
      if (chosen.size() < replicasPerSector) {
        chosen = draw(epochSecret, task, hosters, replicasPerSector, byId, false);
      }
      hostersBySector.add(chosen);
      chosen.forEach(hoster -> notEncoders.add(hoster.address()));
    }
    // never two roles of one job on one provider: no hoster of any sector witnesses
    List<WeightedSelection.Candidate> encoders =
        eligible(candidates, notEncoders, Provider.Role.ENCODER, 0, unvettedShare);
    List<ReplicaAssignment> assignments = new ArrayList<>();
    int slot = firstSlot;
    for (int sectorNo = 0; sectorNo < sectors.size(); sectorNo++) {
      Sector sector = sectors.get(sectorNo);
      List<Candidate> chosen = hostersBySector.get(sectorNo);
      String task = jobId + "/" + firstSlot + "/sector/" + sectorNo + "/encoders";
      List<Candidate> witnesses =
          WeightedSelection.select(epochSecret, task, encoders, chosen.size()).stream()
              .map(drawn -> byId.get(drawn.id()))
              .toList();
      if (witnesses.isEmpty()) {
        break;
      }
      for (int i = 0; i < chosen.size(); i++) {
        assignments.add(
            new ReplicaAssignment(
                jobId,
                slot++,
                coreKey,
                sector.start(),
                sector.end(),
                treeLength,
                treeHash,
                chosen.get(i).address(),
                witnesses.get(i % witnesses.size()).address()));
      }
    }
    return new Selection(
        epoch,
        coreKey,
        treeLength,
        treeHash,
        sectors,
        replicasPerSector,
        firstSlot,
        minCapacity,
        unvettedShare,
        candidates,
        excludedHosters,
        excludedEncoders,
        assignments);
  }

  /** The sectors of a core of {@code length} blocks, at most {@code sectorBlocks} each. */
  public static List<Sector> sectors(long length, long sectorBlocks) {
    List<Sector> sectors = new ArrayList<>();
    for (long start = 0; start < length; start += sectorBlocks) {
      sectors.add(new Sector(start, Math.min(length, start + sectorBlocks)));
    }
    return sectors;
  }

  private static List<Candidate> draw(
      byte[] seed,
      String task,
      List<WeightedSelection.Candidate> eligible,
      int count,
      Map<String, Candidate> byId,
      boolean spreadRegions) {
    Function<WeightedSelection.Candidate, Candidate> provider = drawn -> byId.get(drawn.id());
    BiPredicate<WeightedSelection.Candidate, WeightedSelection.Candidate> apart =
        (taken, next) ->
            !provider.apply(taken).operator().equals(provider.apply(next).operator())
                && (!spreadRegions
                    || !provider.apply(taken).region().equals(provider.apply(next).region()));
    return WeightedSelection.select(seed, task, eligible, count, apart).stream()
        .map(provider)
        .toList();
  }

  /**
   * The candidates with {@code role}, enough capacity and not excluded, at their weight in that
   * role (PINNING.md 3.5).
   */
  static List<WeightedSelection.Candidate> eligible(
      List<Candidate> candidates,
      List<EthereumAddress> excluded,
      Provider.Role role,
      long minCapacity,
      double unvettedShare) {
    List<Candidate> fit =
        candidates.stream()
            .filter(candidate -> candidate.roles().contains(role))
            .filter(candidate -> candidate.capacityBytes() >= minCapacity)
            .filter(candidate -> !excluded.contains(candidate.address()))
            .toList();
    double vetted = totalWeight(fit, role, true);
    double unvetted = totalWeight(fit, role, false);
    // the unvetted, together, get the share of new work set aside for them: no more (a swarm of
    // fresh keys cannot crowd out providers with a record), no less (newcomers get a record)
    double unvettedScale =
        vetted > 0 && unvetted > 0 ? unvettedShare / (1 - unvettedShare) * vetted / unvetted : 1;
    return fit.stream()
        .map(
            candidate ->
                new WeightedSelection.Candidate(
                    candidate.address().value(),
                    candidate.weights().of(role)
                        * (candidate.weights().vetted() ? 1 : unvettedScale)))
        .toList();
  }

  private static double totalWeight(
      List<Candidate> candidates, Provider.Role role, boolean vetted) {
    return candidates.stream()
        .filter(candidate -> candidate.weights().vetted() == vetted)
        .mapToDouble(candidate -> candidate.weights().of(role))
        .sum();
  }
}
