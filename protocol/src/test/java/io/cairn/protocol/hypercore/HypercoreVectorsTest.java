package io.cairn.protocol.hypercore;

import static io.cairn.protocol.hypercore.HypercoreVectors.blocks;
import static io.cairn.protocol.hypercore.HypercoreVectors.hex;
import static io.cairn.protocol.hypercore.HypercoreVectors.json;
import static io.cairn.protocol.hypercore.HypercoreVectors.node;
import static io.cairn.protocol.hypercore.HypercoreVectors.nodes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every field of hypercore-vectors.json, reproduced by the Java code. */
class HypercoreVectorsTest {
  private static final JsonObject V = json();

  @Test
  void blake2bKnownAnswers() {
    JsonObject c = V.getAsJsonObject("constants");
    assertArrayEquals(hex(c.get("blake2b256_empty")), Blake2b.hash(new byte[0]));
    assertArrayEquals(
        hex(c.get("blake2b256_abc")), Blake2b.hash("abc".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(c.get("leafType").getAsInt(), MerkleHasher.LEAF_TYPE);
    assertEquals(c.get("parentType").getAsInt(), MerkleHasher.PARENT_TYPE);
    assertEquals(c.get("rootType").getAsInt(), MerkleHasher.ROOT_TYPE);
  }

  @Test
  void namespaces() {
    JsonObject c = V.getAsJsonObject("constants");
    assertArrayEquals(hex(c.get("namespaceSeedHash")), Namespaces.seed());
    JsonObject ns = c.getAsJsonObject("namespaces");
    Map<String, byte[]> java =
        Map.of(
            "TREE", Namespaces.tree(),
            "REPLICATE_INITIATOR", Namespaces.replicateInitiator(),
            "REPLICATE_RESPONDER", Namespaces.replicateResponder(),
            "MANIFEST", Namespaces.manifest(),
            "DEFAULT_NAMESPACE", Namespaces.defaultNamespace(),
            "DEFAULT_ENCRYPTION", Namespaces.defaultEncryption());
    assertEquals(ns.keySet(), java.keySet());
    java.forEach((name, value) -> assertArrayEquals(hex(ns.get(name)), value, name));
  }

  @Test
  void keyPairFromSeed() {
    CoreKeyPair keyPair = HypercoreVectors.keyPair();
    assertArrayEquals(hex(V.get("publicKey")), keyPair.publicKey());
    byte[] secret = keyPair.secretKey();
    assertEquals(V.get("seed").getAsString() + V.get("publicKey").getAsString(), hex(secret));
  }

  @Test
  void manifestKeyAndDiscoveryKey() {
    JsonObject m = V.getAsJsonObject("manifest");
    Manifest manifest = Manifest.singleSigner(hex(V.get("publicKey")));
    assertEquals(m.get("encoded").getAsString(), hex(manifest.encode()));
    assertEquals(70, manifest.encode().length);
    assertEquals(manifest, Manifest.decode(hex(m.get("encoded"))));

    assertEquals(m.get("version").getAsInt(), manifest.version());
    assertEquals("blake2b", m.get("hash").getAsString());
    assertEquals(m.get("allowPatch").getAsBoolean(), manifest.allowPatch());
    assertEquals(m.get("quorum").getAsInt(), manifest.quorum());
    assertTrue(m.get("prologue").isJsonNull());
    JsonArray signers = m.getAsJsonArray("signers");
    assertEquals(1, signers.size());
    JsonObject signer = signers.get(0).getAsJsonObject();
    assertEquals("ed25519", signer.get("signature").getAsString());
    assertArrayEquals(hex(signer.get("namespace")), manifest.signers().get(0).namespace());
    assertArrayEquals(hex(signer.get("publicKey")), manifest.signers().get(0).publicKey());

    CoreIdentity identity = CoreIdentity.of(manifest);
    assertArrayEquals(hex(V.get("key")), manifest.coreKey());
    assertArrayEquals(hex(V.get("key")), identity.key());
    assertArrayEquals(hex(V.get("discoveryKey")), identity.discoveryKey());
  }

  @Test
  void blocksMatchTheirDescription() {
    List<byte[]> blocks = blocks();
    assertEquals(12, blocks.size());
    for (int i = 0; i < 10; i++) {
      assertArrayEquals(("block-" + i).getBytes(StandardCharsets.UTF_8), blocks.get(i));
    }
    byte[] counting = new byte[1024];
    for (int i = 0; i < counting.length; i++) {
      counting[i] = (byte) i;
    }
    assertArrayEquals(counting, blocks.get(10));
    assertEquals(0, blocks.get(11).length);
  }

  @Test
  void leavesAndParents() {
    MerkleHasher hasher = new MerkleHasher();
    List<byte[]> blocks = blocks();
    for (JsonElement e : V.getAsJsonArray("leaves")) {
      JsonObject leaf = e.getAsJsonObject();
      int block = leaf.get("block").getAsInt();
      assertEquals(2L * block, leaf.get("index").getAsLong());
      assertEquals(node(leaf), hasher.leaf(block, blocks.get(block)));
    }
    Map<Long, TreeNode> all = new java.util.HashMap<>();
    for (TreeNode n : nodes(V.get("nodes"))) {
      all.put(n.index(), n);
    }
    for (TreeNode parent : nodes(V.get("parents"))) {
      TreeNode left = all.get(FlatTree.leftChild(parent.index()));
      TreeNode right = all.get(FlatTree.rightChild(parent.index()));
      assertEquals(parent, hasher.parent(left, right));
      assertEquals(parent, hasher.parent(right, left), "child order is by flat index");
      assertEquals(parent, all.get(parent.index()));
    }
  }

  @Test
  void writerStoresExactlyTheVectorNodes() {
    InMemoryTreeStore store = new InMemoryTreeStore();
    CoreWriter writer = CoreWriter.create(HypercoreVectors.keyPair(), store);
    writer.append(blocks());
    List<TreeNode> expected = nodes(V.get("nodes"));
    assertEquals(22, expected.size());
    int present = 0;
    for (long i = 0; i < 24; i++) {
      if (store.get(i) != null) {
        present++;
      }
    }
    assertEquals(expected.size(), present);
    for (TreeNode n : expected) {
      assertEquals(n, store.get(n.index()));
    }
  }

  @Test
  void everyLengthAppendedOneByOne() {
    CoreWriter writer = CoreWriter.create(HypercoreVectors.keyPair(), new InMemoryTreeStore());
    MerkleHasher hasher = new MerkleHasher();
    List<byte[]> blocks = blocks();
    JsonArray lengths = V.getAsJsonArray("lengths");
    assertEquals(blocks.size(), lengths.size());
    for (int i = 0; i < blocks.size(); i++) {
      TreeHead head = writer.append(blocks.get(i));
      assertHead(lengths.get(i).getAsJsonObject(), head, writer.identity(), hasher);
    }
  }

  @Test
  void batchAppendSignsOnlyTheFinalLength() {
    CoreWriter writer = CoreWriter.create(HypercoreVectors.keyPair(), new InMemoryTreeStore());
    List<byte[]> blocks = blocks();
    writer.append(blocks.subList(0, 5));
    TreeHead head = writer.append(blocks.subList(5, 12));
    assertHead(
        V.getAsJsonArray("lengths").get(11).getAsJsonObject(),
        head,
        writer.identity(),
        new MerkleHasher());
  }

  @Test
  void forkedByTruncation() {
    CoreWriter writer = CoreWriter.create(HypercoreVectors.keyPair(), new InMemoryTreeStore());
    writer.append(blocks());
    JsonArray forked = V.getAsJsonArray("forked");
    assertEquals(1, forked.size());
    JsonObject f = forked.get(0).getAsJsonObject();
    TreeHead head = writer.truncate(f.get("length").getAsLong());
    assertHead(f, head, writer.identity(), new MerkleHasher());
    assertTrue(
        hex(f.get("signable")).length == 112
            && f.get("signable").getAsString().endsWith("0100000000000000"));
  }

  @Test
  void compatMode() {
    JsonObject compat = V.getAsJsonObject("compat");
    CoreWriter writer =
        CoreWriter.createCompat(HypercoreVectors.keyPair(), new InMemoryTreeStore());
    assertTrue(writer.identity().isCompat());
    assertArrayEquals(hex(compat.get("key")), writer.identity().key());
    assertArrayEquals(hex(compat.get("discoveryKey")), writer.identity().discoveryKey());
    MerkleHasher hasher = new MerkleHasher();
    List<byte[]> blocks = blocks();
    JsonArray lengths = compat.getAsJsonArray("lengths");
    assertEquals(blocks.size(), lengths.size());
    for (int i = 0; i < blocks.size(); i++) {
      TreeHead head = writer.append(blocks.get(i));
      JsonObject l = lengths.get(i).getAsJsonObject();
      assertEquals(l.get("length").getAsLong(), head.length());
      assertEquals(l.get("fork").getAsLong(), head.fork());
      byte[] signable =
          writer.identity().signable(hasher.treeHash(head.roots()), head.length(), head.fork());
      assertEquals(80, signable.length);
      assertEquals(l.get("signable").getAsString(), hex(signable));
      assertEquals(l.get("signature").getAsString(), hex(head.signature()));
      assertNull(writer.identity().verify(signable, head.signature()));
    }
  }

  @Test
  void compatProofsVerifyAgainstThePublicKeyAlone() {
    CoreWriter writer =
        CoreWriter.createCompat(HypercoreVectors.keyPair(), new InMemoryTreeStore());
    List<byte[]> blocks = blocks();
    TreeHead head = writer.append(blocks);
    Proof proof =
        new ProofBuilder(writer.store())
            .build(head, ProofRequest.blockAndUpgrade(3, 0, 12), blocks.get(3));
    ProofVerifier verifier = new ProofVerifier(CoreIdentity.compat(hex(V.get("publicKey"))));
    VerificationResult result = verifier.verify(proof, TreeHead.EMPTY);
    assertEquals(head, assertInstanceOf(VerificationResult.Accepted.class, result).head());
    // A manifest-mode verifier for the same key signs different bytes and must refuse it.
    VerificationResult wrongMode =
        new ProofVerifier(CoreIdentity.ofPublicKey(hex(V.get("publicKey"))))
            .verify(proof, TreeHead.EMPTY);
    assertEquals(
        RejectReason.SIGNATURE_MALFORMED, ((VerificationResult.Rejected) wrongMode).reason());
  }

  @Test
  void everyVectorProofIsRebuiltEncodedAndVerified() {
    CoreWriter writer = CoreWriter.create(HypercoreVectors.keyPair(), new InMemoryTreeStore());
    List<byte[]> blocks = blocks();
    writer.append(blocks);
    ProofBuilder builder = new ProofBuilder(writer.store());
    // The verifier knows only what a reader is given: the manifest (whose hash is the key).
    Manifest manifest = Manifest.decode(hex(V.getAsJsonObject("manifest").get("encoded")));
    CoreIdentity identity = CoreIdentity.of(manifest);
    assertArrayEquals(hex(V.get("key")), identity.key());
    ProofVerifier verifier = new ProofVerifier(identity);

    JsonArray proofs = V.getAsJsonArray("proofs");
    assertEquals(8, proofs.size());
    for (JsonElement e : proofs) {
      JsonObject vector = e.getAsJsonObject();
      String kind = vector.get("kind").getAsString();
      JsonObject p = vector.getAsJsonObject("proof");
      for (String absent : List.of("hash", "seek", "manifest")) {
        assertTrue(p.get(absent).isJsonNull(), kind + " " + absent);
      }
      Proof expected = HypercoreVectors.proof(p);
      int atLength = vector.get("atLength").getAsInt();

      ProofRequest request = request(vector.getAsJsonObject("request"));
      byte[] value = request.block() == null ? null : blocks.get((int) request.block().index());
      Proof built = builder.build(HypercoreVectors.head(atLength), request, value);
      assertEquals(expected, built, kind);

      String wire = p.get("wireDataHex").getAsString();
      assertEquals(wire, hex(new DataMessage(1, built).encode()), kind);
      DataMessage decoded = DataMessage.decode(hex(p.get("wireDataHex")));
      assertEquals(1, decoded.request());
      assertEquals(expected, decoded.proof(), kind);

      TreeHead trusted = trustedBefore(kind, request, atLength);
      VerificationResult result = verifier.verifyEncoded(hex(p.get("wireDataHex")), trusted);
      TreeHead accepted =
          assertInstanceOf(VerificationResult.Accepted.class, result, kind + " " + result).head();
      assertEquals(HypercoreVectors.head(atLength), accepted, kind);
    }
  }

  @Test
  void aReaderFollowsTheForkToTheTruncatedTree() {
    CoreWriter writer = CoreWriter.create(HypercoreVectors.keyPair(), new InMemoryTreeStore());
    List<byte[]> blocks = blocks();
    writer.append(blocks);
    TreeHead truncated = writer.truncate(10);
    Proof proof =
        new ProofBuilder(writer.store())
            .build(truncated, ProofRequest.blockAndUpgrade(9, 0, 10), blocks.get(9));
    ProofVerifier verifier = new ProofVerifier(writer.identity());
    VerificationResult result = verifier.verify(proof, HypercoreVectors.head(12));
    TreeHead head = assertInstanceOf(VerificationResult.Accepted.class, result).head();
    JsonObject f = V.getAsJsonArray("forked").get(0).getAsJsonObject();
    assertEquals(1, head.fork());
    assertEquals(10, head.length());
    assertEquals(nodes(f.get("roots")), head.roots());
    assertEquals(f.get("signature").getAsString(), hex(head.signature()));

    // The old fork can no longer upgrade a reader that has seen fork 1.
    Proof old =
        HypercoreVectors.proof(
            V.getAsJsonArray("proofs").get(0).getAsJsonObject().getAsJsonObject("proof"));
    assertEquals(
        RejectReason.STALE_FORK,
        ((VerificationResult.Rejected) verifier.verify(old, head)).reason());
  }

  private static TreeHead trustedBefore(String kind, ProofRequest request, int atLength) {
    return switch (kind) {
      case "block-only" -> HypercoreVectors.head(atLength);
      case "block+upgrade-from-0" -> TreeHead.EMPTY;
      case "upgrade-only" ->
          request.upgrade().start() == 0
              ? TreeHead.EMPTY
              : HypercoreVectors.head((int) request.upgrade().start());
      default -> throw new AssertionError("unknown proof kind " + kind);
    };
  }

  private static ProofRequest request(JsonObject r) {
    ProofRequest.Block block = null;
    if (r.has("block")) {
      JsonObject b = r.getAsJsonObject("block");
      block = new ProofRequest.Block(b.get("index").getAsLong(), b.get("nodes").getAsInt());
    }
    ProofRequest.Upgrade upgrade = null;
    if (r.has("upgrade")) {
      JsonObject u = r.getAsJsonObject("upgrade");
      upgrade = new ProofRequest.Upgrade(u.get("start").getAsLong(), u.get("length").getAsLong());
    }
    return new ProofRequest(block, upgrade);
  }

  private static void assertHead(
      JsonObject l, TreeHead head, CoreIdentity identity, MerkleHasher hasher) {
    String at = "length " + head.length();
    assertEquals(l.get("length").getAsLong(), head.length(), at);
    assertEquals(l.get("fork").getAsLong(), head.fork(), at);
    assertEquals(l.get("byteLength").getAsLong(), head.byteLength(), at);
    assertEquals(nodes(l.get("roots")), head.roots(), at);
    List<Long> rootIndexes = new ArrayList<>();
    for (long r : FlatTree.fullRoots(head.length())) {
      rootIndexes.add(r);
    }
    assertEquals(rootIndexes, head.roots().stream().map(TreeNode::index).toList(), at);
    byte[] treeHash = hasher.treeHash(head.roots());
    assertEquals(l.get("treeHash").getAsString(), hex(treeHash), at);
    byte[] signable = identity.signable(treeHash, head.length(), head.fork());
    assertEquals(112, signable.length);
    assertEquals(l.get("signable").getAsString(), hex(signable), at);
    assertEquals(68, head.signature().length);
    assertEquals(l.get("signature").getAsString(), hex(head.signature()), at);
    MultiSignature stored = MultiSignature.decode(head.signature());
    assertEquals(1, stored.proofs().size());
    assertEquals(0, stored.proofs().get(0).signer());
    assertEquals(l.get("signatureRaw").getAsString(), hex(stored.proofs().get(0).signature()), at);
    assertArrayEquals(hex(l.get("signatureRaw")), HypercoreVectors.keyPair().sign(signable), at);
    assertNull(identity.verify(signable, head.signature()), at);
  }
}
