package io.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.protocol.api.v1.SealTask;
import io.cairn.protocol.event.AddressRecoveries;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.hypercore.ProofVerifier;
import io.cairn.protocol.hypercore.TreeHead;
import io.cairn.protocol.pinning.PinningStatements;
import io.cairn.protocol.pinning.Sealer;
import io.cairn.protocol.pinning.StorageAnswer;
import io.cairn.protocol.pinning.StorageAnswerCodec;
import io.cairn.protocol.pinning.StorageProofs;
import io.cairn.protocol.pinning.StorageVerdict;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's disk: what a hoster sealed is found, whole, by a store opened after a restart. */
class ReplicaStoreTest {
  @TempDir Path data;

  private final PrivateKeySigner hoster = PrivateKeySigner.generate();
  private final SealFixture fixture = new SealFixture(40);
  private final byte[] job = new byte[32];

  @Test
  void aSealedReplicaSurvivesARestartAndAnswersTheSame() throws Exception {
    SealTask task = fixture.task(hoster.address(), AgentRole.HOSTER, job, 2);
    SealAssignment assignment = SealAssignment.of(task);
    Sealer.SealedReplica sealed = SectorSealer.seal(assignment, fixture.blocks);
    ReplicaStore first = ReplicaStore.open(data, hoster.address());
    ReplicaStore.StoredReplica stored =
        first.saveHosted(
            task, assignment, SectorSealer.commit(hoster, sealed), sealed.tree(), fixture.sector());
    int[] indices = {0, 7, (int) stored.nodeCount() - 1, 3};
    StorageAnswer before = StorageProofs.answer(sealed.tree(), indices);

    ReplicaStore after = ReplicaStore.open(data, hoster.address());
    ReplicaStore.StoredReplica found = after.replica(assignment.replicaId()).orElseThrow();
    assertEquals(task, found.task());
    assertArrayEquals(sealed.commR(), found.commR());
    assertEquals(sealed.replica().nodeCount(), found.nodeCount());
    StorageAnswer again;
    try (ReplicaFiles files = after.open(found)) {
      assertArrayEquals(sealed.commR(), files.tree().root());
      again = StorageProofs.answer(files.tree(), indices);
    }
    assertEquals(
        StorageAnswerCodec.toProto(assignment.replicaId(), 1, before),
        StorageAnswerCodec.toProto(assignment.replicaId(), 1, again));
    assertInstanceOf(
        StorageVerdict.Valid.class,
        StorageProofs.verify(found.commR(), (int) found.nodeCount(), indices, again));

    // the commitment it kept is the hoster's, for this replica and root
    PinningStatements.SignedCommitment commitment =
        PinningStatements.openCommitment(found.commitment(), AddressRecoveries.bouncyCastle());
    assertEquals(hoster.address(), commitment.signer());
    assertArrayEquals(assignment.replicaId().bytes(), commitment.commitment().replicaId());

    // the plain blocks and their proofs: every one verifies from nothing against the core's key
    ProofVerifier verifier = new ProofVerifier(fixture.core.identity());
    for (int i = 0; i < fixture.blocks.size(); i++) {
      ReplicaStore.StoredBlock block = after.block(fixture.key(), i).orElseThrow();
      assertArrayEquals(fixture.blocks.get(i), block.value());
      assertArrayEquals(fixture.proofs.get(i), block.proof());
      assertTrue(verifier.verify(fixture.proof(i), TreeHead.EMPTY).accepted());
    }
    assertTrue(after.block(fixture.key(), fixture.blocks.size()).isEmpty());
    assertEquals(fixture.blocks.size(), after.blocks(found).size());
  }

  @Test
  void whatAHosterWritesForARangeStaysWithinItsFootprint() {
    SealTask task = fixture.task(hoster.address(), AgentRole.HOSTER, job, 0);
    SealAssignment assignment = SealAssignment.of(task);
    Sealer.SealedReplica sealed = SectorSealer.seal(assignment, fixture.blocks);
    ReplicaStore store = ReplicaStore.open(data, hoster.address());
    assertEquals(0, store.bytesOnDisk());
    store.saveHosted(
        task, assignment, SectorSealer.commit(hoster, sealed), sealed.tree(), fixture.sector());
    long rangeBytes = fixture.blocks.stream().mapToLong(block -> block.length).sum();
    long footprint = SectorFootprint.bytes(assignment, rangeBytes);
    long written = store.bytesOnDisk();
    assertTrue(written <= footprint, written + " bytes written, footprint " + footprint);
    assertTrue(footprint < 5 * written, "a bound, not a guess: " + footprint + " for " + written);
  }

