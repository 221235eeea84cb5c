package io.cairn.client;

import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.persist.Checkpoint;
import io.cairn.protocol.persist.DataAddress;
import io.cairn.protocol.persist.ItemDecryptionException;
import io.cairn.protocol.persist.Pair;
import io.cairn.protocol.persist.PairAccumulator;
import io.cairn.protocol.proto.persist.PersistorStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

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
   * @param keys the subscriber's key exchange, which fetches the stream's group keys as pages need them
   * @param service the address the cluster's persistors sign checkpoints with, from a source the
   *     subscriber trusts
   */
  public Recoverer(CairnClient client, GroupKeyExchange keys, EthereumAddress service) {
    this.client = client;
    this.keys = keys;
    this.service = service;
  }

  public record RecoveredItem(long index, DataAddress address, byte[] data) {}

  public record Failure(long index, String address, String reason) {}

  /** What a recovery found: the checkpoint it recovered up to, how many items it returned, what failed. */
  public record Report(Checkpoint checkpoint, long recovered, List<Failure> failures) {
    public Report {
      failures = List.copyOf(failures);
    }
  }

  /**
   * Recovers every item persisted up to the persistor's latest checkpoint, in the order the
   * persistor recorded them, handing each to {@code onItem}.
   *
   * @throws CheckpointRejectedException when the persistor's pairs do not match its signed checkpoint
   */
  public Report recover(String streamId, Consumer<RecoveredItem> onItem) {
    PersistorStatus status = client.persistor(streamId);
    if (!status.hasCheckpoint()) {
      if (status.getCount() > 0) {
        throw new CheckpointRejectedException("the persistor of " + streamId + " holds " + status.getCount()
            + " pairs but has signed no checkpoint yet; try again after its interval");
      }
      return new Report(Checkpoint.of(new PairAccumulator()), 0, List.of());
    }
    List<Pair> pairs = new ArrayList<>();
    Checkpoint checkpoint = new PairCatchUp(client, streamId, service, keys.lookup(streamId))
        .catchUp(status.getCheckpoint(), new PairAccumulator(), pairs::add);
    ItemReader reader = new ItemReader(client);
    List<Failure> failures = new ArrayList<>();
    long recovered = 0;
    for (int index = 0; index < pairs.size(); index++) {
      Pair pair = pairs.get(index);
      try {
        DataAddress address = DataAddress.parse(pair.address());
        onItem.accept(new RecoveredItem(index, address, reader.read(address, pair.key())));
        recovered++;
      } catch (IllegalArgumentException | ProofRejectedException | ItemDecryptionException | CairnApiException e) {
        failures.add(new Failure(index, pair.address(), failureOf(e)));
      }
    }
    return new Report(checkpoint, recovered, failures);
  }

  private static String failureOf(RuntimeException e) {
    if (e instanceof ProofRejectedException) {
      return "the node's blocks do not verify against the core key: " + e.getMessage();
    }
    if (e instanceof ItemDecryptionException) {
      return "the announced key does not open the verified blocks: " + e.getMessage();
    }
    if (e instanceof CairnApiException) {
      return "the node cannot serve the blocks: " + e.getMessage();
    }
    return "the pair's address is malformed: " + e.getMessage();
  }
}
