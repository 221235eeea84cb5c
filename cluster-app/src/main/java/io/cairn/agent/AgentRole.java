package io.cairn.agent;

import java.util.Locale;

/** What an agent does for pinning jobs, as it registers and as seal tasks name it. */
public enum AgentRole {
  /** Keeps a sealed replica and the plain blocks, answers storage challenges, serves readers. */
  HOSTER,
  /** The witness: seals the same replica as the hoster, commits to its root, keeps nothing. */
  ENCODER,
  /** Fetches plain blocks from hosters as a reader would, and reports how they came. */
  ATTESTER;

  /** The role as a provider registers it: {@code hoster}, {@code encoder}, {@code attester}. */
  public String registered() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role as a {@code SealTask} names it: {@code HOSTER}, {@code ENCODER}. */
  public String inTask() {
    return name();
  }
}
