package io.cairn.protocol.hypercore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** A node holding someone else's core: it accepts exactly the batches the writer signed. */
class CoreTreeTest {
  private final CoreWriter writer =
      CoreWriter.create(HypercoreVectors.keyPair(), new InMemoryTreeStore());
  private final InMemoryTreeStore nodeStore = new InMemoryTreeStore();
  private final CoreTree node = CoreTree.empty(writer.identity(), nodeStore);
  private final List<byte[]> blocks = HypercoreVectors.blocks();

  private SignedBatch write(int from, int to) {
    TreeHead head = writer.append(blocks.subList(from, to));
    return SignedBatch.of(head, blocks.subList(from, to));
  }

  private void accept(SignedBatch batch) {
    CoreTree.Check check = node.check(batch);
    node.apply(assertInstanceOf(CoreTree.Check.Accepted.class, check, check::toString).growth());
  }

  @Test
  void batchesSignedByTheWriterRebuildTheVectorTree() {
    accept(write(0, 1));
    accept(write(1, 5));
    accept(write(5, 12));
    assertEquals(writer.head(), node.head());
    assertEquals(HypercoreVectors.head(12), node.head());
    for (long index = 0; index <= 22; index++) {
      assertEquals(writer.store().get(index), nodeStore.get(index), "node " + index);
    }
  }

  @Test
  void eachBlockCarriesTheNodesItCompletes() {
    SignedBatch batch = write(0, 4);
    CoreTree.Growth growth = ((CoreTree.Check.Accepted) node.check(batch)).growth();
    List<List<Long>> indexes = new ArrayList<>();
    for (List<TreeNode> nodes : growth.nodesPerBlock()) {
      indexes.add(nodes.stream().map(TreeNode::index).toList());
    }
    assertEquals(List.of(List.of(0L), List.of(2L, 1L), List.of(4L), List.of(6L, 5L, 3L)), indexes);
  }

  private void assertRefused(RejectReason reason, SignedBatch batch) {
    TreeHead before = node.head();
    CoreTree.Check check = node.check(batch);
    assertEquals(
        reason, assertInstanceOf(CoreTree.Check.Refused.class, check, check::toString).reason());
    assertEquals(before, node.head());
    assertNull(nodeStore.get(2L * before.length()), "a refused batch stores no node");
  }

  private static SignedBatch with(SignedBatch batch, UnaryOperator<List<byte[]>> blocks) {
    return new SignedBatch(
        batch.fork(),
        batch.start(),
        blocks.apply(new ArrayList<>(batch.blocks())),
        batch.roots(),
        batch.signature());
  }

  @Test
  void forgedBatchesAreRefusedAndChangeNothing() {
    accept(write(0, 3));
    SignedBatch good = write(3, 6);

    SignedBatch tampered =
        with(
            good,
            list -> {
              list.set(1, "tampered".getBytes());
              return list;
            });
    assertRefused(RejectReason.HASH_MISMATCH, tampered);
    assertRefused(
        RejectReason.SIGNATURE_INVALID,
        new SignedBatch(
            tampered.fork(), tampered.start(), tampered.blocks(), List.of(), tampered.signature()));
    byte[] flipped = good.signature().clone();
    flipped[10] ^= 1; // inside the Ed25519 signature, not the record's framing
    assertRefused(
        RejectReason.SIGNATURE_INVALID,
        new SignedBatch(good.fork(), good.start(), good.blocks(), good.roots(), flipped));
    assertRefused(
        RejectReason.SIGNATURE_MALFORMED,
        new SignedBatch(good.fork(), good.start(), good.blocks(), good.roots(), new byte[3]));
    assertRefused(
        RejectReason.UPGRADE_START_MISMATCH,
        new SignedBatch(good.fork(), 2, good.blocks(), good.roots(), good.signature()));
    assertRefused(
        RejectReason.FORK_MISMATCH,
        new SignedBatch(1, good.start(), good.blocks(), good.roots(), good.signature()));
    assertRefused(
        RejectReason.INVALID_LENGTH,
        new SignedBatch(good.fork(), good.start(), List.of(), List.of(), good.signature()));
    List<TreeNode> wrongRoots = new ArrayList<>(good.roots());
    wrongRoots.set(
        0,
        new TreeNode(
            wrongRoots.get(0).index(), wrongRoots.get(0).size() + 1, wrongRoots.get(0).hash()));
    assertRefused(
        RejectReason.HASH_MISMATCH,
        new SignedBatch(good.fork(), good.start(), good.blocks(), wrongRoots, good.signature()));

    CoreTree otherCore =
        CoreTree.empty(
            CoreWriter.create(CoreKeyPair.generate(), new InMemoryTreeStore()).identity(),
            new InMemoryTreeStore());
    assertInstanceOf(CoreTree.Check.Refused.class, otherCore.check(write(6, 9)));

    accept(good);
    assertEquals(6, node.head().length());
  }

  @Test
  void aProofWhoseSizesOverflowIsRefusedNotThrown() {
    accept(write(0, 4));
    ProofBuilder builder = new ProofBuilder(nodeStore);
    Proof proof = builder.build(node.head(), ProofRequest.block(1, 2), blocks.get(1));
    List<TreeNode> uncles = new ArrayList<>(proof.block().nodes());
    TreeNode first = uncles.get(0);
    uncles.set(0, new TreeNode(first.index(), Long.MAX_VALUE, first.hash()));
    Proof hostile = new Proof(proof.fork(), new Proof.Block(1, blocks.get(1), uncles), null);
    VerificationResult result = new ProofVerifier(writer.identity()).verify(hostile, node.head());
    assertEquals(
        RejectReason.MALFORMED,
        assertInstanceOf(VerificationResult.Rejected.class, result).reason());
  }
}
