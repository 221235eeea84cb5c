package io.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.client.CairnClient;
import io.cairn.client.CoreWriter;
import io.cairn.client.ProofRejectedException;
import io.cairn.node.TestNode;
import io.cairn.protocol.hypercore.CoreKeyPair;
import io.cairn.protocol.hypercore.MerkleHasher;
import io.cairn.protocol.hypercore.Proof;
import io.cairn.protocol.hypercore.ProofProtos;
import io.cairn.protocol.hypercore.ProofVerifier;
import io.cairn.protocol.hypercore.RejectReason;
import io.cairn.protocol.hypercore.TreeHead;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A range of a core read from a real node, every block verified against the signed tree. */
class SectorFetcherTest {
  @TempDir static Path data;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(data);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static List<byte[]> blocks(int from, int to) {
    List<byte[]> blocks = new ArrayList<>();
    for (int i = from; i < to; i++) {
      blocks.add(("block " + i).repeat(1 + i % 5).getBytes(StandardCharsets.UTF_8));
    }
    return blocks;
  }

  @Test
  void aRangeIsReadVerifiedAndKeptWithProofsFromNothing() throws Exception {
    CairnClient client = CairnClient.connect(node.api());
    CoreWriter writer = CoreWriter.open(client, CoreKeyPair.generate());
    List<byte[]> written = blocks(0, 30);
    TreeHead at30 = writer.append(written);
    byte[] treeHash = new MerkleHasher().treeHash(at30.roots());
    // the core grows past the range before the agent reads it
    writer.append(blocks(30, 37));

    SectorFetcher.VerifiedSector sector =
        new SectorFetcher(client).fetch(writer.key(), 10, 30, 30, treeHash);
    assertEquals(20, sector.blocks().size());
    ProofVerifier verifier = new ProofVerifier(writer.identity());
    for (int i = 0; i < 20; i++) {
      assertArrayEquals(written.get(10 + i), sector.blocks().get(i));
      Proof kept =
          ProofProtos.fromProto(io.cairn.protocol.api.v1.Proof.parseFrom(sector.proofs().get(i)));
      Proof withValue =
          new Proof(
              kept.fork(),
              new Proof.Block(10 + i, sector.blocks().get(i), kept.block().nodes()),
              kept.upgrade());
      assertTrue(verifier.verify(withValue, TreeHead.EMPTY).accepted());
    }

    ProofRejectedException otherTree =
        assertThrows(
            ProofRejectedException.class,
            () -> new SectorFetcher(client).fetch(writer.key(), 0, 30, 30, new byte[32]));
    assertEquals(RejectReason.HASH_MISMATCH, otherTree.reason());
  }

  @Test
  void aSectorBeforeTheEndOfItsTreeIsVerifiedAgainstThatTree() {
    CairnClient client = CairnClient.connect(node.api());
    CoreWriter writer = CoreWriter.open(client, CoreKeyPair.generate());
    List<byte[]> written = blocks(0, 40);
    writer.append(written.subList(0, 30));
    // signed at 30 and 40 only: a node cannot prove a tree at the sector's end, 16
    byte[] treeHash = new MerkleHasher().treeHash(writer.append(written.subList(30, 40)).roots());

    SectorFetcher.VerifiedSector first =
        new SectorFetcher(client).fetch(writer.key(), 0, 16, 40, treeHash);
    assertEquals(16, first.blocks().size());
    for (int i = 0; i < 16; i++) {
      assertArrayEquals(written.get(i), first.blocks().get(i));
    }

    // the tree hash commits to its length: the hash named with another signed length is refused
    ProofRejectedException otherLength =
        assertThrows(
            ProofRejectedException.class,
            () -> new SectorFetcher(client).fetch(writer.key(), 0, 16, 30, treeHash));
    assertEquals(RejectReason.HASH_MISMATCH, otherLength.reason());
  }
}
