package io.cairn.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.node.TestNode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.PersistorMode;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.encryption.GroupKeyLookup;
import io.cairn.protocol.encryption.StreamEncryption;
import io.cairn.protocol.encryption.UnknownGroupKeyException;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.hypercore.CoreKeyPair;
import io.cairn.protocol.persist.DataAddress;
import io.cairn.protocol.persist.Pair;
import io.cairn.protocol.persist.PairContent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who can read persisted items: a subscriber without permission gets neither keys nor pairs; a
 * subscriber whose permission is revoked keeps what it could read before, but cannot open anything
 * published after the rotation the revocation caused, even with its live subscription still open.
 */
class EncryptedPersistenceAccessTest {
  @TempDir static Path data;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    // a loaded machine may take more than the default wait for a revocation's rotation
    node = TestNode.start(data, Map.of("cairn.keys.revoke-rotation-wait", "30s"));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private final PrivateKeySigner ownerWallet = PrivateKeySigner.generate();
  private final PrivateKeySigner keptWallet = PrivateKeySigner.generate();
  private final PrivateKeySigner revokedWallet = PrivateKeySigner.generate();
  private final PrivateKeySigner strangerWallet = PrivateKeySigner.generate();
  private final String stream = ownerWallet.address() + "/access";

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  /** The owner's side of a stream set up for persistence, each part the tests use. */
  private record Persisting(
      CairnClient owner,
      EthereumAddress service,
      GroupKeyExchange keys,
      EventPublisher events,
      Persister persister) {}

  /**
   * Creates the stream with a custodian and a persistor checkpointing every 200 ms, its service
   * address allowed to publish, and {@code subscribers} allowed to subscribe.
   */
  private Persisting persisting(PrivateKeySigner... subscribers) {
    CairnClient owner = CairnClient.connect(node.api()).authenticate(ownerWallet);
    owner.createStream(stream, "", 1);
    EthereumAddress service = EthereumAddress.parse(owner.nodeInfo().getServiceAddress());
    owner.grant(stream, service, "publish");
    for (PrivateKeySigner subscriber : subscribers) {
      owner.grant(stream, subscriber.address(), "subscribe");
    }
    owner.appointCustodian(stream);
    owner.appointPersistor(stream, PersistorMode.CHECKPOINT, Duration.ofMillis(200));
    GroupKeyExchange keys = new GroupKeyExchange(owner, ownerWallet, 2048);
    EventPublisher events = new EventPublisher(owner, ownerWallet);
    return new Persisting(
        owner,
        service,
        keys,
        events,
        Persister.open(owner, CoreKeyPair.generate(), events, stream, () -> keys.current(stream)));
  }

