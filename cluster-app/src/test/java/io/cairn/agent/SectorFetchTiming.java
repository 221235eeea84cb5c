package io.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cairn.client.CairnClient;
import io.cairn.client.CoreWriter;
import io.cairn.node.TestNode;
import io.cairn.protocol.hypercore.CoreKeyPair;
import io.cairn.protocol.hypercore.MerkleHasher;
import io.cairn.protocol.hypercore.TreeHead;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long {@link SectorFetcher} takes to read and verify a sector of a few thousand blocks from a
 * real node, one request at a time (as it read before) and with several in flight. A measurement,
 * not a check, so it runs only when asked:
 *
 * <pre>
 * mvn -o -q -pl cluster-app test -Dtest=SectorFetchTiming -Dcairn.timing=true \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfSystemProperty(named = "cairn.timing", matches = "true")
class SectorFetchTiming {
  @TempDir Path work;

  private static final int BLOCKS = Integer.getInteger("cairn.timing.blocks", 3000);

  @Test
  void aSectorReadOneRequestAtATimeAndWithSeveralInFlight() throws Exception {
    try (TestNode node = TestNode.start(work.resolve("node"))) {
      CairnClient client = CairnClient.connect(node.api());
      CoreWriter writer = CoreWriter.open(client, CoreKeyPair.generate());
      List<byte[]> written = new ArrayList<>();
      for (int i = 0; i < BLOCKS; i++) {
        written.add(("block " + i + " ").repeat(1 + i % 13).getBytes(StandardCharsets.UTF_8));
      }
      int warm = BLOCKS / 4;
      TreeHead part = writer.append(written.subList(0, warm));
      TreeHead head = writer.append(written.subList(warm, BLOCKS));
      byte[] treeHash = new MerkleHasher().treeHash(head.roots());

      // warm both paths (JIT, connections) on the first batch first
      for (int inFlight : new int[] {1, SectorFetcher.DEFAULT_IN_FLIGHT}) {
        new SectorFetcher(client, inFlight)
            .fetch(writer.key(), 0, warm, warm, new MerkleHasher().treeHash(part.roots()));
      }
      for (int round = 0; round < 2; round++) {
        for (int inFlight : new int[] {1, 4, SectorFetcher.DEFAULT_IN_FLIGHT, 16}) {
          long started = System.nanoTime();
          SectorFetcher.VerifiedSector sector =
              new SectorFetcher(client, inFlight).fetch(writer.key(), 0, BLOCKS, BLOCKS, treeHash);
          long millis = (System.nanoTime() - started) / 1_000_000;
          assertEquals(BLOCKS, sector.blocks().size());
          for (int i = 0; i < BLOCKS; i++) {
            assertArrayEquals(written.get(i), sector.blocks().get(i));
          }
          System.out.printf(
              "sector of %d blocks, %2d in flight: %6d ms, %5.0f blocks/s, %.2f ms a block%n",
              BLOCKS, inFlight, millis, BLOCKS * 1000.0 / millis, (double) millis / BLOCKS);
        }
      }
    }
  }
}
