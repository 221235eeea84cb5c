package io.cairn.protocol.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class StorageProofsTest {
  private static final byte[] EPOCH_SECRET = SealFixtures.filled(32, 3);

  private final Sealer sealer = new Sealer(SealFixtures.SMALL);
  private final NodeBuffer layout = SealFixtures.layout();
  private final Sealer.SealedReplica alice =
      sealer.seal(SealFixtures.replicaIdFor("alice"), layout);
  private final int nodeCount = layout.nodeCount();

  @Test
  void anHonestAnswerIsValidForEveryNode() {
    int[] every = new int[nodeCount];
    for (int i = 0; i < nodeCount; i++) {
      every[i] = i;
    }
    StorageAnswer answer = StorageProofs.answer(alice.tree(), every);
    assertTrue(StorageProofs.verify(alice.commR(), nodeCount, every, answer).valid());
  }

  @Test
  void anAnswerFromTheOtherIdentitysReplicaFailsAtEveryIndex() {
    Sealer.SealedReplica bob = sealer.seal(SealFixtures.replicaIdFor("bob"), layout);
    int[] indices = round(1, 64);
    for (int index : indices) {
      StorageAnswer fromBob = StorageProofs.answer(bob.tree(), new int[] {index});
      StorageVerdict verdict =
          StorageProofs.verify(alice.commR(), nodeCount, new int[] {index}, fromBob);
      assertEquals(StorageVerdict.Reason.WRONG_ROOT, invalid(verdict).reason(), "index " + index);
    }
  }

  @Test
  void aFlippedByteFailsExactlyWhenAChallengeCoversIt() {
    int flippedNode = 57;
    // The hoster's stored upper tree dates from the seal; the byte flips in R afterwards.
    NodeBuffer replica = alice.replica();
    byte[] node = new byte[32];
    replica.readNode(flippedNode, node, 0);
    node[13] ^= 0x01;
    replica.writeNode(flippedNode, node, 0);
    int[] indices = {3, flippedNode, 200};
    StorageVerdict.Invalid failure =
        invalid(
            StorageProofs.verify(
                alice.commR(), nodeCount, indices, StorageProofs.answer(alice.tree(), indices)));
    assertEquals(1, failure.position());
    assertEquals(flippedNode, failure.index());
    assertEquals(StorageVerdict.Reason.WRONG_ROOT, failure.reason());
    int[] elsewhere = {3, 200, 17};
    assertTrue(
        StorageProofs.verify(
                alice.commR(), nodeCount, elsewhere, StorageProofs.answer(alice.tree(), elsewhere))
            .valid(),
        "nodes whose lowest 16-leaf group excludes the flip still open");
    assertFalse(Arrays.equals(alice.commR(), ReplicaTree.build(replica).root()));
  }

  @Test
  void aTruncatedOrReorderedPathFails() {
    int[] indices = {5};
    StorageAnswer.Opening honest = StorageProofs.answer(alice.tree(), indices).openings().get(0);
    List<byte[]> truncated = honest.siblings().subList(0, honest.siblings().size() - 1);
    assertEquals(
        StorageVerdict.Reason.WRONG_PATH_LENGTH,
        reason(indices, new StorageAnswer.Opening(5, honest.leaf(), truncated)));
    List<byte[]> reordered = new ArrayList<>(honest.siblings());
    Collections.swap(reordered, 0, 1);
    assertEquals(
        StorageVerdict.Reason.WRONG_ROOT,
        reason(indices, new StorageAnswer.Opening(5, honest.leaf(), reordered)));
    List<byte[]> shortSibling = new ArrayList<>(honest.siblings());
    shortSibling.set(2, new byte[31]);
    assertEquals(
        StorageVerdict.Reason.WRONG_PATH_LENGTH,
        reason(indices, new StorageAnswer.Opening(5, honest.leaf(), shortSibling)));
    assertEquals(
        StorageVerdict.Reason.WRONG_LEAF_LENGTH,
        reason(indices, new StorageAnswer.Opening(5, new byte[33], honest.siblings())));
  }

  @Test
  void openingsOutOfOrderOrMissingAreRefused() {
    int[] indices = {10, 20};
    StorageAnswer answer = StorageProofs.answer(alice.tree(), indices);
    List<StorageAnswer.Opening> swapped = new ArrayList<>(answer.openings());
    Collections.swap(swapped, 0, 1);
    StorageVerdict.Invalid wrongOrder =
        invalid(
            StorageProofs.verify(alice.commR(), nodeCount, indices, new StorageAnswer(swapped)));
    assertEquals(StorageVerdict.Reason.WRONG_INDEX, wrongOrder.reason());
    assertEquals(0, wrongOrder.position());
    StorageAnswer oneShort = new StorageAnswer(answer.openings().subList(0, 1));
    assertEquals(
        StorageVerdict.Reason.WRONG_COUNT,
        invalid(StorageProofs.verify(alice.commR(), nodeCount, indices, oneShort)).reason());
    assertThrows(
        IllegalArgumentException.class,
        () -> StorageProofs.verify(alice.commR(), nodeCount, new int[] {nodeCount}, answer));
    assertThrows(IndexOutOfBoundsException.class, () -> alice.tree().path(nodeCount));
  }

  @Test
  void anAnswerSurvivesTheWire() {
    int[] indices = round(7, 8);
    StorageAnswer answer = StorageProofs.answer(alice.tree(), indices);
    var message = StorageAnswerCodec.toProto(alice.replicaId(), 7, answer);
    var parsed = assertDoesNotThrowParse(message.toByteArray());
    assertEquals(alice.replicaId(), StorageAnswerCodec.replicaId(parsed));
    assertEquals(7, parsed.getRoundNo());
    StorageAnswer decoded = StorageAnswerCodec.fromProto(parsed);
    assertTrue(StorageProofs.verify(alice.commR(), nodeCount, indices, decoded).valid());
  }

  @Test
  void treesOfEveryShapeOpenEveryLeaf() {
    for (int leaves : new int[] {1, 2, 3, 15, 16, 17, 33, 100}) {
      NodeBuffer replica = NodeBuffer.allocate(leaves);
      for (int i = 0; i < leaves; i++) {
        replica.writeNode(i, SealFixtures.filled(32, i + 1), 0);
      }
      ReplicaTree tree = ReplicaTree.build(replica);
      int[] all = new int[leaves];
      for (int i = 0; i < leaves; i++) {
        all[i] = i;
      }
      assertEquals(ReplicaTree.depthFor(leaves), tree.depth());
      assertTrue(
          StorageProofs.verify(tree.root(), leaves, all, StorageProofs.answer(tree, all)).valid(),
          leaves + " leaves");
    }
  }

  private int[] round(long roundNo, int k) {
    return ChallengeIndices.derive(EPOCH_SECRET, alice.replicaId(), roundNo, k, nodeCount);
  }

  private StorageVerdict.Reason reason(int[] indices, StorageAnswer.Opening opening) {
    StorageVerdict verdict =
        StorageProofs.verify(
            alice.commR(), nodeCount, indices, new StorageAnswer(List.of(opening)));
    return invalid(verdict).reason();
  }

  private static StorageVerdict.Invalid invalid(StorageVerdict verdict) {
    return assertInstanceOf(StorageVerdict.Invalid.class, verdict);
  }

  private static io.cairn.protocol.pinning.v1.StorageChallengeAnswer assertDoesNotThrowParse(
      byte[] bytes) {
    try {
      return io.cairn.protocol.pinning.v1.StorageChallengeAnswer.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError("the answer does not parse", e);
    }
  }
}
