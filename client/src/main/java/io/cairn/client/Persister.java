package io.cairn.client;

import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.hypercore.CoreKeyPair;
import io.cairn.protocol.persist.DataAddress;
import io.cairn.protocol.persist.ItemCipher;
import io.cairn.protocol.persist.ItemStream;
import io.cairn.protocol.persist.Pair;
import io.cairn.protocol.persist.PairContent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Persists data the way Resourced does, on Cairn's parts: each item is encrypted with a key of its
 * own (AES-256-GCM a chunk at a time, {@link ItemStream}, its name sealed with it), the ciphertext
 * is appended to the publisher's own core (signed here, stored by the cluster), and the {@code
 * {address, key}} pairs are announced on the stream in events encrypted with the stream's group
 * key. Once announced, the stream's persistor keeps them, so the publisher may go offline for good.
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

  /**
   * An item to persist: its name (empty for none; it travels encrypted with the item, so only
   * readers learn it), its length, and where its bytes are read from, once.
   */
  public record Item(String name, long length, Content content) {
    /** Opens an item's bytes to read. */
    @FunctionalInterface
    public interface Content {
      InputStream open() throws IOException;
    }

    /** An unnamed item held in memory. */
    public static Item of(byte[] bytes) {
      return new Item("", bytes.length, () -> new ByteArrayInputStream(bytes));
    }

    /** A file, named by its file name, read from disk as it is sealed. */
    public static Item of(Path file) throws IOException {
      return new Item(
          file.getFileName().toString(), Files.size(file), () -> Files.newInputStream(file));
    }
  }

  public DataAddress persist(byte[] item) {
    return persist(List.of(item)).get(0);
  }

  /** {@link #persistItems} of unnamed items held in memory. */
  public List<DataAddress> persist(List<byte[]> items) {
    return persistItems(items.stream().map(Item::of).toList(), done -> {});
  }

  /**
   * Encrypts and stores the items, then announces their pairs, in order; answered once the node
   * acknowledged the last announcement. Each item is read, sealed and appended a chunk at a time,
   * so items of any size take bounded memory; {@code progress} is told the bytes read so far. An
   * item stored but not announced when this throws is lost to subscribers: persist it again.
   */
  public synchronized List<DataAddress> persistItems(List<Item> items, LongConsumer progress) {
    List<Pair> pairs = new ArrayList<>(items.size());
    List<DataAddress> addresses = new ArrayList<>(items.size());
    BlockAppender blocks = new BlockAppender(core, maxBlockBytes);
    long read = 0;
    for (Item item : items) {
      long sealedLength = ItemStream.sealedLength(item.name(), item.length());
      int blockCount = (int) Math.max(1, (sealedLength + maxBlockBytes - 1) / maxBlockBytes);
      DataAddress address = DataAddress.ofBlocks(core.key(), blocks.nextBlock(), blockCount);
      byte[] key = ItemCipher.generateKey();
      long before = read;
      try (InputStream content = new CountingStream(item.content().open(), before, progress)) {
        ItemStream.seal(content, item.name(), item.length(), key, address, blocks);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read " + (item.name().isEmpty() ? "an item" : item.name()) + ": " + e, e);
      }
      // an item's blocks are its own: the next one starts a block of its own
      blocks.endItem();
      read += item.length();
      pairs.add(new Pair(address.text(), key));
      addresses.add(address);
    }
    blocks.flush();
    GroupKey groupKey = currentGroupKey.get();
    for (int from = 0; from < pairs.size(); from += pairsPerEvent) {
      byte[] announcement =
          PairContent.encode(pairs.subList(from, Math.min(pairs.size(), from + pairsPerEvent)));
      events.publishEncryptedJson(
          streamId, partition, new String(announcement, StandardCharsets.UTF_8), groupKey);
    }
    return addresses;
  }

  /**
   * Sealed bytes cut into blocks of at most {@code maxBlockBytes}, appended to the core in signed
   * batches of about {@link #BATCH_BYTES} as they fill: what waits in memory is one batch.
   */
  private static final class BlockAppender extends OutputStream {
    private static final int BATCH_BYTES = 4 * 1024 * 1024;

    private final CoreWriter core;
    private final int maxBlockBytes;
    private final List<byte[]> batch = new ArrayList<>();
    private final ByteArrayOutputStream filling = new ByteArrayOutputStream();
    private long batchBytes;
    private long appended;

    BlockAppender(CoreWriter core, int maxBlockBytes) {
      this.core = core;
      this.maxBlockBytes = maxBlockBytes;
      this.appended = core.head().length();
    }

    /** The index the next block started will have in the core. */
    long nextBlock() {
      return appended + batch.size();
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      while (length > 0) {
        int room = Math.min(length, maxBlockBytes - filling.size());
        filling.write(bytes, offset, room);
        offset += room;
        length -= room;
        if (filling.size() == maxBlockBytes) {
          endBlock();
        }
      }
    }

    void endItem() {
      if (filling.size() > 0) {
        endBlock();
      }
    }

    private void endBlock() {
      batch.add(filling.toByteArray());
      batchBytes += filling.size();
      filling.reset();
      if (batchBytes >= BATCH_BYTES) {
        flush();
      }
    }

    @Override
    public void flush() {
      if (!batch.isEmpty()) {
        core.append(batch);
        appended += batch.size();
        batch.clear();
        batchBytes = 0;
      }
    }
  }

  /** An item's bytes, telling {@code progress} how many of all items' have been read. */
  private static final class CountingStream extends FilterInputStream {
    private final LongConsumer progress;
    private long read;

    CountingStream(InputStream in, long before, LongConsumer progress) {
      super(in);
      this.read = before;
      this.progress = progress;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
      int count = super.read(into, offset, length);
      if (count > 0) {
        read += count;
        progress.accept(read);
      }
      return count;
    }
  }
}
