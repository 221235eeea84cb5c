package io.cairn.protocol.hypercore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Single-byte changes of a valid proof's wire form are refused, and so is every change of a field
 * of the proof record, each with a reason. Every byte gets every bit flip plus the compact-encoding
 * marker and boundary values; proofs without a signature (cheap to check) get all 255 other values
 * at every byte. Trying all 255 values on signed proofs would cost one Ed25519 verification each
 * and mostly repeat the bit flips inside hashes and signatures.
 */
class ProofMutationTest {
  /** Position of the request id in a data message whose flags fit one byte and request id is 1. */
  private static final int REQUEST_ID_OFFSET = 1;

  private static final int[] MARKERS = {0x00, 0x01, 0x7F, 0x80, 0xFC, 0xFD, 0xFE, 0xFF};

  /** A valid proof and the tree its reader trusts before receiving it. */
  private record Case(String name, ProofVerifier verifier, Proof proof, TreeHead trusted) {}

  @Test
  void everyByteOfEveryVectorProofMatters() {
    Set<RejectReason> seen = EnumSet.noneOf(RejectReason.class);
    for (Case c : vectorCases()) {
      byte[] wire = new DataMessage(1, c.proof).encode();
      for (int position = 0; position < wire.length; position++) {
        if (position == REQUEST_ID_OFFSET) {
          continue; // the request id only routes the answer; it is not part of the proof
        }
        for (int value : valuesToTry(c.proof, wire[position])) {
          seen.add(rejectMutation(c, wire, position, (byte) value));
        }
      }
    }
    assertTrue(
        seen.containsAll(
            EnumSet.of(
                RejectReason.MALFORMED,
                RejectReason.FORK_MISMATCH,
                RejectReason.UNEXPECTED_NODE,
                RejectReason.HASH_MISMATCH,
                RejectReason.SIGNATURE_INVALID,
                RejectReason.SIGNER_INVALID,
                RejectReason.PATCH_NOT_SUPPORTED,
                RejectReason.UPGRADE_START_MISMATCH)),
        seen::toString);
  }

  private static int[] valuesToTry(Proof proof, byte current) {
    int original = current & 0xFF;
    java.util.stream.IntStream values =
        proof.upgrade() == null
            ? java.util.stream.IntStream.range(0, 256)
            : java.util.stream.IntStream.concat(
                java.util.stream.IntStream.range(0, 8).map(bit -> original ^ (1 << bit)),
                java.util.Arrays.stream(MARKERS));
    return values.filter(v -> v != original).distinct().toArray();
  }

  @Test
  void everyBitOfRandomProofsMatters() {
    Random random = new Random(42);
    for (Case c : randomCases(random, 9)) {
      byte[] wire = new DataMessage(1, c.proof).encode();
      for (int position = 0; position < wire.length; position++) {
        if (position == REQUEST_ID_OFFSET) {
          continue;
        }
        for (int bit = 0; bit < 8; bit++) {
          rejectMutation(c, wire, position, (byte) (wire[position] ^ (1 << bit)));
        }
      }
    }
  }

