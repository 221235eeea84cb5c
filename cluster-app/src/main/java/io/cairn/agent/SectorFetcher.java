package io.cairn.agent;

import io.cairn.client.CairnClient;
import io.cairn.client.ProofRejectedException;
import io.cairn.protocol.hypercore.CoreIdentity;
import io.cairn.protocol.hypercore.MerkleHasher;
import io.cairn.protocol.hypercore.Proof;
import io.cairn.protocol.hypercore.ProofProtos;
import io.cairn.protocol.hypercore.ProofVerifier;
import io.cairn.protocol.hypercore.RejectReason;
import io.cairn.protocol.hypercore.TreeHead;
import io.cairn.protocol.hypercore.VerificationResult;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads the blocks of a replica's range from a node without trusting it. The signed tree of length
 * {@code rangeEnd} is verified from an upgrade proof against the publisher's key, and its tree hash
 * must be the one the replica id binds; then every block is verified against that tree.
 *
 * <p>Each block is asked for with the proof from length 0, which the hoster keeps to serve readers
 * (a reader verifies it from nothing but the core's key). When that proof's signed tree is the
 * range's own, it verifies the block too; otherwise (the core grew or forked since) the block is
 * asked for again against the range's tree.
 *
 * <p>Blocks are asked for by several workers at once, at most {@code inFlight} requests in flight
 * (one block's round trip, not the verification, is what a sequential read waits on); each worker
 * verifies what it reads with its own {@link ProofVerifier}, and the first failure stops them all
 * and is thrown as it was raised.
 */
final class SectorFetcher {
  /** Requests in flight by default: enough to hide a local round trip, few enough for any node. */
  static final int DEFAULT_IN_FLIGHT = 8;

  private final CairnClient client;
  private final int inFlight;

  SectorFetcher(CairnClient client) {
    this(client, DEFAULT_IN_FLIGHT);
  }

  SectorFetcher(CairnClient client, int inFlight) {
    if (inFlight < 1) {
      throw new IllegalArgumentException("inFlight must be at least 1, not " + inFlight);
    }
    this.client = client;
    this.inFlight = inFlight;
  }

  /**
   * The blocks of {@code [start, end)} and, for each, its proof from length 0 without the block
   * ({@code cairn.api.v1.Proof} bytes, as the node sends it in its raw format's header).
   */
  record VerifiedSector(List<byte[]> blocks, List<byte[]> proofs) {
    /** The bytes of the blocks themselves. */
    long byteLength() {
      return blocks.stream().mapToLong(block -> block.length).sum();
    }
  }

  /**
   * A range whose signed tree was verified: the tree of length {@code head.length()} ≥ {@code end}
   * its blocks are checked against. The writer signs only the lengths it appended to, so a sector
   * cut inside one append has no signed end of its own: it is checked against the tree the job was
   * placed with.
   */
  private record VerifiedRange(
      byte[] key, long start, long end, CoreIdentity identity, TreeHead head) {}

  VerifiedSector fetch(byte[] key, long start, long end, long treeLength, byte[] expectedTreeHash) {
    return fetch(range(key, start, end, treeLength, expectedTreeHash));
  }

  /**
   * Verifies the signed tree of length {@code treeLength} against the publisher's key and the tree
   * hash the replica id binds.
   */
  private VerifiedRange range(
      byte[] key, long start, long end, long treeLength, byte[] expectedTreeHash) {
    CoreIdentity identity =
        ProofProtos.fromProto(client.coreInfo(key).getRegistration()).identity();
    if (!Arrays.equals(identity.key(), key)) {
      throw new ProofRejectedException(
          RejectReason.SIGNER_INVALID,
          "the node described core "
              + HexFormat.of().formatHex(identity.key())
              + " instead of "
              + HexFormat.of().formatHex(key));
    }
    ProofVerifier verifier = new ProofVerifier(identity);
    TreeHead head =
        accepted(verifier.verify(client.upgrade(key, 0, treeLength), TreeHead.EMPTY), -1);
    if (head.length() != treeLength) {
      throw new ProofRejectedException(
          RejectReason.INVALID_LENGTH,
          "the upgrade to " + treeLength + " proved a tree of length " + head.length());
    }
    byte[] treeHash = new MerkleHasher().treeHash(head.roots());
    if (!Arrays.equals(treeHash, expectedTreeHash)) {
      throw new ProofRejectedException(
          RejectReason.HASH_MISMATCH,
          "the core's signed tree at length "
              + treeLength
              + " has tree hash "
              + HexFormat.of().formatHex(treeHash)
              + ", not the task's "
              + HexFormat.of().formatHex(expectedTreeHash));
    }
    return new VerifiedRange(key, start, end, identity, head);
  }

  /** The blocks of a verified range, each verified against its tree. */
  private VerifiedSector fetch(VerifiedRange range) {
    byte[] key = range.key();
    long start = range.start();
    long end = range.end();
    CoreIdentity identity = range.identity();
    TreeHead head = range.head();
    int count = Math.toIntExact(end - start);
    byte[][] blocks = new byte[count][];
    byte[][] proofs = new byte[count][];
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean failed = new AtomicBoolean();
    int workers = Math.min(inFlight, count);
    ExecutorService pool =
        Executors.newFixedThreadPool(
            workers,
            work -> {
              Thread thread = new Thread(work, "sector-fetch");
              thread.setDaemon(true);
              return thread;
            });
    try {
      CompletionService<Void> done = new ExecutorCompletionService<>(pool);
      for (int w = 0; w < workers; w++) {
        done.submit(
            () -> {
              ProofVerifier own = new ProofVerifier(identity);
              for (int i = next.getAndIncrement();
                  i < count && !failed.get();
                  i = next.getAndIncrement()) {
                VerifiedBlock block = fetchBlock(own, key, start + i, head);
                blocks[i] = block.value();
                proofs[i] = block.proof();
              }
              return null;
            });
      }
      for (int w = 0; w < workers; w++) {
        awaitWorker(done, failed);
      }
    } finally {
      pool.shutdownNow();
    }
    return new VerifiedSector(List.of(blocks), List.of(proofs));
  }

  private record VerifiedBlock(byte[] value, byte[] proof) {}

  /** Block {@code index} verified from length 0, and against the range's tree {@code head}. */
  private VerifiedBlock fetchBlock(ProofVerifier verifier, byte[] key, long index, TreeHead head) {
    Proof fromZero = client.block(key, index, 0);
    TreeHead proven = accepted(verifier.verify(fromZero, TreeHead.EMPTY), index);
    byte[] value = fromZero.block().value();
    if (!sameTree(proven, head)) {
      Proof inRange = client.block(key, index, head.length());
      accepted(verifier.verify(inRange, head), index);
      if (!Arrays.equals(inRange.block().value(), value)) {
        throw new ProofRejectedException(
            RejectReason.HASH_MISMATCH,
            "block " + index + " differs between the core's current tree and the range's");
      }
    }
    return new VerifiedBlock(value, withoutValue(fromZero));
  }

  /**
   * Waits for the next worker to finish; the first to fail stops the others, and its failure is
   * thrown.
   */
  private static void awaitWorker(CompletionService<Void> done, AtomicBoolean failed) {
    try {
      done.take().get();
    } catch (InterruptedException interrupted) {
      failed.set(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading a sector", interrupted);
    } catch (ExecutionException workerFailed) {
      failed.set(true);
      Throwable cause = workerFailed.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    }
  }

  /** The proof as the node's raw format carries it in its header: without the block's bytes. */
  static byte[] withoutValue(Proof proof) {
    return ProofProtos.toProto(
            new Proof(
                proof.fork(),
                new Proof.Block(proof.block().index(), new byte[0], proof.block().nodes()),
                proof.upgrade()))
        .toByteArray();
  }

  private static boolean sameTree(TreeHead a, TreeHead b) {
    return a.fork() == b.fork() && a.length() == b.length() && a.roots().equals(b.roots());
  }

  private static TreeHead accepted(VerificationResult result, long index) {
    if (result instanceof VerificationResult.Rejected rejected) {
      String what = index < 0 ? "the range's signed tree" : "block " + index;
      throw new ProofRejectedException(rejected.reason(), what + ": " + rejected.message());
    }
    return ((VerificationResult.Accepted) result).head();
  }
}
