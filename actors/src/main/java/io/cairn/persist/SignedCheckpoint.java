package io.cairn.persist;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.persist.Checkpoint;
import io.cairn.stream.StreamPartition.Position;
import java.util.Arrays;

/** A persistor's checkpoint and the signed event that carries it. */
public record SignedCheckpoint(Checkpoint checkpoint, byte[] message) {
  public StreamMessage event() {
    try {
      return StreamMessage.parseFrom(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a signed checkpoint holds the event it signed", e);
    }
  }

  /** The event's place in the persistor's chain. */
  Position position() {
    var id = event().getMessageId();
    return new Position(id.getTimestamp(), id.getSequenceNumber());
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SignedCheckpoint that
        && checkpoint.equals(that.checkpoint)
        && Arrays.equals(message, that.message);
  }

  @Override
  public int hashCode() {
    return checkpoint.hashCode();
  }
}
