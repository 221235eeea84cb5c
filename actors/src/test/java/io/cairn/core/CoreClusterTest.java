package io.cairn.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.cairn.cluster.ClusterNodes;
import io.cairn.journal.TestDatabases;
import io.cairn.protocol.hypercore.CoreDescriptor;
import io.cairn.protocol.hypercore.CoreKeyPair;
import io.cairn.protocol.hypercore.CoreWriter;
import io.cairn.protocol.hypercore.InMemoryTreeStore;
import io.cairn.protocol.hypercore.Proof;
import io.cairn.protocol.hypercore.ProofVerifier;
import io.cairn.protocol.hypercore.SignedBatch;
import io.cairn.protocol.hypercore.TreeHead;
import io.cairn.protocol.hypercore.VerificationResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Written through one node of a three-node cluster, read and verified through another. */
class CoreClusterTest {
  private static final CoreSettings SETTINGS =
      new CoreSettings(4 * 1024 * 1024, 8 * 1024 * 1024, 1024, Duration.ofSeconds(15));
  private ClusterNodes cluster;

  @AfterEach
  void stopNodes() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private final Map<ActorTestKit, Cores> cores = new HashMap<>();

  private Cores coresOn(ActorTestKit node) {
    return cores.get(node);
  }

  @Test
  void appendedOnOneNodeVerifiedOnAnother() throws Exception {
    cluster = ClusterNodes.start(3, TestDatabases.postgres());
    for (ActorTestKit node : cluster.nodes()) {
      cores.put(node, CoreModule.init(node.system(), SETTINGS).cores());
    }
    CoreWriter writer = CoreWriter.create(CoreKeyPair.generate(), new InMemoryTreeStore());
    byte[] key = writer.identity().key();
    Random random = new Random(3);
    List<byte[]> written = new ArrayList<>();

    coresOn(cluster.node(0))
        .register(key, CoreDescriptor.of(writer.identity()))
        .toCompletableFuture()
        .join();
    // writer and reader each talk to a node that does not host the core, so both cross the cluster
    List<ActorTestKit> elsewhere =
        cluster.others(cluster.hostOf(Core.ENTITY_KEY, Core.entityId(key)));
    Cores nodeA = coresOn(elsewhere.get(0));
    // a block at the size limit crosses the cluster on Artery's large-message stream
    int[] sizes = {100, 4 * 1024 * 1024, 0, 4096, 70_000};
    for (int size : sizes) {
      byte[] block = new byte[size];
      random.nextBytes(block);
      written.add(block);
      nodeA
          .append(key, SignedBatch.of(writer.append(block), List.of(block)))
          .toCompletableFuture()
          .join();
    }

    Cores nodeB = coresOn(elsewhere.get(1));
    Core.Info info = nodeB.info(key).toCompletableFuture().join();
    assertEquals(writer.head(), info.head());
    ProofVerifier verifier = new ProofVerifier(info.descriptor().identity());
    for (int index = 0; index < written.size(); index++) {
      Proof proof = nodeB.block(key, index, 0).toCompletableFuture().join();
      assertArrayEquals(written.get(index), proof.block().value());
      assertInstanceOf(VerificationResult.Accepted.class, verifier.verify(proof, TreeHead.EMPTY));
    }
  }
}
