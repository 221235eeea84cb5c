package io.cairn.protocol.hypercore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random cores (block sizes 0..64 KiB, random batches, random truncations) and random proofs over
 * them, built from stored nodes and verified by a reader holding only the core's identity.
 */
class ProofPropertyTest {
  private static final int ITERATIONS = 200;

  @Test
  void randomProofsOfRandomCoresVerify() {
    Random random = new Random(0x5eed_c0deL);
    for (int iteration = 0; iteration < ITERATIONS; iteration++) {
      Core core = new Core(random, random.nextInt(8) == 0, 64 * 1024);
      int batches = 1 + random.nextInt(4);
      for (int b = 0; b < batches; b++) {
        core.append(1 + random.nextInt(b == 0 ? 40 : 12));
        if (random.nextInt(6) == 0 && core.blocks.size() > 1) {
          core.truncate(random.nextInt(core.blocks.size()));
        }
      }
      if (core.writer.head().length() == 0) {
        core.append(1 + random.nextInt(5));
      }
      String seed = "iteration " + iteration;
      checkBlockWithUpgradeFromZero(core, random, seed);
      checkBlockOnly(core, random, seed);
      checkUpgradeFromEarlierHead(core, random, seed);
      checkRange(core, random, seed);
    }
  }

  private static void checkBlockWithUpgradeFromZero(Core core, Random random, String seed) {
    TreeHead head = core.writer.head();
    long index = random.nextInt((int) head.length());
    long length = 1 + random.nextInt((int) head.length());
    index = Math.min(index, length - 1);
    Proof proof =
        core.builder.build(
            head, ProofRequest.blockAndUpgrade(index, 0, length), core.blocks.get((int) index));
    assertAccepted(head, core.verifier.verify(proof, TreeHead.EMPTY), seed);
    // The same proof survives the wire.
    byte[] wire = new DataMessage(7, proof).encode();
    assertEquals(proof, DataMessage.decode(wire).proof(), seed);
    assertAccepted(head, core.verifier.verifyEncoded(wire, TreeHead.EMPTY), seed);
  }

  private static void checkBlockOnly(Core core, Random random, String seed) {
    TreeHead head = core.writer.head();
    long index = random.nextInt((int) head.length());
    int full = uncleCount(head.length(), index);
    Proof proof =
        core.builder.build(head, ProofRequest.block(index, full), core.blocks.get((int) index));
    assertEquals(full, proof.block().nodes().size(), seed);
    VerificationResult result = core.verifier.verify(proof, head);
    assertAccepted(head, result, seed);

    // Fewer uncles: the rest comes from nodes the reader already trusts.
    int fewer = random.nextInt(full + 1);
    Proof partial =
        core.builder.build(head, ProofRequest.block(index, fewer), core.blocks.get((int) index));
    assertAccepted(head, core.verifier.verify(partial, head, core.writer.store()), seed);
    if (fewer < full) {
      assertRejected(RejectReason.BLOCK_NOT_CONNECTED, core.verifier.verify(partial, head), seed);
    }
  }

  private static void checkUpgradeFromEarlierHead(Core core, Random random, String seed) {
    TreeHead head = core.writer.head();
    List<TreeHead> earlier =
        core.heads.stream()
            .filter(h -> h.fork() == head.fork() && h.length() < head.length())
            .toList();
    if (earlier.isEmpty()) {
      return;
    }
    TreeHead from = earlier.get(random.nextInt(earlier.size()));
    long start = from.length();
    long length = 1 + random.nextInt((int) (head.length() - start));
    ProofRequest request;
    byte[] value = null;
    switch (random.nextInt(3)) {
      case 0 -> request = ProofRequest.upgrade(start, length);
      case 1 -> {
        long index = start + random.nextInt((int) length);
        request = ProofRequest.blockAndUpgrade(index, start, length);
        value = core.blocks.get((int) index);
      }
      default -> {
        if (start == 0) {
          request = ProofRequest.upgrade(start, length);
        } else {
          long index = random.nextInt((int) start);
          request =
              new ProofRequest(
                  new ProofRequest.Block(index, uncleCount(start, index)),
                  new ProofRequest.Upgrade(start, length));
          value = core.blocks.get((int) index);
        }
      }
    }
    Proof proof = core.builder.build(head, request, value);
    assertEquals(
        FlatTree.upgradeNodes(start + length, head.length()).length,
        proof.upgrade().additionalNodes().size(),
        seed);
    assertAccepted(head, core.verifier.verify(proof, from), seed);
    // A reader that never saw `from` cannot use it.
    if (start > 0) {
      assertRejected(
          RejectReason.UPGRADE_START_MISMATCH, core.verifier.verify(proof, TreeHead.EMPTY), seed);
    }
  }

