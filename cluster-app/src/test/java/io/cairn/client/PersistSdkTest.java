package io.cairn.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cairn.node.TestNode;
import io.cairn.protocol.api.v1.EncryptionType;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.encryption.StreamEncryption;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.hypercore.CoreKeyPair;
import io.cairn.protocol.persist.DataAddress;
import io.cairn.protocol.persist.ItemCipher;
import io.cairn.protocol.persist.ItemDecryptionException;
import io.cairn.protocol.persist.ItemStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Persisting items from the SDK and reading them back, verified, from a real node and its H2
 * journal.
 */
class PersistSdkTest {
  @TempDir static Path data;
  private static TestNode node;

  private final PrivateKeySigner wallet = PrivateKeySigner.generate();
  private final CairnClient owner = CairnClient.connect(node.api()).authenticate(wallet);
  private final GroupKey groupKey = GroupKey.generate();

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(data);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private Persister persister(String stream, int maxBlockBytes, int pairsPerEvent) {
    owner.createStream(stream, "persisted", 1);
    return new Persister(
        CoreWriter.open(owner, CoreKeyPair.generate()),
        new EventPublisher(owner, wallet),
        stream,
        0,
        () -> groupKey,
        maxBlockBytes,
        pairsPerEvent);
  }

  /** Items the first publishers sealed whole are read as before. */
  @Test
  void anItemSealedWholeIsStillRead() {
    CoreWriter core = CoreWriter.open(owner, CoreKeyPair.generate());
    byte[] item = "sealed whole, before chunks".getBytes(StandardCharsets.UTF_8);
    DataAddress address = DataAddress.ofBlocks(core.key(), core.head().length(), 1);
    byte[] key = ItemCipher.generateKey();
    core.append(ItemCipher.encrypt(item, key, address));
    ItemReader reader = new ItemReader(CairnClient.connect(node.api()));
    assertArrayEquals(item, reader.read(address, key));
    assertThrows(
        ItemDecryptionException.class, () -> reader.read(address, ItemCipher.generateKey()));
  }

  @Test
  void itemsAreStoredEncryptedAndAnnouncedInEncryptedEvents() {
    String stream = wallet.address() + "/persist";
    Persister persister = persister(stream, 1000, 3);
    Random random = new Random(7);
    List<byte[]> items = new ArrayList<>();
    for (int size : new int[] {0, 1, 953, 954, 955, 2500, 10_000}) {
      byte[] item = new byte[size];
      random.nextBytes(item);
      items.add(item);
    }

    List<DataAddress> addresses = persister.persist(items);

    // an item fits in one block while its preamble, sealed header and sealed chunk fit in 1000
    // bytes: 953 bytes of an unnamed item
    assertEquals(1000, ItemStream.sealedLength("", 953));
    assertEquals(
        List.of(1, 1, 1, 2, 2, 3, 11), addresses.stream().map(DataAddress::blockCount).toList());
    for (int i = 1; i < addresses.size(); i++) {
      assertEquals(
          addresses.get(i - 1).end(),
          addresses.get(i).first(),
          "items follow each other in the core");
    }
    List<StreamMessage> events = owner.storedEvents(stream, 0, "last?count=10");
    assertEquals(3, events.size(), "7 pairs, 3 per event");
    List<JsonObject> pairs = new ArrayList<>();
    for (StreamMessage event : events) {
      assertEquals(EncryptionType.AES, event.getContentMessage().getEncryptionType());
      assertEquals(groupKey.id(), event.getContentMessage().getGroupKeyId());
      String json =
          StreamEncryption.decryptContent(event, groupKey)
              .message()
              .getContentMessage()
              .getContent()
              .toStringUtf8();
      JsonParser.parseString(json)
          .getAsJsonObject()
          .getAsJsonArray("data")
          .forEach(pair -> pairs.add(pair.getAsJsonObject()));
    }
    ItemReader reader = new ItemReader(CairnClient.connect(node.api()));
    for (int i = 0; i < items.size(); i++) {
      assertEquals(addresses.get(i).text(), pairs.get(i).get("address").getAsString());
      byte[] key = Base64.getDecoder().decode(pairs.get(i).get("key").getAsString());
      assertArrayEquals(items.get(i), reader.read(addresses.get(i), key), "item " + i);
    }
  }

  @Test
  void aForgedKeyOrAnotherItemsKeyOpensNothing() {
    Persister persister = persister(wallet.address() + "/forged", 4096, 10);
    List<DataAddress> addresses =
        persister.persist(
            List.of(
                "first".getBytes(StandardCharsets.UTF_8),
                "second".getBytes(StandardCharsets.UTF_8)));
    byte[] firstKey = keysOf(wallet.address() + "/forged").get(0);
    ItemReader reader = new ItemReader(CairnClient.connect(node.api()));

    assertArrayEquals(
        "first".getBytes(StandardCharsets.UTF_8), reader.read(addresses.get(0), firstKey));
    assertThrows(ItemDecryptionException.class, () -> reader.read(addresses.get(1), firstKey));
    assertThrows(ItemDecryptionException.class, () -> reader.read(addresses.get(0), new byte[32]));
  }

  @Test
  void aBlockAlteredInTheJournalFailsItsProof() throws Exception {
    CoreKeyPair coreKeys = CoreKeyPair.generate();
    String stream = wallet.address() + "/tampered";
    owner.createStream(stream, "persisted", 1);
    Persister persister =
        new Persister(
            CoreWriter.open(owner, coreKeys),
            new EventPublisher(owner, wallet),
            stream,
            () -> groupKey);
    byte[] item = new byte[5000];
    new Random(3).nextBytes(item);
    List<DataAddress> addresses = persister.persist(List.of(new byte[10], item));
    DataAddress address = addresses.get(1);
    byte[] key = keysOf(stream).get(1);
    byte[] stored = CoreReader.open(owner, address.coreKey()).get(address.first());

    JournalTampering.flipByteOfBlock(node, address.coreKey(), address.first(), stored);

    ItemReader reader = new ItemReader(CairnClient.connect(node.api()));
    ProofRejectedException rejected =
        assertThrows(ProofRejectedException.class, () -> reader.read(address, key));
    assertFalse(rejected.getMessage().isEmpty());
    assertArrayEquals(
        new byte[10],
        reader.read(addresses.get(0), keysOf(stream).get(0)),
        "the other block is intact");
  }

  private List<byte[]> keysOf(String stream) {
    List<byte[]> keys = new ArrayList<>();
    for (StreamMessage event : owner.storedEvents(stream, 0, "last?count=100")) {
      String json =
          StreamEncryption.decryptContent(event, groupKey)
              .message()
              .getContentMessage()
              .getContent()
              .toStringUtf8();
      JsonParser.parseString(json)
          .getAsJsonObject()
          .getAsJsonArray("data")
          .forEach(
              pair ->
                  keys.add(
                      Base64.getDecoder().decode(pair.getAsJsonObject().get("key").getAsString())));
    }
    return keys;
  }
}
