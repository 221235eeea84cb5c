package io.cairn.agent;

import io.cairn.protocol.api.v1.AgentReplica;
import io.cairn.protocol.api.v1.AgentTasks;
import io.cairn.protocol.pinning.ReplicaId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what an agent keeps for replicas that are no longer its work. The node's task list is the
 * authority: {@code AgentTasks.replicas} lists every replica that is the agent's work, in the
 * agent's role. A replica it holds and the list leaves out is deleted only once it has been left
 * out of {@link CleanupMargin#lists} task lists in a row and for {@link CleanupMargin#after}, so
 * that one empty answer (a node restarting, a read model behind) deletes nothing. When and how
 * often it was left out is written in the replica's directory, so a restart neither forgets the
 * count nor starts it again.
 */
final class ReplicaCleanup {
  private static final Logger log = LoggerFactory.getLogger(ReplicaCleanup.class);
  private static final String UNLISTED = "unlisted";

  /** How long a replica has been left out: since when, in how many task lists in a row. */
  private record Unlisted(Instant since, int lists) {}

  private final ReplicaStore store;
  private final AgentRole role;
  private final CleanupMargin margin;

  ReplicaCleanup(ReplicaStore store, AgentRole role, CleanupMargin margin) {
    this.store = store;
    this.role = role;
    this.margin = margin;
  }

  /**
   * Counts one more task list for each replica held and not listed (unless it is being sealed now),
   * forgets the count of each listed again, and deletes those left out for the whole margin; the
   * ids deleted.
   */
  List<ReplicaId> afterTaskList(AgentTasks tasks, Predicate<ReplicaId> sealingNow) {
    Set<ReplicaId> listed = new HashSet<>();
    for (AgentReplica replica : tasks.getReplicasList()) {
      if (replica.getRole().equals(role.inTask())) {
        listed.add(ReplicaId.fromBytes(SealAssignment.hex32("replica_id", replica.getReplicaId())));
      }
    }
    Instant now = Instant.now();
    List<ReplicaId> deleted = new ArrayList<>();
    for (ReplicaStore.StoredReplica stored : store.replicas()) {
      Path file = stored.directory().resolve(UNLISTED);
      if (listed.contains(stored.replicaId()) || sealingNow.test(stored.replicaId())) {
        forget(file);
        continue;
      }
      Unlisted before = read(file);
      Unlisted unlisted =
          before == null ? new Unlisted(now, 1) : new Unlisted(before.since(), before.lists() + 1);
      Duration left = Duration.between(unlisted.since(), now);
      if (unlisted.lists() >= margin.lists() && left.compareTo(margin.after()) >= 0) {
        store.delete(stored.replicaId());
        deleted.add(stored.replicaId());
        log.info(
            "deleted replica {} of job {} slot {}: not the {}'s work in {} task lists over {} ms",
            stored.replicaId(),
            stored.assignment().jobId(),
            stored.assignment().slot(),
            role.registered(),
            unlisted.lists(),
            left.toMillis());
      } else {
        if (before == null) {
          log.info(
              "replica {} of job {} slot {} is no longer listed as the {}'s work; deleting it"
                  + " after {} task lists and {} s without it",
              stored.replicaId(),
              stored.assignment().jobId(),
              stored.assignment().slot(),
              role.registered(),
              margin.lists(),
              margin.after().toSeconds());
        }
        write(file, unlisted);
      }
    }
    return deleted;
  }

  /** The count kept in {@code file}; none when there is none or it cannot be read whole. */
  private static Unlisted read(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      String[] fields = Files.readString(file, StandardCharsets.US_ASCII).strip().split(" ");
      return new Unlisted(
          Instant.ofEpochMilli(Long.parseLong(fields[0])), Integer.parseInt(fields[1]));
    } catch (IOException | RuntimeException unreadable) {
      // counting again from now only ever keeps a replica longer
      log.warn("cannot read {}, counting again: {}", file, unreadable.getMessage());
      return null;
    }
  }

  /** Writes {@code "<since, epoch ms> <lists>"}, whole or not at all. */
  private static void write(Path file, Unlisted unlisted) {
    Path partial = file.resolveSibling(UNLISTED + ".partial");
    try {
      Files.writeString(
          partial,
          unlisted.since().toEpochMilli() + " " + unlisted.lists() + "\n",
          StandardCharsets.US_ASCII);
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void forget(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + file + ": " + e.getMessage(), e);
    }
  }
}