  private static void checkRange(Core core, Random random, String seed) {
    TreeHead head = core.writer.head();
    int start = random.nextInt((int) head.length());
    int count = 1 + random.nextInt((int) head.length() - start);
    RangeProof proof =
        core.builder.buildRange(head, start, core.blocks.subList(start, start + count));
    assertAccepted(head, core.verifier.verifyRange(proof, TreeHead.EMPTY), seed);
    assertAccepted(head, core.verifier.verifyRange(proof, head), seed);
    byte[] changed = proof.values().get(count - 1).clone();
    changed = changed.length == 0 ? new byte[] {1} : flipFirst(changed);
    List<byte[]> values = new ArrayList<>(proof.values());
    values.set(count - 1, changed);
    RangeProof forged =
        new RangeProof(
            proof.fork(), proof.length(), proof.start(), values, proof.nodes(), proof.signature());
    assertRejected(
        RejectReason.SIGNATURE_INVALID, core.verifier.verifyRange(forged, TreeHead.EMPTY), seed);
    assertRejected(RejectReason.HASH_MISMATCH, core.verifier.verifyRange(forged, head), seed);
  }

  private static byte[] flipFirst(byte[] bytes) {
    bytes[0] ^= 1;
    return bytes;
  }

  /** Uncles from block {@code index} up to the root of {@code length} that covers it. */
  static int uncleCount(long length, long index) {
    for (long root : FlatTree.fullRoots(length)) {
      if (FlatTree.covers(root, 2 * index)) {
        return FlatTree.depth(root);
      }
    }
    throw new AssertionError("no root of " + length + " covers block " + index);
  }

  private static void assertAccepted(TreeHead expected, VerificationResult result, String seed) {
    VerificationResult.Accepted accepted =
        assertInstanceOf(VerificationResult.Accepted.class, result, seed + ": " + result);
    assertEquals(expected, accepted.head(), seed);
  }

  private static void assertRejected(RejectReason reason, VerificationResult result, String seed) {
    assertEquals(
        reason,
        assertInstanceOf(VerificationResult.Rejected.class, result, seed).reason(),
        seed + ": " + result);
  }

  /** A writer, the blocks it holds, every head it signed, and a reader for it. */
  static final class Core {
    final Random random;
    final CoreWriter writer;
    final ProofBuilder builder;
    final ProofVerifier verifier;
    final List<byte[]> blocks = new ArrayList<>();
    final List<TreeHead> heads = new ArrayList<>();
    final int maxBlock;

    Core(Random random, boolean compat, int maxBlock) {
      this.random = random;
      this.maxBlock = maxBlock;
      byte[] seed = new byte[32];
      random.nextBytes(seed);
      CoreKeyPair keyPair = CoreKeyPair.fromSeed(seed);
      InMemoryTreeStore store = new InMemoryTreeStore();
      writer = compat ? CoreWriter.createCompat(keyPair, store) : CoreWriter.create(keyPair, store);
      builder = new ProofBuilder(store);
      CoreIdentity identity =
          compat
              ? CoreIdentity.compat(keyPair.publicKey())
              : CoreIdentity.of(Manifest.decode(writer.identity().manifest().encode()));
      verifier = new ProofVerifier(identity);
    }

    void append(int count) {
      List<byte[]> batch = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        // Mostly small blocks, with some up to maxBlock and some empty.
        int size =
            switch (random.nextInt(8)) {
              case 0 -> 0;
              case 1 -> random.nextInt(maxBlock + 1);
              default -> random.nextInt(Math.min(200, maxBlock + 1));
            };
        byte[] block = new byte[size];
        random.nextBytes(block);
        batch.add(block);
      }
      blocks.addAll(batch);
      heads.add(writer.append(batch));
    }

    void truncate(int length) {
      TreeHead before = writer.head();
      blocks.subList(length, blocks.size()).clear();
      TreeHead after = writer.truncate(length);
      heads.add(after);
      assertEquals(before.fork() + 1, after.fork());
      if (length > 0) {
        // A reader at the old fork follows the truncation with a proof from 0.
        Proof proof = builder.build(after, ProofRequest.upgrade(0, length), null);
        assertAccepted(after, verifier.verify(proof, before), "truncate to " + length);
      }
    }
  }
}
