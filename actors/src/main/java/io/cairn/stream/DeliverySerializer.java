package io.cairn.stream;

import com.google.protobuf.ByteString;
import io.cairn.protocol.proto.stream.PartitionDelivery;
import io.cairn.serialization.ProtobufSerializer;
import org.apache.pekko.actor.ExtendedActorSystem;

/** Writes deliveries as {@code PartitionDelivery} for subscribers on other nodes. */
public final class DeliverySerializer extends ProtobufSerializer {
  public DeliverySerializer(ExtendedActorSystem system) {
    super(system, 7711);
    bind("D", PartitionTopics.Delivery.class,
        delivery -> PartitionDelivery.newBuilder()
            .setStreamPartition(delivery.streamPartition())
            .setSequenceNr(delivery.sequenceNr())
            .setMessage(ByteString.copyFrom(delivery.message()))
            .build(),
        bytes -> {
          PartitionDelivery delivery = PartitionDelivery.parseFrom(bytes);
          return new PartitionTopics.Delivery(delivery.getStreamPartition(), delivery.getSequenceNr(),
              delivery.getMessage().toByteArray());
        });
  }
}