  @Test
  void onlyPermittedSubscribersReadAndARevokedOneLosesWhatComesAfter() throws Exception {
    Persisting persisting = persisting(keptWallet, revokedWallet);
    Persister persister = persisting.persister();
    EthereumAddress service = persisting.service();

    CairnClient revoked = CairnClient.connect(node.api()).authenticate(revokedWallet);
    GroupKeyExchange revokedKeys = new GroupKeyExchange(revoked, revokedWallet, 2048);
    GroupKey before = revokedKeys.current(stream);
    BlockingQueue<StreamMessage> seenByRevoked = new LinkedBlockingQueue<>();
    subscribe(revoked, seenByRevoked);

    List<DataAddress> early = persister.persist(List.of(bytes("early 1"), bytes("early 2")));
    assertEquals(
        "done",
        persisting.owner().revoke(stream, revokedWallet.address(), "subscribe").getKeyRotation(),
        "what is persisted next is sealed under a key made after the revocation");
    persister.persist(List.of(bytes("late 1"), bytes("late 2")));

    // what the revoked subscriber held still opens: the announcement of the early items and the
    // items
    StreamMessage earlyEvent = seenByRevoked.poll(20, TimeUnit.SECONDS);
    assertNotNull(earlyEvent, "the early announcement reaches the live subscription");
    List<Pair> earlyPairs = pairsOf(earlyEvent, GroupKeyLookup.of(before));
    ItemReader reader = new ItemReader(revoked);
    assertArrayEquals(bytes("early 1"), reader.read(early.get(0), earlyPairs.get(0).key()));
    // what came after the rotation does not: its announcement names a key the subscriber never gets
    StreamMessage lateEvent = seenByRevoked.poll(20, TimeUnit.SECONDS);
    assertNotNull(
        lateEvent, "the revoked subscriber's open subscription still sees the ciphertext");
    String lateKeyId = lateEvent.getContentMessage().getGroupKeyId();
    assertNotEquals(before.id(), lateKeyId, "the revocation rotated the group key");
    assertThrows(
        UnknownGroupKeyException.class, () -> pairsOf(lateEvent, GroupKeyLookup.of(before)));
    assertRefused("NOT_PERMITTED", () -> revokedKeys.find(stream, lateKeyId));
    assertRefused(
        "NOT_PERMITTED",
        () -> new Recoverer(revoked, revokedKeys, service).recover(stream, item -> {}));

    // a stranger gets nothing: no keys, no pairs, no stored announcements
    CairnClient stranger = CairnClient.connect(node.api()).authenticate(strangerWallet);
    GroupKeyExchange strangerKeys = new GroupKeyExchange(stranger, strangerWallet, 2048);
    assertRefused("NOT_PERMITTED", () -> strangerKeys.current(stream));
    assertRefused(
        "NOT_PERMITTED",
        () -> new Recoverer(stranger, strangerKeys, service).recover(stream, item -> {}));
    assertRefused("NOT_PERMITTED", () -> stranger.storedEvents(stream, 0, "last?count=10"));

    // a subscriber still permitted recovers everything, under both keys
    CairnClient kept = CairnClient.connect(node.api()).authenticate(keptWallet);
    PersistorCheckpoints.await(kept, stream, 4, PATIENCE);
    List<byte[]> recovered = new ArrayList<>();
    Recoverer.Report report =
        new Recoverer(kept, new GroupKeyExchange(kept, keptWallet, 2048), service)
            .recover(stream, item -> recovered.add(item.data()));
    assertEquals(List.of(), report.failures());
    assertEquals(4, report.recovered());
    assertArrayEquals(bytes("early 1"), recovered.get(0));
    assertArrayEquals(bytes("late 2"), recovered.get(3));
  }

  @Test
  void aForgedPairAndATamperedBlockAreReportedAndTheRestRecovered() throws Exception {
    Persisting persisting = persisting();
    CairnClient owner = persisting.owner();
    GroupKeyExchange ownerKeys = persisting.keys();
    EthereumAddress service = persisting.service();
    Persister persister = persisting.persister();
    List<DataAddress> items =
        persister.persist(
            List.of(bytes("intact"), bytes("to be altered"), bytes("third"), bytes("fourth")));
    // a publisher announces the blocks of the last two items as one item, with a key of its own
    DataAddress forged = DataAddress.ofBlocks(items.get(2).coreKey(), items.get(2).first(), 2);
    persisting
        .events()
        .publishEncryptedJson(
            stream,
            0,
            new String(
                PairContent.encode(List.of(new Pair(forged.text(), new byte[32]))),
                StandardCharsets.UTF_8),
            ownerKeys.current(stream));
    byte[] stored = CoreReader.open(owner, items.get(1).coreKey()).get(items.get(1).first());
    JournalTampering.flipByteOfBlock(node, items.get(1).coreKey(), items.get(1).first(), stored);
    PersistorCheckpoints.await(owner, stream, 5, PATIENCE);

    List<byte[]> recovered = new ArrayList<>();
    Recoverer.Report report =
        new Recoverer(owner, ownerKeys, service)
            .recover(stream, item -> recovered.add(item.data()));

    assertEquals(3, report.recovered(), "the intact items are handed back");
    assertArrayEquals(bytes("intact"), recovered.get(0));
    assertArrayEquals(bytes("fourth"), recovered.get(2));
    assertEquals(2, report.failures().size(), report.failures().toString());
    assertEquals(items.get(1).text(), report.failures().get(0).address());
    assertTrue(
        report.failures().get(0).reason().contains("do not verify"),
        report.failures().get(0).reason());
    assertEquals(forged.text(), report.failures().get(1).address());
    assertTrue(
        report.failures().get(1).reason().contains("does not open"),
        report.failures().get(1).reason());
  }

