package io.cairn.protocol.hypercore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FlatTreeTest {
  @Test
  void numbering() {
    assertEquals(0, FlatTree.depth(4));
    assertEquals(1, FlatTree.depth(5));
    assertEquals(3, FlatTree.depth(7));
    assertEquals(1, FlatTree.offset(11));
    assertEquals(11, FlatTree.index(2, 1));
    assertEquals(3, FlatTree.parent(1));
    assertEquals(3, FlatTree.parent(5));
    assertEquals(7, FlatTree.parent(11));
    assertEquals(2, FlatTree.sibling(0));
    assertEquals(0, FlatTree.sibling(2));
    assertEquals(11, FlatTree.sibling(3));
    assertEquals(9, FlatTree.leftChild(11));
    assertEquals(13, FlatTree.rightChild(11));
    assertThrows(IllegalArgumentException.class, () -> FlatTree.leftChild(4));
    assertEquals(8, FlatTree.leftSpan(11));
    assertEquals(14, FlatTree.rightSpan(11));
    assertEquals(6, FlatTree.leftSpan(6));
    assertTrue(FlatTree.covers(7, 14));
    assertFalse(FlatTree.covers(7, 16));
  }

  @Test
  void fullRootsAsInTheReadme() {
    assertArrayEquals(new long[] {}, FlatTree.fullRoots(0));
    assertArrayEquals(new long[] {0}, FlatTree.fullRoots(1));
    assertArrayEquals(new long[] {1, 4}, FlatTree.fullRoots(3));
    assertArrayEquals(new long[] {7, 17}, FlatTree.fullRoots(10));
    assertArrayEquals(new long[] {7, 19}, FlatTree.fullRoots(12));
  }

  @Test
  void upgradeNodesAsInTheReadme() {
    assertArrayEquals(new long[] {7, 19}, FlatTree.upgradeNodes(0, 12));
    assertArrayEquals(new long[] {11, 19}, FlatTree.upgradeNodes(4, 12));
    assertArrayEquals(new long[] {6, 11, 19}, FlatTree.upgradeNodes(3, 12));
    assertArrayEquals(new long[] {6, 9}, FlatTree.upgradeNodes(3, 6));
    assertArrayEquals(new long[] {}, FlatTree.upgradeNodes(5, 5));
    assertThrows(IllegalArgumentException.class, () -> FlatTree.upgradeNodes(6, 5));
  }

  @Test
  void upgradeNodesTileTheNewBlocks() {
    for (long from = 0; from < 70; from++) {
      for (long to = from + 1; to < 70; to++) {
        long next = 2 * from;
        for (long node : FlatTree.upgradeNodes(from, to)) {
          assertEquals(next, FlatTree.leftSpan(node), from + " -> " + to);
          next = FlatTree.rightSpan(node) + 2;
        }
        assertEquals(2 * to, next, from + " -> " + to);
      }
    }
  }
}