  @Test
  void aWitnessKeepsOnlyItsCommitment() {
    SealTask task = fixture.task(hoster.address(), AgentRole.ENCODER, job, 0);
    SealAssignment assignment = SealAssignment.of(task);
    PrivateKeySigner encoder = PrivateKeySigner.generate();
    Sealer.SealedReplica sealed = SectorSealer.seal(assignment, fixture.blocks);
    ReplicaStore.open(data, encoder.address())
        .saveWitnessed(task, assignment, SectorSealer.commit(encoder, sealed));

    ReplicaStore.StoredReplica found =
        ReplicaStore.open(data, encoder.address()).replica(assignment.replicaId()).orElseThrow();
    assertFalse(found.hasReplica());
    assertFalse(found.hasBlocks());
    assertArrayEquals(sealed.commR(), found.commR());
    assertTrue(Files.notExists(found.directory().resolve("replica.bin")));
  }

  @Test
  void forgottenNodesAreZeroOnDiskAndRemembered() throws Exception {
    SealTask task = fixture.task(hoster.address(), AgentRole.HOSTER, job, 0);
    SealAssignment assignment = SealAssignment.of(task);
    Sealer.SealedReplica sealed = SectorSealer.seal(assignment, fixture.blocks);
    ReplicaStore store = ReplicaStore.open(data, hoster.address());
    store.saveHosted(
        task, assignment, SectorSealer.commit(hoster, sealed), sealed.tree(), fixture.sector());
    store.forget(assignment.replicaId(), Set.of(1, 4));

    ReplicaStore.StoredReplica reopened =
        ReplicaStore.open(data, hoster.address()).replica(assignment.replicaId()).orElseThrow();
    assertEquals(Set.of(1, 4), reopened.forgotten());
    try (ReplicaFiles files = ReplicaFiles.open(reopened.directory())) {
      byte[] node = new byte[32];
      files.tree().replica().read(4 * 32, node, 0, 32);
      assertArrayEquals(new byte[32], node);
      int[] forgotten = {4};
      assertInstanceOf(
          StorageVerdict.Invalid.class,
          StorageProofs.verify(
              sealed.commR(),
              (int) reopened.nodeCount(),
              forgotten,
              StorageProofs.answer(files.tree(), forgotten)));
    }
  }

  @Test
  void aHalfWrittenReplicaIsDroppedAndAnotherKeysDirectoryRefused() throws Exception {
    Path partial = data.resolve("replicas").resolve(".partial-abc");
    Files.createDirectories(partial);
    Files.writeString(partial.resolve("task.pb"), "half");
    ReplicaStore store = ReplicaStore.open(data, hoster.address());
    assertTrue(store.replicas().isEmpty());
    assertTrue(Files.notExists(partial));

    IllegalArgumentException other =
        assertThrows(
            IllegalArgumentException.class,
            () -> ReplicaStore.open(data, PrivateKeySigner.generate().address()));
    assertTrue(other.getMessage().contains("belongs to the agent " + hoster.address()));

    Path file = Files.writeString(data.resolve("a-file"), "not a directory");
    UncheckedIOException unusable =
        assertThrows(UncheckedIOException.class, () -> ReplicaStore.open(file, hoster.address()));
    assertTrue(
        unusable.getMessage().startsWith("cannot use --data " + file), unusable.getMessage());
  }

  @Test
  void aTaskWhoseReplicaIdIsNotItsOwnIsRefused() {
    SealTask task = fixture.task(hoster.address(), AgentRole.HOSTER, job, 0);
    SealTask forged = task.toBuilder().setSlot(1).build();
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> SealAssignment.of(forged));
    assertTrue(refused.getMessage().contains("is not the one its fields derive"));
    assertThrows(
        IllegalArgumentException.class,
        () -> SealAssignment.of(task.toBuilder().setTreeHash("00").build()));
  }
}
