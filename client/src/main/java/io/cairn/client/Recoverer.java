package io.cairn.client;

import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.EncryptionType;
import io.cairn.protocol.api.v1.PersistorStatus;
import io.cairn.protocol.api.v1.SignedCheckpoint;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.persist.Checkpoint;
import io.cairn.protocol.persist.DataAddress;
import io.cairn.protocol.persist.ItemDecryptionException;
import io.cairn.protocol.persist.ItemStream;
import io.cairn.protocol.persist.Pair;
import io.cairn.protocol.persist.PairAccumulator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * A subscriber recovering everything persisted on a stream, however late it comes and whether or
 * not the publisher is still there: it gathers every pair from the stream's persistor (checked
 * against the persistor's signed checkpoint), fetches each item's blocks with their proof, checks
 * them against the publisher's core key, and decrypts them. An item that fails any of this is
 * reported with the reason, never handed back as data.
 */
public final class Recoverer {
  private final CairnClient client;
  private final GroupKeyExchange keys;
  private final EthereumAddress service;

  /**
   * @param keys the subscriber's key exchange, which fetches the stream's group keys as pages need
   *     them
   * @param service the address the cluster's persistors sign checkpoints with, from a source the
   *     subscriber trusts
   */
  public Recoverer(CairnClient client, GroupKeyExchange keys, EthereumAddress service) {
    this.client = client;
    this.keys = keys;
    this.service = service;
  }

  /** An item recovered whole: its place, address, name (empty when it has none) and bytes. */
  public record RecoveredItem(long index, DataAddress address, String name, byte[] data) {}

  /**
   * Where recovered items go, a checked chunk at a time, for items of any size: each is opened once
   * its header is read, then completed, or abandoned when it fails part-way.
   */
  public interface ItemSink {
    /** Where item {@code index}'s bytes go; its header gives its name and length. */
    OutputStream open(long index, DataAddress address, ItemStream.Header header) throws IOException;

    /** The item was written whole and checked. */
    void completed(long index) throws IOException;

    /** The item failed after it was opened: what was written is not the item. */
    void abandoned(long index);
  }

  public record Failure(long index, String address, String reason) {}

  /**
   * What a recovery found: the checkpoint it recovered up to, how many items it returned, what
   * failed.
   */
  public record Report(Checkpoint checkpoint, long recovered, List<Failure> failures) {
    public Report {
      failures = List.copyOf(failures);
    }
  }

  /**
   * Recovers every item persisted up to the persistor's latest checkpoint, in the order the
   * persistor recorded them, handing each to {@code onItem}.
   *
   * @throws CheckpointRejectedException when the persistor's pairs do not match its signed
   *     checkpoint
   */
  public Report recover(String streamId, Consumer<RecoveredItem> onItem) {
    return recover(streamId, new InMemory(onItem), read -> {});
  }

  /**
   * Recovers every item persisted up to the persistor's latest checkpoint into {@code sink}, in the
   * order the persistor recorded them, each read and written a checked chunk at a time; {@code
   * progress} is told the bytes of verified blocks read for the item being read.
   *
   * @throws CheckpointRejectedException when the persistor's pairs do not match its signed
   *     checkpoint
   */
  public Report recover(String streamId, ItemSink sink, LongConsumer progress) {
    PersistorStatus status = client.persistor(streamId);
    if (!status.hasCheckpoint()) {
      if (status.getCount() > 0) {
        throw new CheckpointRejectedException(
            "the persistor of "
                + streamId
                + " holds "
                + status.getCount()
                + " pairs but has signed no checkpoint yet; try again after its interval");
      }
      return new Report(Checkpoint.of(new PairAccumulator()), 0, List.of());
    }
    List<Pair> pairs = new ArrayList<>();
    Checkpoint checkpoint =
        new PairCatchUp(client, streamId, service, keys.lookup(streamId))
            .catchUp(status.getCheckpoint(), new PairAccumulator(), pairs::add);
    List<Failure> failures = new ArrayList<>();
    long recovered = deliver(pairs, 0, new ItemReader(client), sink, progress, failures::add);
    return new Report(checkpoint, recovered, failures);
  }

  /**
   * What {@link #follow} reports, in the persistor's order, from the thread that reads the stream.
   */
  public interface Follower {
    void recovered(RecoveredItem item);

    void failed(Failure failure);

    /** The following ended: a checkpoint or pairs that do not hold, or the subscription's end. */
    void stopped(Throwable cause);
  }

