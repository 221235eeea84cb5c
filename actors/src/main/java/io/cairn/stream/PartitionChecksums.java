package io.cairn.stream;

import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.stream.PartitionChecksum;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * A partition's checksum over one reporting interval, computed from the events this node reads from
 * the journal (docs/protocol.md, "Partition checksums").
 */
public final class PartitionChecksums {
  private final ActorSystem<?> system;
  private final Resends resends;

  public PartitionChecksums(ActorSystem<?> system, Resends resends) {
    this.system = system;
    this.resends = resends;
  }

  /** Interval {@code interval} of length {@code length} of the partition's stored events. */
  public CompletionStage<PartitionChecksum> compute(
      String streamId, int partition, long interval, Duration length) {
    long lengthMs = length.toMillis();
    StreamPartition.Position from = new StreamPartition.Position(interval * lengthMs, 0);
    StreamPartition.Position to =
        new StreamPartition.Position((interval + 1) * lengthMs - 1, Integer.MAX_VALUE);
    return resends
        .range(StreamPartition.entityId(streamId, partition), from, to, Resends.Filter.ALL)
        .runWith(
            Sink.fold(
                PartitionChecksum.start(streamId, partition, interval),
                (checksum, resent) ->
                    checksum.add(StreamMessage.parseFrom(resent.stored().message()))),
            system);
  }
}
