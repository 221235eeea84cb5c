package io.cairn.protocol.pinning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SealerTest {
  private final Sealer sealer = new Sealer(SealFixtures.SMALL);

  @Test
  void theSameDataUnderTwoHosterKeysGivesTwoReplicasAndTwoCommitments() {
    NodeBuffer layout = SealFixtures.layout();
    Sealer.SealedReplica alice = sealer.seal(SealFixtures.replicaIdFor("alice"), layout);
    Sealer.SealedReplica bob = sealer.seal(SealFixtures.replicaIdFor("bob"), layout);
    assertFalse(Arrays.equals(alice.commR(), bob.commR()));
    assertFalse(alice.replica().sameContent(bob.replica()));
  }

  @Test
  void sealingIsDeterministicAndUnsealingGivesTheLayoutBack() {
    NodeBuffer layout = SealFixtures.layout();
    NodeBuffer untouched = layout.copy();
    ReplicaId id = SealFixtures.replicaIdFor("alice");
    Sealer.SealedReplica first = sealer.seal(id, layout);
    Sealer.SealedReplica second = new Sealer(SealFixtures.SMALL).seal(id, layout);
    assertTrue(layout.sameContent(untouched), "sealing leaves D as it was");
    assertArrayEquals(first.commR(), second.commR());
    assertTrue(first.replica().sameContent(second.replica()));
    assertFalse(first.replica().sameContent(layout), "R is not D");
    assertTrue(sealer.unseal(id, first.replica()).sameContent(layout));
  }

  /**
   * CommR of the fixture sealed for "alice" with 3 layers, computed once by this implementation: a
   * change to the label input, the graph or the tree rule changes it, and the witness and the
   * hoster would then disagree across versions.
   */
  @Test
  void theCommitmentOfAFixedSealIsPinned() {
    Sealer.SealedReplica sealed =
        sealer.seal(SealFixtures.replicaIdFor("alice"), SealFixtures.layout());
    assertEquals(3, sealed.layers());
    assertEquals(
        "b5355c11889da3437aee0d01671bad866d99a099e3b3b98dc4aeb1df6791bc6f",
        java.util.HexFormat.of().formatHex(sealed.commR()));
  }

  /**
   * A vector an independent implementation computed from docs/protocol.md alone (a short Python
   * script: its own ChaCha8, Feistel, labels and padded tree over hashlib): blocks "hello", the
   * bytes 0..99, an empty block and 300 zero bytes (13 nodes), hoster "alice", 3 layers.
   */
  @Test
  void aSealMatchesTheVectorOfAnIndependentImplementation() {
    byte[] counting = new byte[100];
    for (int i = 0; i < counting.length; i++) {
      counting[i] = (byte) i;
    }
    NodeBuffer layout =
        SectorLayout.encode(
            java.util.List.of("hello".getBytes(), counting, new byte[0], new byte[300]), 1 << 20);
    ReplicaId id =
        ReplicaId.of(
            "alice".getBytes(),
            SealFixtures.FEED_KEY,
            0,
            4,
            SealFixtures.TREE_HASH,
            "job-1".getBytes(),
            "amend-1".getBytes());
    Sealer.SealedReplica sealed = sealer.seal(id, layout);
    assertEquals(13, layout.nodeCount());
    assertEquals(
        "7d6b9158862e2b8f9a3dc3a4cff08c3554d041bf84e57e546997ba0cad7b5068",
        java.util.HexFormat.of().formatHex(sealed.commR()));
  }

  @Test
  void layersGrowForSmallSectorsToReachTheMinimumWork() {
    SealParameters production = SealParameters.PRODUCTION;
    assertEquals(8, production.layersFor(1 << 27), "4 GiB: the layer floor");
    assertEquals(20, production.layersFor(1 << 25), "1 GiB: 6.4·10^8 / 2^25 rounded up");
    assertEquals(640_000_000, production.layersFor(1));
    assertEquals(
        3L * SealFixtures.layout().nodeCount(),
        sealer.labelHashes(SealFixtures.layout().nodeCount()));
  }

  @Test
  void badParametersAndOversizedSectorsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new SealParameters(0, 0, 1024));
    assertThrows(IllegalArgumentException.class, () -> new SealParameters(1, -1, 1024));
    assertThrows(IllegalArgumentException.class, () -> new SealParameters(1, 0, 1000));
    Sealer tiny = new Sealer(new SealParameters(1, 0, 64));
    IllegalArgumentException tooBig =
        assertThrows(
            IllegalArgumentException.class,
            () -> tiny.seal(SealFixtures.replicaIdFor("alice"), NodeBuffer.allocate(3)));
    assertTrue(tooBig.getMessage().contains("over the cap of 64"), tooBig.getMessage());
  }
}
