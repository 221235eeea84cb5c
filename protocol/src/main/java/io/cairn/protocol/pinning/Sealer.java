package io.cairn.protocol.pinning;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SDR-lite (PINNING.md §3.2): seals a layout {@code D} into the replica {@code R = D XOR K} unique
 * to one {@link ReplicaId}, where {@code K} is the last of {@code L} layers of labels over the
 * {@link StackedGraph}, and commits to R with {@link ReplicaTree}.
 *
 * <p>Label of node v in layer l (0-based), as in Filecoin's {@code create_label_exp}:
 *
 * <pre>
 * SHA-256( replicaId (32) ‖ u32be(l) ‖ u64be(v) ‖ 20 zero bytes          -- one 64-byte block
 *        ‖ label[l][p] for each DRG parent p, in order (6 × 32; none for v = 0)
 *        ‖ label[l−1][q] for each expander parent q, in order (8 × 32; only for l &gt; 0) )
 * </pre>
 *
 * <p>Deviations from Filecoin: it hashes its 14 parents cyclically to 37 (so every label costs the
 * same number of SHA-256 blocks) and skips all parents of node 0 in every layer, while Cairn hashes
 * each parent once and gives node 0 of layer l &gt; 0 its expander parents; it clears the top two
 * bits of each label to fit a field element, which Cairn, with no SNARK, does not.
 *
 * <p>The labels are computed one layer at a time over the previous one, so memory is D plus two
 * layers. The seal is sequential by design (each label needs its predecessor); it reuses one
 * SHA-256 instance (the JDK's, with the SHA-NI intrinsic) and one input buffer. Not thread-safe.
 */
public final class Sealer {
  private static final int NODE = NodeBuffer.NODE_BYTES;
  private static final int PREFIX = 64;

  private final SealParameters parameters;
  private final MessageDigest sha256;
  private final byte[] input =
      new byte[PREFIX + (StackedGraph.DRG_DEGREE + StackedGraph.EXPANDER_DEGREE) * NODE];
  private final byte[] label = new byte[NODE];
  private final int[] drgParents = new int[StackedGraph.DRG_DEGREE];
  private final int[] expanderParents = new int[StackedGraph.EXPANDER_DEGREE];
  private final StackedGraph.Scratch scratch = new StackedGraph.Scratch();

  public Sealer(SealParameters parameters) {
    this.parameters = parameters;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** A sealed replica: R, its tree (whose root is CommR) and the number of layers sealed. */
  public record SealedReplica(
      ReplicaId replicaId, NodeBuffer replica, ReplicaTree tree, int layers) {
    public byte[] commR() {
      return tree.root();
    }
  }

  /** Seals {@code layout} (left unchanged) for {@code replicaId}. */
  public SealedReplica seal(ReplicaId replicaId, NodeBuffer layout) {
    checkSize(layout);
    NodeBuffer replica = key(replicaId, layout.nodeCount());
    replica.xorWith(layout);
    return new SealedReplica(
        replicaId, replica, ReplicaTree.build(replica), parameters.layersFor(layout.nodeCount()));
  }

  /** Recovers {@code D = R XOR K} from a replica (as slow as sealing: K is recomputed). */
  public NodeBuffer unseal(ReplicaId replicaId, NodeBuffer replica) {
    checkSize(replica);
    NodeBuffer layout = key(replicaId, replica.nodeCount());
    layout.xorWith(replica);
    return layout;
  }

  /** The number of label hashes a seal of {@code nodeCount} nodes performs: {@code L · N}. */
  public long labelHashes(int nodeCount) {
    return (long) parameters.layersFor(nodeCount) * nodeCount;
  }

  /** K: the last layer of labels. */
  NodeBuffer key(ReplicaId replicaId, int nodeCount) {
    StackedGraph graph = StackedGraph.forNodes(nodeCount);
    int layers = parameters.layersFor(nodeCount);
    System.arraycopy(replicaId.bytes(), 0, input, 0, ReplicaId.LENGTH);
    NodeBuffer previous = null;
    NodeBuffer current = NodeBuffer.allocate(nodeCount);
    for (int layer = 0; layer < layers; layer++) {
      if (layer > 0) {
        // The layer before last is no longer needed: reuse it for the next one.
        NodeBuffer free = previous == null ? NodeBuffer.allocate(nodeCount) : previous;
        previous = current;
        current = free;
      }
      labelLayer(graph, layer, previous, current);
    }
    return current;
  }

  private void labelLayer(StackedGraph graph, int layer, NodeBuffer previous, NodeBuffer current) {
    byte[] input = this.input;
    input[32] = (byte) (layer >>> 24);
    input[33] = (byte) (layer >>> 16);
    input[34] = (byte) (layer >>> 8);
    input[35] = (byte) layer;
    int nodeCount = graph.nodeCount();
    for (int node = 0; node < nodeCount; node++) {
      // u64be(node) at 36: its top four bytes stay zero, as a node index is below 2^31.
      input[40] = (byte) (node >>> 24);
      input[41] = (byte) (node >>> 16);
      input[42] = (byte) (node >>> 8);
      input[43] = (byte) node;
      int length = PREFIX;
      int drgCount = graph.drgParents(node, drgParents, scratch);
      for (int i = 0; i < drgCount; i++) {
        current.readNode(drgParents[i], input, length);
        length += NODE;
      }
      if (previous != null) {
        graph.expanderParents(node, expanderParents);
        for (int i = 0; i < StackedGraph.EXPANDER_DEGREE; i++) {
          previous.readNode(expanderParents[i], input, length);
          length += NODE;
        }
      }
      sha256.update(input, 0, length);
      try {
        sha256.digest(label, 0, NODE);
      } catch (DigestException e) {
        throw new IllegalStateException("a 32-byte buffer holds a SHA-256 digest", e);
      }
      current.writeNode(node, label, 0);
    }
  }

  private void checkSize(NodeBuffer buffer) {
    if (buffer.byteLength() > parameters.sectorCapBytes()) {
      throw new IllegalArgumentException(
          "a sector of "
              + buffer.byteLength()
              + " bytes is over the cap of "
              + parameters.sectorCapBytes());
    }
  }
}