  @Test
  void everyFieldChangeIsRejectedWithItsReason() {
    Random random = new Random(7);
    List<Case> cases = new ArrayList<>(vectorCases());
    cases.addAll(randomCases(random, 40));
    for (Case c : cases) {
      Proof p = c.proof;
      Proof.Block b = p.block();
      Proof.Upgrade u = p.upgrade();
      expect(
          c,
          RejectReason.STALE_FORK,
          c.trusted.fork() > 0 && u != null ? new Proof(c.trusted.fork() - 1, b, u) : null);
      if (b != null) {
        expect(c, null, withBlock(p, new Proof.Block(b.index() + 1, b.value(), b.nodes())));
        byte[] longer = java.util.Arrays.copyOf(b.value(), b.value().length + 1);
        expect(c, null, withBlock(p, new Proof.Block(b.index(), longer, b.nodes())));
        if (b.value().length > 0) {
          byte[] shorter = java.util.Arrays.copyOf(b.value(), b.value().length - 1);
          expect(c, null, withBlock(p, new Proof.Block(b.index(), shorter, b.nodes())));
        }
        for (int i = 0; i < b.nodes().size(); i++) {
          int at = i;
          expect(
              c,
              null,
              withBlock(
                  p,
                  new Proof.Block(
                      b.index(),
                      b.value(),
                      replace(
                          b.nodes(), at, n -> new TreeNode(n.index(), n.size() + 1, n.hash())))));
          expect(
              c,
              RejectReason.UNEXPECTED_NODE,
              withBlock(
                  p,
                  new Proof.Block(
                      b.index(),
                      b.value(),
                      replace(
                          b.nodes(), at, n -> new TreeNode(n.index() + 2, n.size(), n.hash())))));
          List<TreeNode> dropped = new ArrayList<>(b.nodes());
          dropped.remove(at);
          expect(c, null, withBlock(p, new Proof.Block(b.index(), b.value(), dropped)));
        }
        List<TreeNode> extra = new ArrayList<>(b.nodes());
        extra.add(new TreeNode(0, 0, new byte[32]));
        expect(c, null, withBlock(p, new Proof.Block(b.index(), b.value(), extra)));
      }
      if (u != null) {
        expect(
            c,
            null,
            withUpgrade(
                p, u.start() + 1, u.length(), u.nodes(), u.additionalNodes(), u.signature()));
        expect(
            c,
            null,
            withUpgrade(
                p, u.start(), u.length() + 1, u.nodes(), u.additionalNodes(), u.signature()));
        expect(
            c,
            null,
            withUpgrade(
                p, u.start(), u.length() - 1, u.nodes(), u.additionalNodes(), u.signature()));
        expect(
            c,
            RejectReason.SIGNATURE_MALFORMED,
            withUpgrade(p, u.start(), u.length(), u.nodes(), u.additionalNodes(), null));
        expect(c, null, new Proof(p.fork() + 1, b, u));
        List<List<TreeNode>> lists = List.of(u.nodes(), u.additionalNodes());
        for (int which = 0; which < 2; which++) {
          List<TreeNode> list = lists.get(which);
          for (int i = 0; i < list.size(); i++) {
            int at = i;
            List<TreeNode> bigger =
                replace(list, at, n -> new TreeNode(n.index(), n.size() + 1, n.hash()));
            List<TreeNode> dropped = new ArrayList<>(list);
            dropped.remove(at);
            for (List<TreeNode> changed : List.of(bigger, dropped)) {
              expect(
                  c,
                  null,
                  which == 0
                      ? withUpgrade(
                          p, u.start(), u.length(), changed, u.additionalNodes(), u.signature())
                      : withUpgrade(p, u.start(), u.length(), u.nodes(), changed, u.signature()));
            }
          }
          List<TreeNode> extra = new ArrayList<>(list);
          extra.add(new TreeNode(1L << 40, 1, new byte[32]));
          expect(
              c,
              null,
              which == 0
                  ? withUpgrade(p, u.start(), u.length(), extra, u.additionalNodes(), u.signature())
                  : withUpgrade(p, u.start(), u.length(), u.nodes(), extra, u.signature()));
        }
      }
    }
  }

  private static Proof withBlock(Proof p, Proof.Block block) {
    return new Proof(p.fork(), block, p.upgrade());
  }

  private static Proof withUpgrade(
      Proof p,
      long start,
      long length,
      List<TreeNode> nodes,
      List<TreeNode> additional,
      byte[] signature) {
    if (length < 0) {
      return null;
    }
    return new Proof(
        p.fork(), p.block(), new Proof.Upgrade(start, length, nodes, additional, signature));
  }

  private static List<TreeNode> replace(
      List<TreeNode> nodes, int at, UnaryOperator<TreeNode> change) {
    List<TreeNode> out = new ArrayList<>(nodes);
    out.set(at, change.apply(out.get(at)));
    return out;
  }

