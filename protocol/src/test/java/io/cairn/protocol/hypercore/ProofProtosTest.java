package io.cairn.protocol.hypercore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonElement;
import io.cairn.protocol.api.v1.SignedAppendBatch;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProofProtosTest {
  @Test
  void vectorProofsSurviveProtobuf() throws Exception {
    for (JsonElement e : HypercoreVectors.json().getAsJsonArray("proofs")) {
      Proof proof = HypercoreVectors.proof(e.getAsJsonObject().getAsJsonObject("proof"));
      byte[] bytes = ProofProtos.toProto(proof).toByteArray();
      Proof back = ProofProtos.fromProto(io.cairn.protocol.api.v1.Proof.parseFrom(bytes));
      assertEquals(proof, back);
    }
  }

  @Test
  void signedAppendBatchCarriesTheHead() throws Exception {
    CoreWriter writer = CoreWriter.create(HypercoreVectors.keyPair(), new InMemoryTreeStore());
    List<byte[]> blocks = HypercoreVectors.blocks();
    writer.append(blocks.subList(0, 4));
    TreeHead head = writer.append(blocks.subList(4, 12));
    SignedBatch sent = SignedBatch.of(head, blocks.subList(4, 12));
    SignedAppendBatch wire = SignedAppendBatch.parseFrom(ProofProtos.toProto(sent).toByteArray());
    assertEquals(4, wire.getStart());
    SignedBatch received = ProofProtos.fromProto(wire);
    assertEquals(head.signature().length, received.signature().length);
    assertEquals(HypercoreVectors.head(12).roots(), received.roots());
    assertEquals(8, received.blocks().size());
    for (int i = 0; i < 8; i++) {
      assertArrayEquals(blocks.get(4 + i), received.blocks().get(i));
    }
  }

  @Test
  void aHashOfTheWrongLengthIsRefused() {
    var node = io.cairn.protocol.api.v1.TreeNode.newBuilder().setIndex(1).setSize(2).build();
    assertThrows(IllegalArgumentException.class, () -> ProofProtos.fromProto(node));
    assertFalse(ProofProtos.toProto(new Proof(0, null, null)).hasBlock());
  }
}