  @Test
  void aFollowerGetsWhatWasPersistedBeforeAndThenEachItemAsItComes() throws Exception {
    Persisting persisting = persisting(keptWallet);
    Persister persister = persisting.persister();
    EthereumAddress service = persisting.service();
    persister.persist(List.of(bytes("before 1"), bytes("before 2")));
    PersistorCheckpoints.await(persisting.owner(), stream, 2, PATIENCE);

    CairnClient kept = CairnClient.connect(node.api()).authenticate(keptWallet);
    BlockingQueue<Recoverer.RecoveredItem> items = new LinkedBlockingQueue<>();
    BlockingQueue<Object> trouble = new LinkedBlockingQueue<>();
    Flow.Subscription following =
        new Recoverer(kept, new GroupKeyExchange(kept, keptWallet, 2048), service)
            .follow(
                stream,
                new Recoverer.Follower() {
                  @Override
                  public void recovered(Recoverer.RecoveredItem item) {
                    items.add(item);
                  }

                  @Override
                  public void failed(Recoverer.Failure failure) {
                    trouble.add(failure);
                  }

                  @Override
                  public void stopped(Throwable cause) {
                    trouble.add(cause == null ? "completed" : cause);
                  }
                });
    try {
      persister.persist(List.of(bytes("live 1")));
      persister.persist(List.of(bytes("live 2"), bytes("live 3")));

      List<String> seen = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        Recoverer.RecoveredItem item = items.poll(20, TimeUnit.SECONDS);
        assertNotNull(item, "item " + i + " arrives; trouble: " + trouble);
        assertEquals(i, item.index());
        seen.add(new String(item.data(), StandardCharsets.UTF_8));
      }
      assertEquals(List.of("before 1", "before 2", "live 1", "live 2", "live 3"), seen);
      assertEquals(List.of(), new ArrayList<>(trouble));
    } finally {
      following.cancel();
    }
  }

  private static List<Pair> pairsOf(StreamMessage event, GroupKeyLookup keys) {
    byte[] json =
        StreamEncryption.decryptContent(event, keys)
            .message()
            .getContentMessage()
            .getContent()
            .toByteArray();
    return PairContent.decode(json).pairs();
  }

  private void subscribe(CairnClient client, BlockingQueue<StreamMessage> seen)
      throws InterruptedException {
    BlockingQueue<Flow.Subscription> subscribed = new LinkedBlockingQueue<>();
    client
        .subscribe(stream, 0)
        .subscribe(
            new Flow.Subscriber<>() {
              @Override
              public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
                subscribed.add(subscription);
              }

              @Override
              public void onNext(StreamMessage event) {
                // the persistor's own checkpoints are not announcements
                if (event.getContentMessage().hasGroupKeyId()) {
                  seen.add(event);
                }
              }

              @Override
              public void onError(Throwable failure) {}

              @Override
              public void onComplete() {}
            });
    assertNotNull(subscribed.poll(20, TimeUnit.SECONDS), "the subscription is in place");
  }

  private static void assertRefused(String code, Runnable request) {
    CairnApiException refused = assertThrows(CairnApiException.class, request::run);
    assertEquals(code, refused.code(), refused.getMessage());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
