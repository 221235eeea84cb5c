package io.cairn.agent;

import java.nio.file.Path;

/**
 * Ways a hoster or an attester can cheat, for tests that show the cluster catching each one ({@code
 * cairn agent hoster|attester --cheat MODE}, a hidden option). An honest agent runs with {@link
 * Honest}.
 */
public sealed interface CheatMode {
  /** No cheating. */
  record Honest() implements CheatMode {}

  /**
   * After sealing, zeroes {@code fraction} of the replica's nodes on disk and forgets them: answers
   * for those nodes carry zero bytes (with the paths of the replica as sealed).
   */
  record DeleteFraction(double fraction) implements CheatMode {
    public DeleteFraction {
      if (!(fraction > 0 && fraction <= 1)) {
        throw new IllegalArgumentException(
            "delete-fraction takes a fraction in (0, 1], not " + fraction);
      }
    }
  }

  /** Answers challenges from another hoster identity's data directory instead of its own. */
  record ShareReplica(Path otherData) implements CheatMode {}

  /** Keeps only the plain blocks; seals again when challenged, then answers. */
  record ResealOnDemand() implements CheatMode {}

  /** Answers each challenged index with the leaf and path of another node. */
  record StalePath() implements CheatMode {}

  /** Stops answering challenges once its replica is accepted. */
  record Silent() implements CheatMode {}

  /**
   * An attester that fetches nothing: it reports made-up timings, every block verified, with proofs
   * of contact it signs itself.
   */
  record Lazy() implements CheatMode {}

  /**
   * A mode as {@code --cheat} takes it: {@code delete-fraction=F}, {@code share-replica=DIR},
   * {@code reseal-on-demand}, {@code stale-path} or {@code silent} for a hoster; {@code lazy} for
   * an attester.
   */
  static CheatMode parse(String text) {
    String mode = text.strip();
    int equals = mode.indexOf('=');
    String name = equals < 0 ? mode : mode.substring(0, equals);
    String value = equals < 0 ? null : mode.substring(equals + 1);
    switch (name) {
      case "delete-fraction":
        try {
          return new DeleteFraction(Double.parseDouble(required(name, value)));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("delete-fraction takes a number, not '" + value + "'");
        }
      case "share-replica":
        return new ShareReplica(Path.of(required(name, value)));
      case "reseal-on-demand":
        return new ResealOnDemand();
      case "stale-path":
        return new StalePath();
      case "silent":
        return new Silent();
      case "lazy":
        return new Lazy();
      default:
        throw new IllegalArgumentException(
            "'"
                + text
                + "' is no cheat mode: delete-fraction=F, share-replica=DIR, reseal-on-demand,"
                + " stale-path, silent or lazy");
    }
  }

  private static String required(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " needs a value: " + name + "=...");
    }
    return value;
  }
}
