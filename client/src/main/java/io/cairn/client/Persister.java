package io.cairn.client;

import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.hypercore.CoreKeyPair;
import io.cairn.protocol.persist.DataAddress;
import io.cairn.protocol.persist.ItemCipher;
import io.cairn.protocol.persist.Pair;
import io.cairn.protocol.persist.PairContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Persists data the way Resourced does, on Cairn's parts: each item is encrypted with a key of its
 * own (AES-256-GCM, {@link ItemCipher}), the ciphertext is appended to the publisher's own core
 * (signed here, stored by the cluster), and the {@code {address, key}} pairs are announced on the
 * stream in events encrypted with the stream's group key. Once announced, the stream's persistor
 * keeps them, so the publisher may go offline for good.
 */
public final class Persister {
  /** Blocks of at most this size; a larger item spans several blocks and gets a range address. */
  public static final int DEFAULT_MAX_BLOCK_BYTES = 1024 * 1024;

  /** Pairs announced in one event; about 150 bytes each, far below the node's content limit. */
  public static final int DEFAULT_PAIRS_PER_EVENT = 200;

  private final CoreWriter core;
  private final EventPublisher events;
  private final String streamId;
  private final int partition;
  private final Supplier<GroupKey> currentGroupKey;
  private final int maxBlockBytes;
  private final int pairsPerEvent;

  /**
   * @param core the publisher's own core, where the ciphertexts go
   * @param events the publisher's signed events, which announce the pairs
   * @param currentGroupKey the key the stream's content is encrypted with now; asked once per call,
   *     so that a rotation is picked up by the next persist
   */
  public Persister(
      CoreWriter core,
      EventPublisher events,
      String streamId,
      int partition,
      Supplier<GroupKey> currentGroupKey,
      int maxBlockBytes,
      int pairsPerEvent) {
    if (maxBlockBytes < 1 || pairsPerEvent < 1) {
      throw new IllegalArgumentException("blocks and events hold at least one byte and one pair");
    }
    this.core = core;
    this.events = events;
    this.streamId = streamId;
    this.partition = partition;
    this.currentGroupKey = currentGroupKey;
    this.maxBlockBytes = maxBlockBytes;
    this.pairsPerEvent = pairsPerEvent;
  }

  public Persister(
      CoreWriter core, EventPublisher events, String streamId, Supplier<GroupKey> currentGroupKey) {
    this(
        core,
        events,
        streamId,
        0,
        currentGroupKey,
        DEFAULT_MAX_BLOCK_BYTES,
        DEFAULT_PAIRS_PER_EVENT);
  }

  /** A publisher persisting to {@code streamId} from the core of {@code coreKeys}. */
  public static Persister open(
      CairnClient client,
      CoreKeyPair coreKeys,
      EventPublisher events,
      String streamId,
      Supplier<GroupKey> currentGroupKey) {
    return new Persister(CoreWriter.open(client, coreKeys), events, streamId, currentGroupKey);
  }

  public DataAddress persist(byte[] item) {
    return persist(List.of(item)).get(0);
  }

  /**
   * Encrypts and stores the items, then announces their pairs, in order; answered once the node
   * acknowledged the last announcement. An item stored but not announced when this throws is lost
   * to subscribers: persist it again.
   */
  public synchronized List<DataAddress> persist(List<byte[]> items) {
    List<Pair> pairs = new ArrayList<>(items.size());
    List<DataAddress> addresses = new ArrayList<>(items.size());
    List<byte[]> blocks = new ArrayList<>();
    long next = core.head().length();
    for (byte[] item : items) {
      long sealedLength = ItemCipher.sealedLength(item.length);
      int blockCount = (int) Math.max(1, (sealedLength + maxBlockBytes - 1) / maxBlockBytes);
      DataAddress address = DataAddress.ofBlocks(core.key(), next, blockCount);
      byte[] key = ItemCipher.generateKey();
      byte[] sealed = ItemCipher.encrypt(item, key, address);
      for (int offset = 0; offset < sealed.length; offset += maxBlockBytes) {
        blocks.add(
            Arrays.copyOfRange(sealed, offset, Math.min(sealed.length, offset + maxBlockBytes)));
      }
      pairs.add(new Pair(address.text(), key));
      addresses.add(address);
      next += blockCount;
    }
    core.append(blocks);
    GroupKey groupKey = currentGroupKey.get();
    for (int from = 0; from < pairs.size(); from += pairsPerEvent) {
      byte[] announcement =
          PairContent.encode(pairs.subList(from, Math.min(pairs.size(), from + pairsPerEvent)));
      events.publishEncryptedJson(
          streamId, partition, new String(announcement, StandardCharsets.UTF_8), groupKey);
    }
    return addresses;
  }
}
