package io.cairn.api.stream;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.MessageId;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.stream.PartitionKeys;
import io.cairn.stream.StreamCache;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A publish that names a partition key. The partition is part of the signed event, so the node
 * cannot pick it from the key; it refuses the event, before publishing, when the publisher's
 * partition is not the one the key maps to ({@link PartitionKeys}). The partition count is read
 * from the cache publishing reads, so the check costs no extra ask.
 */
public final class PartitionKeyCheck {
  private static final CompletionStage<Void> NOTHING_TO_CHECK =
      CompletableFuture.completedStage(null);

  private final StreamCache streams;

  public PartitionKeyCheck(StreamCache streams) {
    this.streams = streams;
  }

  /**
   * Completes when {@code event} may go on to publishing; fails {@code PARTITION_KEY_MISMATCH}
   * otherwise.
   */
  public CompletionStage<Void> check(StreamMessage event, Optional<String> partitionKey) {
    // an event without a message id has no partition to check; publishing refuses it with
    // INVALID_EVENT
    if (partitionKey.isEmpty() || !event.hasMessageId()) {
      return NOTHING_TO_CHECK;
    }
    MessageId id = event.getMessageId();
    return streams
        .get(id.getStreamId())
        .thenApply(
            stream -> {
              int keyed = PartitionKeys.partitionOf(partitionKey.get(), stream.partitions());
              if (keyed != id.getStreamPartition()) {
                throw new Rejection(
                    ErrorCode.PARTITION_KEY_MISMATCH,
                    "partition key '"
                        + partitionKey.get()
                        + "' maps to partition "
                        + keyed
                        + " of the "
                        + stream.partitions()
                        + " of "
                        + stream.streamId()
                        + ", but the event is signed for partition "
                        + id.getStreamPartition());
              }
              return null;
            });
  }
}