  /** Asserts the changed proof is refused, for {@code reason} if it is not {@code null}. */
  private static void expect(Case c, RejectReason reason, Proof changed) {
    if (changed == null) {
      return;
    }
    VerificationResult result = c.verifier.verify(changed, c.trusted);
    VerificationResult.Rejected rejected =
        assertInstanceOf(
            VerificationResult.Rejected.class,
            result,
            () -> c.name + " accepted a changed proof: " + changed);
    if (reason != null) {
      assertEquals(reason, rejected.reason(), c.name + ": " + rejected);
    }
  }

  private static RejectReason rejectMutation(Case c, byte[] wire, int position, byte value) {
    byte original = wire[position];
    wire[position] = value;
    try {
      VerificationResult result = c.verifier.verifyEncoded(wire, c.trusted);
      if (result instanceof VerificationResult.Rejected rejected) {
        return rejected.reason();
      }
      return fail(c.name + ": byte " + position + " set to " + (value & 0xFF) + " was accepted");
    } finally {
      wire[position] = original;
    }
  }

  private static List<Case> vectorCases() {
    JsonObject v = HypercoreVectors.json();
    ProofVerifier verifier =
        new ProofVerifier(
            CoreIdentity.of(
                Manifest.decode(
                    HypercoreVectors.hex(v.getAsJsonObject("manifest").get("encoded")))));
    List<Case> cases = new ArrayList<>();
    for (JsonElement e : v.getAsJsonArray("proofs")) {
      JsonObject vector = e.getAsJsonObject();
      Proof proof = HypercoreVectors.proof(vector.getAsJsonObject("proof"));
      int atLength = vector.get("atLength").getAsInt();
      TreeHead trusted =
          proof.upgrade() == null
              ? HypercoreVectors.head(atLength)
              : proof.upgrade().start() == 0
                  ? TreeHead.EMPTY
                  : HypercoreVectors.head((int) proof.upgrade().start());
      String name = vector.get("kind").getAsString() + " " + vector.get("request");
      assertTrue(verifier.verify(proof, trusted).accepted(), name);
      cases.add(new Case(name, verifier, proof, trusted));
    }
    return cases;
  }

  /** Valid proofs of every shape (from 0, from an earlier head, block-only) on random cores. */
  private static List<Case> randomCases(Random random, int count) {
    List<Case> cases = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      // Small blocks: every byte of the wire form is mutated, value bytes included.
      ProofPropertyTest.Core core = new ProofPropertyTest.Core(random, i % 5 == 4, 300);
      core.append(1 + random.nextInt(20));
      TreeHead earlier = core.writer.head();
      core.append(1 + random.nextInt(20));
      TreeHead head = core.writer.head();
      long length = head.length();
      String name = "random core " + i + " at " + length;
      Proof proof;
      TreeHead trusted;
      switch (i % 3) {
        case 0 -> {
          long index = random.nextInt((int) length);
          proof =
              core.builder.build(
                  head,
                  ProofRequest.blockAndUpgrade(index, 0, length),
                  core.blocks.get((int) index));
          trusted = TreeHead.EMPTY;
        }
        case 1 -> {
          long start = earlier.length();
          long upTo = start + 1 + random.nextInt((int) (length - start));
          long index = start + random.nextInt((int) (upTo - start));
          proof =
              core.builder.build(
                  head,
                  ProofRequest.blockAndUpgrade(index, start, upTo - start),
                  core.blocks.get((int) index));
          trusted = earlier;
        }
        default -> {
          long index = random.nextInt((int) length);
          proof =
              core.builder.build(
                  head,
                  ProofRequest.block(index, ProofPropertyTest.uncleCount(length, index)),
                  core.blocks.get((int) index));
          trusted = head;
        }
      }
      assertTrue(core.verifier.verify(proof, trusted).accepted(), name);
      cases.add(new Case(name, core.verifier, proof, trusted));
    }
    return cases;
  }
}
