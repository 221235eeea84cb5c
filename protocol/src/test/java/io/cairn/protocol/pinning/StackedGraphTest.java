package io.cairn.protocol.pinning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.bouncycastle.crypto.engines.ChaChaEngine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.junit.jupiter.api.Test;

class StackedGraphTest {
  private final StackedGraph.Scratch scratch = new StackedGraph.Scratch();

  @Test
  void drgParentsAreEarlierNodesWithThePredecessorLast() {
    for (int nodes : new int[] {1, 2, 3, 100, 4097}) {
      StackedGraph graph = StackedGraph.forNodes(nodes);
      int[] parents = new int[StackedGraph.DRG_DEGREE];
      assertEquals(0, graph.drgParents(0, parents, scratch), "node 0 has no parents");
      for (int node = 1; node < nodes; node++) {
        assertEquals(StackedGraph.DRG_DEGREE, graph.drgParents(node, parents, scratch));
        assertEquals(node - 1, parents[StackedGraph.DRG_DEGREE - 1], "v-1 is a parent of " + node);
        for (int parent : parents) {
          assertTrue(parent >= 0 && parent < node, "parent " + parent + " of node " + node);
        }
      }
    }
  }

  @Test
  void expanderParentsCoverThePreviousLayerExactlyEightTimes() {
    for (int nodes : new int[] {1, 2, 5, 6, 100, 512, 1000}) {
      StackedGraph graph = StackedGraph.forNodes(nodes);
      int[] parents = new int[StackedGraph.EXPANDER_DEGREE];
      int[] timesAParent = new int[nodes];
      for (int node = 0; node < nodes; node++) {
        graph.expanderParents(node, parents);
        for (int parent : parents) {
          assertTrue(parent >= 0 && parent < nodes, "parent " + parent + " of " + node);
          timesAParent[parent]++;
        }
      }
      int[] eight = new int[nodes];
      Arrays.fill(eight, StackedGraph.EXPANDER_DEGREE);
      assertArrayEquals(eight, timesAParent, "π is a permutation of [0, 8N) for N = " + nodes);
    }
  }

  /**
   * Parents of a few nodes of the 2^20-node graph, computed once by this implementation (node 2: a
   * metagraph of 10 nodes, 4 buckets, so every sampled parent is 0 or 1; node 1,000,000: mostly
   * near parents, as bucket sampling favours short distances, ending with 999,999). They are the
   * graph every replica of that size is sealed over: if they change, so does every CommR.
   */
  @Test
  void parentsOfAFixedGraphArePinned() {
    StackedGraph graph = StackedGraph.forNodes(1 << 20);
    int[] drg = new int[StackedGraph.DRG_DEGREE];
    int[] expander = new int[StackedGraph.EXPANDER_DEGREE];
    graph.drgParents(2, drg, scratch);
    assertArrayEquals(GOLDEN_DRG_2, drg);
    graph.drgParents(1_000_000, drg, scratch);
    assertArrayEquals(GOLDEN_DRG_1M, drg);
    graph.expanderParents(0, expander);
    assertArrayEquals(GOLDEN_EXP_0, expander);
    graph.expanderParents(1_000_000, expander);
    assertArrayEquals(GOLDEN_EXP_1M, expander);
  }

  private static final int[] GOLDEN_DRG_2 = {1, 1, 1, 1, 0, 1};
  private static final int[] GOLDEN_DRG_1M = {900556, 988124, 999960, 999741, 989444, 999999};
  private static final int[] GOLDEN_EXP_0 = {
    63417, 612583, 358918, 629584, 953776, 804802, 727411, 220552
  };
  private static final int[] GOLDEN_EXP_1M = {
    69059, 570357, 645316, 1002762, 1044182, 550364, 749345, 237857
  };

  @Test
  void theChaCha8StreamIsBouncyCastlesChaChaWithEightRounds() {
    Random random = new Random(11);
    for (int trial = 0; trial < 20; trial++) {
      byte[] key = new byte[32];
      random.nextBytes(key);
      ChaChaEngine reference = new ChaChaEngine(8);
      reference.init(true, new ParametersWithIV(new KeyParameter(key), new byte[8]));
      byte[] keystream = new byte[8 * 40];
      reference.processBytes(new byte[keystream.length], 0, keystream.length, keystream, 0);
      ChaCha8Stream stream = new ChaCha8Stream();
      stream.reset(key, 0);
      for (int word = 0; word < 40; word++) {
        long expected = 0;
        for (int b = 7; b >= 0; b--) {
          expected = expected << 8 | (keystream[8 * word + b] & 0xFF);
        }
        assertEquals(expected, stream.nextLong(), "trial " + trial + " word " + word);
      }
    }
  }
}
