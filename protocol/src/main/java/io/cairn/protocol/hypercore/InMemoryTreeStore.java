package io.cairn.protocol.hypercore;

import java.util.Arrays;

/**
 * A {@link TreeStore} in a dense array indexed by flat index (the nodes of a tree of length L are
 * exactly the indexes below 2L, minus parents not yet complete).
 */
public final class InMemoryTreeStore implements TreeStore {
  private TreeNode[] nodes = new TreeNode[64];
  private int size;

  @Override
  public TreeNode get(long index) {
    return index >= 0 && index < size ? nodes[(int) index] : null;
  }

  @Override
  public void put(TreeNode node) {
    if (node.index() >= Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("tree too large for memory: node " + node.index());
    }
    int index = (int) node.index();
    if (index >= nodes.length) {
      nodes = Arrays.copyOf(nodes, Math.max(nodes.length * 2, index + 1));
    }
    nodes[index] = node;
    size = Math.max(size, index + 1);
  }

  @Override
  public void truncate(long length) {
    long end = 2 * length;
    if (end >= size) {
      return;
    }
    Arrays.fill(nodes, (int) end, size, null);
    size = (int) end;
    // Parents left of the new end whose span crosses it are ancestors of its last leaf. Past the
    // first ancestor at offset 0, every further ancestor is larger still.
    if (length > 0) {
      long node = end - 2;
      while (node < size || FlatTree.leftSpan(node) != 0) {
        if (node < size && FlatTree.rightSpan(node) >= end) {
          nodes[(int) node] = null;
        }
        node = FlatTree.parent(node);
      }
    }
  }
}
