package io.cairn.stream;

import com.google.protobuf.ByteString;
import io.cairn.cluster.proto.stream.PartitionDelivery;
import io.cairn.serialization.ProtobufSerializer;
import org.apache.pekko.actor.ExtendedActorSystem;

/** Writes deliveries as {@code PartitionDelivery} for subscribers on other nodes. */
public final class DeliverySerializer extends ProtobufSerializer {
  public DeliverySerializer(ExtendedActorSystem system) {
    super(system, 7711);
    bind(
        "D",
        PartitionTopics.Delivery.class,
        delivery -> {
          var out =
              PartitionDelivery.newBuilder()
                  .setStreamPartition(delivery.streamPartition())
                  .setFirstSequenceNr(delivery.firstSequenceNr());
          delivery.messages().forEach(message -> out.addMessages(ByteString.copyFrom(message)));
          return out.build();
        },
        bytes -> {
          PartitionDelivery delivery = PartitionDelivery.parseFrom(bytes);
          return new PartitionTopics.Delivery(
              delivery.getStreamPartition(),
              delivery.getFirstSequenceNr(),
              delivery.getMessagesList().stream().map(ByteString::toByteArray).toList());
        });
  }
}
