package io.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cairn.node.TestNode;
import io.cairn.protocol.api.v1.PinJobView;
import io.cairn.protocol.api.v1.PinReplicaView;
import io.cairn.protocol.event.PrivateKeySigner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A core of several sectors, pinned with a real hoster and encoder on a real node: every sector's
 * blocks are verified against the tree the writer signed when the job was placed (not a tree at the
 * sector's own end, which the writer never signed), sealed by both, and every replica becomes
 * ACTIVE.
 */
class SeveralSectorsTest {
  @TempDir Path work;

  private static final int SECTOR_BLOCKS = 16;
  private static final int BLOCKS = 40;

  @Test
  void everySectorOfACoreLongerThanOneIsSealedAndActive() throws Exception {
    Map<String, Object> config = new HashMap<>(PinnedCore.FAST);
    config.put("cairn.pinning.sector-blocks", SECTOR_BLOCKS);
    try (TestNode node = TestNode.start(work.resolve("node"), config);
        RunningAgent hoster =
            RunningAgent.hoster(
                node.api(),
                PrivateKeySigner.generate(),
                work.resolve("hoster"),
                "host",
                new CheatMode.Honest(),
                PinnedCore.POLL);
        RunningAgent encoder =
            RunningAgent.encoder(
                node.api(),
                PrivateKeySigner.generate(),
                work.resolve("encoder"),
                "enc",
                PinnedCore.POLL)) {
      // written in one batch: the writer signed the tree at 40 only
      PinnedCore core = PinnedCore.publish(node, BLOCKS);
      String jobId = core.pin(1);
      PinJobView active =
          core.awaitJob(
              jobId, "the job ACTIVE", Duration.ofSeconds(30), j -> j.getState().equals("ACTIVE"));

      List<PinReplicaView> replicas =
          active.getReplicasList().stream()
              .sorted(Comparator.comparingLong(PinReplicaView::getRangeStart))
              .toList();
      assertEquals(3, replicas.size(), active.toString());
      long[][] sectors = {{0, 16}, {16, 32}, {32, 40}};
      for (int i = 0; i < sectors.length; i++) {
        PinReplicaView replica = replicas.get(i);
        assertEquals(sectors[i][0], replica.getRangeStart());
        assertEquals(sectors[i][1], replica.getRangeEnd());
        assertEquals("ACTIVE", replica.getState(), replica.toString());
      }

      // each root is the hoster's seal of its sector's blocks, which the encoder sealed alike
      List<ReplicaStore.StoredReplica> hosted = List.copyOf(hoster.runtime.store().replicas());
      assertEquals(3, hosted.size());
      assertEquals(3, encoder.runtime.store().replicas().size());
      for (ReplicaStore.StoredReplica stored : hosted) {
        SealAssignment assignment = stored.assignment();
        assertEquals(BLOCKS, assignment.treeLength(), "every sector's tree is the core's at 40");
        List<byte[]> blocks =
            core.blocks.subList((int) assignment.rangeStart(), (int) assignment.rangeEnd());
        byte[] expected = SectorSealer.seal(assignment, blocks).commR();
        assertArrayEquals(expected, stored.commR());
        PinReplicaView replica =
            replicas.stream()
                .filter(r -> r.getReplicaId().equals("0x" + stored.replicaId()))
                .findFirst()
                .orElseThrow();
        assertEquals("0x" + ReplicaStore.hex(expected), replica.getRoot());
      }
    }
  }
}
