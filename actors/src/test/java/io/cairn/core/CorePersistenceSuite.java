package io.cairn.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.cluster.ClusterNodes;
import io.cairn.journal.JournalSettings;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.hypercore.CoreDescriptor;
import io.cairn.protocol.hypercore.CoreKeyPair;
import io.cairn.protocol.hypercore.CoreWriter;
import io.cairn.protocol.hypercore.InMemoryTreeStore;
import io.cairn.protocol.hypercore.Proof;
import io.cairn.protocol.hypercore.ProofVerifier;
import io.cairn.protocol.hypercore.RangeProof;
import io.cairn.protocol.hypercore.SignedBatch;
import io.cairn.protocol.hypercore.TreeHead;
import io.cairn.protocol.hypercore.VerificationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Core entity on a real JDBC journal, read back through {@link Cores} after a restart. */
abstract class CorePersistenceSuite {
  private final CoreWriter writer =
      CoreWriter.create(CoreKeyPair.generate(), new InMemoryTreeStore());
  private final byte[] key = writer.identity().key();
  private final List<byte[]> written = new ArrayList<>();
  private ClusterNodes node;
  private Cores cores;

  protected abstract JournalSettings journal();

  private void startNode() throws Exception {
    node = ClusterNodes.start(1, journal());
    cores = CoreModule.init(node.node(0).system(), CoreTest.SETTINGS).cores();
  }

  private void stopNode() {
    node.close();
    node = null;
  }

  @AfterEach
  void stopLeftoverNode() {
    if (node != null) {
      stopNode();
    }
  }

  private static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  private SignedBatch write(int count, Random random) {
    List<byte[]> blocks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] block = new byte[random.nextInt(200)];
      random.nextBytes(block);
      blocks.add(block);
    }
    written.addAll(blocks);
    return SignedBatch.of(writer.append(blocks), blocks);
  }

  private long storedEvents() {
    JdbcReadJournal journal =
        PersistenceQuery.get(node.node(0).system())
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    return await(
            journal
                .currentEventsByPersistenceId("Core|" + Core.entityId(key), 0, Long.MAX_VALUE)
                .runWith(Sink.seq(), node.node(0).system()))
        .size();
  }

  @Test
  void appendedBlocksAreReadWithProofsAfterARestart() throws Exception {
    Random random = new Random(7);
    startNode();
    await(cores.register(key, CoreDescriptor.of(writer.identity())));
    for (int batch = 0; batch < 6; batch++) {
      await(cores.append(key, write(1 + random.nextInt(5), random)));
    }
    stopNode();

    startNode();
    Core.Info info = await(cores.info(key));
    assertEquals(writer.head(), info.head());
    // the reader knows only the core's key and the manifest the node hands out
    assertArrayEquals(key, info.descriptor().identity().key());
    ProofVerifier verifier = new ProofVerifier(info.descriptor().identity());
    for (int index = 0; index < written.size(); index++) {
      Proof proof = await(cores.block(key, index, 0));
      assertArrayEquals(written.get(index), proof.block().value(), "block " + index);
      assertInstanceOf(
          VerificationResult.Accepted.class,
          verifier.verify(proof, TreeHead.EMPTY),
          "block " + index);
    }
    RangeProof range = await(cores.range(key, 1, written.size()));
    assertTrue(verifier.verifyRange(range, TreeHead.EMPTY).accepted());
    assertEquals(written.size() + 1, storedEvents(), "one registration and one event per block");
  }

  @Test
  void aForgedBatchLeavesNothingStored() throws Exception {
    Random random = new Random(8);
    startNode();
    await(cores.register(key, CoreDescriptor.of(writer.identity())));
    await(cores.append(key, write(3, random)));
    SignedBatch good = write(2, random);
    List<byte[]> forged = new ArrayList<>(good.blocks());
    forged.set(1, "not what was signed".getBytes());
    CompletionException refused =
        assertThrows(
            CompletionException.class,
            () ->
                await(
                    cores.append(
                        key,
                        new SignedBatch(
                            good.fork(), good.start(), forged, good.roots(), good.signature()))));
    assertEquals(
        ErrorCode.INVALID_BATCH, assertInstanceOf(Rejection.class, refused.getCause()).code());
    assertEquals(4, storedEvents());
    stopNode();

    startNode();
    assertEquals(3, await(cores.info(key)).head().length());
    await(cores.append(key, good));
    assertEquals(6, storedEvents());
  }
}
