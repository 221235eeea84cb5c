package io.cairn.client;

import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.stream.PartitionChecksum;
import java.time.Duration;

/**
 * A partition's checksum over one reporting interval, computed from the events the node sends a
 * reader (docs/protocol.md, "Partition checksums"), to compare with the report the ledger holds.
 */
public final class PartitionChecksums {
  private PartitionChecksums() {}

  /**
   * Reads the events of interval {@code interval} (of length {@code length}) of the partition, in
   * stored order, and computes their checksum.
   */
  public static PartitionChecksum compute(
      CairnClient client, String streamId, int partition, long interval, Duration length) {
    long lengthMs = length.toMillis();
    PartitionChecksum checksum = PartitionChecksum.start(streamId, partition, interval);
    for (StreamMessage event :
        client.storedEvents(
            streamId,
            partition,
            "range?fromTimestamp="
                + interval * lengthMs
                + "&toTimestamp="
                + ((interval + 1) * lengthMs - 1))) {
      checksum.add(event);
    }
    return checksum;
  }
}
