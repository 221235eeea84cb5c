package io.cairn.agent;

import io.cairn.protocol.event.EvmSigner;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How one agent runs, as {@code cairn agent hoster|encoder|attester} takes it.
 *
 * @param node the node's public API
 * @param signer the agent's own key: it signs in, registers and signs every statement with it
 * @param data the agent's own data directory
 * @param role what it registers as and does
 * @param capacityBytes what a hoster offers to hold (0 for an encoder or an attester)
 * @param operator who runs it, as it declares it
 * @param region where it runs, as it declares it
 * @param serve where a hoster serves its blocks to readers, if anywhere
 * @param poll how often it asks the node for its tasks
 * @param keepUnlisted how long the data of a replica no longer listed as its work is kept, and in
 *     how many task lists in a row it must be missing, before it is deleted
 * @param cheat how a hoster or an attester cheats, for tests; {@link CheatMode.Honest} otherwise
 */
public record AgentSettings(
    URI node,
    EvmSigner signer,
    Path data,
    AgentRole role,
    long capacityBytes,
    String operator,
    String region,
    Optional<InetSocketAddress> serve,
    Duration poll,
    CleanupMargin keepUnlisted,
    CheatMode cheat) {
  public AgentSettings {
    if (poll.isNegative() || poll.isZero()) {
      throw new IllegalArgumentException("--poll must be above 0, not " + poll);
    }
    if (role == AgentRole.ENCODER && (serve.isPresent() || !(cheat instanceof CheatMode.Honest))) {
      throw new IllegalArgumentException("an encoder neither serves blocks nor cheats");
    }
    if (role == AgentRole.ATTESTER
        && (serve.isPresent()
            || !(cheat instanceof CheatMode.Honest || cheat instanceof CheatMode.Lazy))) {
      throw new IllegalArgumentException("an attester serves no blocks, and cheats only lazily");
    }
    if (role != AgentRole.ATTESTER && cheat instanceof CheatMode.Lazy) {
      throw new IllegalArgumentException("only an attester is lazy");
    }
  }
}
