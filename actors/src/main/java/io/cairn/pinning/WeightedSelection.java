package io.cairn.pinning;

import io.cairn.protocol.hypercore.Blake2b;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.BiPredicate;

/**
 * Weighted sampling without replacement (Efraimidis–Spirakis A-Res), reproducible from the journal:
 * every candidate's draw comes from a hash of the round's revealed seed, the task and the
 * candidate's id, never from a random number generator, so replaying the same seed, task and
 * candidates picks the same providers in the same order (PINNING.md §3.5).
 *
 * <p>Candidate {@code i} draws {@code u_i = (top53(BLAKE2b-256(seed ‖ "select" ‖ task ‖ id_i)) +
 * 0.5) / 2^53}, strictly inside (0, 1), and gets the key {@code ln(u_i) / w_i}; the candidates are
 * ranked by key, highest first (ties by id), and walked in that order, each taken if it keeps every
 * constraint with those already taken, until {@code count} are chosen. With no constraint the first
 * pick is candidate {@code i} with probability {@code w_i / Σw}, and the whole ranking is a
 * weighted draw without replacement. A weight of 0 (a disqualified provider) is never picked.
 */
public final class WeightedSelection {
  private static final byte[] SELECT = "select".getBytes(StandardCharsets.US_ASCII);
  private static final double TWO_TO_53 = 0x1p53;

  /** One eligible provider: its id (unique) and its weight (finite, not negative). */
  public record Candidate(String id, double weight) {
    public Candidate {
      Objects.requireNonNull(id, "id");
      if (!(weight >= 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException(
            "candidate " + id + ": a weight is finite and not negative, not " + weight);
      }
    }
  }

  private WeightedSelection() {}

  /**
   * Up to {@code count} of {@code candidates}, in the order drawn; {@code compatible} says whether
   * a candidate may join one already chosen (anti-affinity: another operator, another region).
   * Fewer than {@code count} when not enough candidates with a weight above 0 keep the constraints.
   *
   * @throws IllegalArgumentException when two candidates share an id, or {@code count} is negative
   */
  public static List<Candidate> select(
      byte[] seed,
      String task,
      List<Candidate> candidates,
      int count,
      BiPredicate<Candidate, Candidate> compatible) {
    if (count < 0) {
      throw new IllegalArgumentException("a selection takes 0 or more, not " + count);
    }
    if (candidates.stream().map(Candidate::id).distinct().count() != candidates.size()) {
      throw new IllegalArgumentException("two candidates share an id: " + candidates);
    }
    byte[] taskBytes = task.getBytes(StandardCharsets.UTF_8);
    List<Ranked> ranked = new ArrayList<>();
    for (Candidate candidate : candidates) {
      if (candidate.weight() > 0) {
        ranked.add(
            new Ranked(
                candidate,
                Math.log(uniform(seed, taskBytes, candidate.id())) / candidate.weight()));
      }
    }
    ranked.sort(
        Comparator.comparingDouble(Ranked::key)
            .reversed()
            .thenComparing(entry -> entry.candidate().id()));
    List<Candidate> chosen = new ArrayList<>();
    for (Ranked entry : ranked) {
      if (chosen.size() == count) {
        break;
      }
      if (chosen.stream().allMatch(taken -> compatible.test(taken, entry.candidate()))) {
        chosen.add(entry.candidate());
      }
    }
    return List.copyOf(chosen);
  }

  /** {@link #select} with no constraint between candidates. */
  public static List<Candidate> select(
      byte[] seed, String task, List<Candidate> candidates, int count) {
    return select(seed, task, candidates, count, (taken, next) -> true);
  }

  /**
   * The candidate's draw: the digest's first 53 bits, plus one half, over 2^53. Length prefixes
   * keep ("ab", "c") and ("a", "bc") apart.
   */
  static double uniform(byte[] seed, byte[] task, String id) {
    byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
    byte[] digest =
        Blake2b.hash(lengthPrefixed(seed), SELECT, lengthPrefixed(task), lengthPrefixed(idBytes));
    long top64 = 0;
    for (int i = 0; i < 8; i++) {
      top64 = (top64 << 8) | (digest[i] & 0xff);
    }
    long top53 = top64 >>> 11;
    return (top53 + 0.5) / TWO_TO_53;
  }

  private static byte[] lengthPrefixed(byte[] bytes) {
    byte[] out = new byte[4 + bytes.length];
    out[0] = (byte) (bytes.length >>> 24);
    out[1] = (byte) (bytes.length >>> 16);
    out[2] = (byte) (bytes.length >>> 8);
    out[3] = (byte) bytes.length;
    System.arraycopy(bytes, 0, out, 4, bytes.length);
    return out;
  }

  private record Ranked(Candidate candidate, double key) {}
}
