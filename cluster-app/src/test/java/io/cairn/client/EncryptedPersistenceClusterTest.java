package io.cairn.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cairn.cluster.ClusterNodes;
import io.cairn.journal.TestDatabases;
import io.cairn.node.TestNode;
import io.cairn.persist.Persistor;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.PersistorMode;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.hypercore.CoreKeyPair;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encrypted persistence end to end on three nodes and PostgreSQL: a publisher persists items and
 * leaves for good, the node hosting the stream's persistor crashes and a node comes back, and a
 * subscriber that arrives only then recovers every item, byte for byte.
 */
class EncryptedPersistenceClusterTest {
  private static final int ITEMS = 10_000;
  private static final int MAX_ITEM = 256 * 1024;

  @TempDir Path data;

  @Test
  void aLateSubscriberRecoversEveryItemAfterThePublisherLeftAndThePersistorsNodeCrashed()
      throws Exception {
    try (ClusterNodes cluster =
        ClusterNodes.start(3, TestNode.wholeNodes(TestDatabases.postgres(), data, Map.of()))) {
      PrivateKeySigner publisherWallet = PrivateKeySigner.generate();
      PrivateKeySigner subscriberWallet = PrivateKeySigner.generate();
      String stream = publisherWallet.address() + "/archive";
      List<byte[]> digests =
          publishAndLeave(TestNode.of(cluster.node(1)), publisherWallet, subscriberWallet, stream);

      cluster.crash(cluster.hostOf(Persistor.ENTITY_KEY, stream));
      TestNode back = TestNode.of(cluster.join());
      CairnClient subscriber = CairnClient.connect(back.api()).authenticate(subscriberWallet);
      PersistorCheckpoints.await(subscriber, stream, ITEMS, Duration.ofSeconds(90));

      EthereumAddress service = EthereumAddress.parse(subscriber.nodeInfo().getServiceAddress());
      List<byte[]> recovered = new ArrayList<>();
      Recoverer.Report report =
          new Recoverer(
                  subscriber, new GroupKeyExchange(subscriber, subscriberWallet, 2048), service)
              .recover(
                  stream,
                  item -> {
                    assertEquals(recovered.size(), item.index());
                    recovered.add(sha256(item.data()));
                  });

      assertEquals(List.of(), report.failures());
      assertEquals(ITEMS, report.recovered());
      assertEquals(ITEMS, report.checkpoint().count());
      for (int i = 0; i < ITEMS; i++) {
        assertArrayEquals(digests.get(i), recovered.get(i), "item " + i);
      }
    }
  }

  /**
   * The publisher's whole life: set the stream up, persist every item, and go; only the digests
   * stay.
   */
  private static List<byte[]> publishAndLeave(
      TestNode node, PrivateKeySigner wallet, PrivateKeySigner subscriber, String stream)
      throws Exception {
    CairnClient publisher = CairnClient.connect(node.api()).authenticate(wallet);
    publisher.createStream(stream, "persisted archive", 1);
    publisher.grant(stream, subscriber.address(), "subscribe");
    publisher.grant(
        stream, EthereumAddress.parse(publisher.nodeInfo().getServiceAddress()), "publish");
    publisher.appointCustodian(stream);
    publisher.appointPersistor(stream, PersistorMode.CHECKPOINT, Duration.ofMillis(500));
    GroupKeyExchange keys = new GroupKeyExchange(publisher, wallet, 2048);
    Persister persister =
        Persister.open(
            publisher,
            CoreKeyPair.generate(),
            new EventPublisher(publisher, wallet),
            stream,
            () -> keys.current(stream));
    Random random = new Random(20261121);
    List<byte[]> digests = new ArrayList<>();
    List<byte[]> batch = new ArrayList<>();
    for (int i = 0; i < ITEMS; i++) {
      byte[] item = new byte[size(random, i)];
      random.nextBytes(item);
      digests.add(sha256(item));
      batch.add(item);
      if (batch.size() == 100) {
        persister.persist(batch);
        batch.clear();
      }
    }
    persister.persist(batch);
    return digests;
  }

  /**
   * Mostly small items, some tens of KiB, a few up to 256 KiB: the first item is the largest
   * allowed.
   */
  private static int size(Random random, int index) {
    if (index == 0) {
      return MAX_ITEM;
    }
    int kind = random.nextInt(100);
    return kind < 90
        ? random.nextInt(4096)
        : kind < 99 ? random.nextInt(64 * 1024) : random.nextInt(MAX_ITEM + 1);
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