  /**
   * Recovers everything persisted so far, then goes on live: each checkpoint the persistor
   * publishes on the stream (partition 0) brings the pairs recorded since the last one, checked
   * against it and read as {@link #recover} reads them. Items arrive once each, in order. Cancel
   * the answer to stop.
   */
  public Flow.Subscription follow(String streamId, Follower follower) {
    PairCatchUp catchUp = new PairCatchUp(client, streamId, service, keys.lookup(streamId));
    PairAccumulator held = new PairAccumulator();
    ItemReader reader = new ItemReader(client);
    CompletableFuture<Flow.Subscription> subscribed = new CompletableFuture<>();
    client
        .subscribe(streamId, 0)
        .subscribe(
            new Flow.Subscriber<>() {
              private Flow.Subscription subscription;

              @Override
              public void onSubscribe(Flow.Subscription subscription) {
                this.subscription = subscription;
                subscribed.complete(subscription);
                // subscribed first, so that no checkpoint published from here on is missed
                PersistorStatus status;
                try {
                  status = client.persistor(streamId);
                } catch (RuntimeException refused) {
                  subscription.cancel();
                  follower.stopped(refused);
                  return;
                }
                if (status.hasCheckpoint()) {
                  advance(status.getCheckpoint());
                }
                subscription.request(1);
              }

              @Override
              public void onNext(StreamMessage event) {
                checkpointIn(event).ifPresent(this::advance);
                subscription.request(1);
              }

              private void advance(SignedCheckpoint checkpoint) {
                if (checkpoint.getCount() <= held.count()) {
                  return;
                }
                long first = held.count();
                List<Pair> pairs = new ArrayList<>();
                try {
                  catchUp.catchUp(checkpoint, held, pairs::add);
                } catch (RuntimeException doesNotHold) {
                  subscription.cancel();
                  follower.stopped(doesNotHold);
                  return;
                }
                deliver(
                    pairs,
                    first,
                    reader,
                    new InMemory(follower::recovered),
                    read -> {},
                    follower::failed);
              }

              @Override
              public void onError(Throwable failure) {
                follower.stopped(failure);
              }

              @Override
              public void onComplete() {
                follower.stopped(null);
              }
            });
    return subscribed.join();
  }

  /**
   * The checkpoint an event carries, when it is the persistor's: signed by the service address and
   * unencrypted.
   */
  private Optional<SignedCheckpoint> checkpointIn(StreamMessage event) {
    boolean byService =
        ("0x" + HexFormat.of().formatHex(event.getMessageId().getPublisherId().toByteArray()))
            .equals(service.value());
    if (!byService || event.getContentMessage().getEncryptionType() != EncryptionType.NONE) {
      return Optional.empty();
    }
    return Checkpoint.fromContent(event.getContentMessage().getContent().toByteArray())
        .map(
            checkpoint ->
                SignedCheckpoint.newBuilder()
                    .setCount(checkpoint.count())
                    .setRoot(checkpoint.rootHex())
                    .setMessage(event)
                    .build());
  }

  private static long deliver(
      List<Pair> pairs,
      long firstIndex,
      ItemReader reader,
      ItemSink sink,
      LongConsumer progress,
      Consumer<Failure> onFailure) {
    long recovered = 0;
    for (int i = 0; i < pairs.size(); i++) {
      Pair pair = pairs.get(i);
      long index = firstIndex + i;
      boolean[] opened = {false};
      try {
        DataAddress address = DataAddress.parse(pair.address());
        reader.read(
            address,
            pair.key(),
            header -> {
              opened[0] = true;
              return sink.open(index, address, header);
            },
            progress);
        sink.completed(index);
        recovered++;
      } catch (IllegalArgumentException
          | ProofRejectedException
          | ItemDecryptionException
          | CairnApiException
          | UncheckedIOException
          | IOException e) {
        if (opened[0]) {
          sink.abandoned(index);
        }
        onFailure.accept(new Failure(index, pair.address(), failureOf(e)));
      }
    }
    return recovered;
  }

  /** Items gathered in memory and handed on whole. */
  private static final class InMemory implements ItemSink {
    private final Consumer<RecoveredItem> onItem;
    private final Map<Long, Gathering> open = new HashMap<>();

    private record Gathering(DataAddress address, String name, ByteArrayOutputStream bytes) {}

    InMemory(Consumer<RecoveredItem> onItem) {
      this.onItem = onItem;
    }

    @Override
    public OutputStream open(long index, DataAddress address, ItemStream.Header header) {
      Gathering gathering = new Gathering(address, header.name(), new ByteArrayOutputStream());
      open.put(index, gathering);
      return gathering.bytes();
    }

    @Override
    public void completed(long index) {
      Gathering done = open.remove(index);
      onItem.accept(
          new RecoveredItem(index, done.address(), done.name(), done.bytes().toByteArray()));
    }

    @Override
    public void abandoned(long index) {
      open.remove(index);
    }
  }

  private static String failureOf(Exception e) {
    if (e instanceof ProofRejectedException) {
      return "the node's blocks do not verify against the core key: " + e.getMessage();
    }
    if (e instanceof ItemDecryptionException) {
      return "the announced key does not open the verified blocks: " + e.getMessage();
    }
    if (e instanceof CairnApiException) {
      return "the node cannot serve the blocks: " + e.getMessage();
    }
    if (e instanceof IOException || e instanceof UncheckedIOException) {
      return "cannot write the item: " + e.getMessage();
    }
    return "the pair's address is malformed: " + e.getMessage();
  }
}
