package io.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.protocol.api.v1.AgentReplica;
import io.cairn.protocol.api.v1.AgentTasks;
import io.cairn.protocol.api.v1.SealTask;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.pinning.ReplicaId;
import io.cairn.protocol.pinning.Sealer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an agent deletes when its task lists stop naming a replica: only after the margin, never on
 * a transient absence, and counting on through a restart.
 */
class ReplicaCleanupTest {
  @TempDir Path data;

  private final PrivateKeySigner hoster = PrivateKeySigner.generate();
  private final SealFixture fixture = new SealFixture(20);
  private final CleanupMargin threeLists = new CleanupMargin(3, Duration.ZERO);

  private ReplicaStore.StoredReplica hosted(ReplicaStore store, int slot) {
    SealTask task = fixture.task(hoster.address(), AgentRole.HOSTER, new byte[32], slot);
    SealAssignment assignment = SealAssignment.of(task);
    Sealer.SealedReplica sealed = SectorSealer.seal(assignment, fixture.blocks);
    return store.saveHosted(
        task, assignment, SectorSealer.commit(hoster, sealed), sealed.tree(), fixture.sector());
  }

  private static AgentTasks listing(AgentRole role, ReplicaStore.StoredReplica... replicas) {
    AgentTasks.Builder tasks = AgentTasks.newBuilder();
    for (ReplicaStore.StoredReplica replica : replicas) {
      tasks.addReplicas(
          AgentReplica.newBuilder()
              .setJobId(replica.assignment().jobId())
              .setSlot(replica.assignment().slot())
              .setReplicaId("0x" + replica.replicaId())
              .setRole(role.inTask())
              .setState("ACTIVE"));
    }
    return tasks.build();
  }

  private static List<ReplicaId> poll(ReplicaCleanup cleanup, AgentTasks tasks) {
    return cleanup.afterTaskList(tasks, id -> false);
  }

  @Test
  void aReplicaLeftOutIsDeletedOnlyAfterTheMarginAndKeptThroughATransientAbsence() {
    ReplicaStore store = ReplicaStore.open(data, hoster.address());
    ReplicaStore.StoredReplica kept = hosted(store, 0);
    ReplicaStore.StoredReplica ended = hosted(store, 1);
    ReplicaCleanup cleanup = new ReplicaCleanup(store, AgentRole.HOSTER, threeLists);
    AgentTasks empty = AgentTasks.getDefaultInstance();

    // two empty answers, then both listed again: nothing deleted, and the count starts again
    assertEquals(List.of(), poll(cleanup, empty));
    assertEquals(List.of(), poll(cleanup, empty));
    assertEquals(List.of(), poll(cleanup, listing(AgentRole.HOSTER, kept, ended)));
    assertTrue(Files.notExists(ended.directory().resolve("unlisted")));

    // listed in another role is not listed as this agent's work
    assertEquals(List.of(), poll(cleanup, listing(AgentRole.ENCODER, kept, ended)));
    assertEquals(List.of(), poll(cleanup, listing(AgentRole.HOSTER, kept)));
    assertTrue(Files.isDirectory(ended.directory()));
    assertEquals(List.of(ended.replicaId()), poll(cleanup, listing(AgentRole.HOSTER, kept)));
    assertTrue(Files.notExists(ended.directory()));
    assertTrue(store.replica(ended.replicaId()).isEmpty());
    assertEquals(
        List.of(kept.replicaId()), store.replicas().stream().map(r -> r.replicaId()).toList());
  }

  @Test
  void theCountGoesOnThroughARestart() {
    ReplicaStore store = ReplicaStore.open(data, hoster.address());
    ReplicaStore.StoredReplica ended = hosted(store, 0);
    AgentTasks empty = AgentTasks.getDefaultInstance();
    ReplicaCleanup before = new ReplicaCleanup(store, AgentRole.HOSTER, threeLists);
    poll(before, empty);
    poll(before, empty);

    ReplicaStore reopened = ReplicaStore.open(data, hoster.address());
    ReplicaCleanup after = new ReplicaCleanup(reopened, AgentRole.HOSTER, threeLists);
    assertEquals(List.of(ended.replicaId()), poll(after, empty));
    assertTrue(ReplicaStore.open(data, hoster.address()).replicas().isEmpty());
  }

  @Test
  void neitherTheListsNorTheTimeAloneAreEnough() {
    ReplicaStore store = ReplicaStore.open(data, hoster.address());
    ReplicaStore.StoredReplica ended = hosted(store, 0);
    ReplicaCleanup anHour =
        new ReplicaCleanup(store, AgentRole.HOSTER, new CleanupMargin(1, Duration.ofHours(1)));
    for (int i = 0; i < 10; i++) {
      assertEquals(List.of(), poll(anHour, AgentTasks.getDefaultInstance()));
    }
    // a replica being sealed now is not counted: it may not be listed yet
    ReplicaCleanup now =
        new ReplicaCleanup(store, AgentRole.HOSTER, new CleanupMargin(1, Duration.ZERO));
    assertEquals(List.of(), now.afterTaskList(AgentTasks.getDefaultInstance(), id -> true));
    assertFalse(store.replicas().isEmpty());
    assertEquals(List.of(ended.replicaId()), poll(now, AgentTasks.getDefaultInstance()));
  }
}
