package io.cairn.stream;

import com.google.protobuf.ByteString;
import io.cairn.protocol.proto.stream.ChainHead;
import io.cairn.protocol.proto.stream.ChainPosition;
import io.cairn.protocol.proto.stream.EventStored;
import io.cairn.protocol.proto.stream.GetPartitionHead;
import io.cairn.protocol.proto.stream.PartitionHead;
import io.cairn.protocol.proto.stream.PartitionSnapshot;
import io.cairn.protocol.proto.stream.PublishAck;
import io.cairn.protocol.proto.stream.PublishEvent;
import io.cairn.serialization.ProtobufSerializer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.ExtendedActorSystem;

/** Writes the StreamPartition entity's events, snapshot, commands and replies as {@code cairn/partition.proto}. */
public final class StreamPartitionSerializer extends ProtobufSerializer {
  public StreamPartitionSerializer(ExtendedActorSystem system) {
    super(system, 7712);
    bind("ES", StreamPartition.Stored.class,
        e -> {
          var out = EventStored.newBuilder()
              .setMessage(ByteString.copyFrom(e.message()))
              .setChain(e.chain())
              .setPosition(toProto(e.position()));
          e.gap().ifPresent(gap -> {
            gap.from().ifPresent(from -> out.setGapFrom(toProto(from)));
            out.setGapTo(toProto(gap.to()));
          });
          return out.build();
        },
        bytes -> {
          EventStored e = EventStored.parseFrom(bytes);
          Optional<StreamPartition.Gap> gap = e.hasGapTo()
              ? Optional.of(new StreamPartition.Gap(
                  e.hasGapFrom() ? Optional.of(fromProto(e.getGapFrom())) : Optional.empty(), fromProto(e.getGapTo())))
              : Optional.empty();
          return new StreamPartition.Stored(e.getMessage().toByteArray(), e.getChain(), fromProto(e.getPosition()), gap);
        });
    bind("PS", StreamPartition.State.class,
        state -> {
          var out = PartitionSnapshot.newBuilder();
          state.chains().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(chain -> {
            var head = ChainHead.newBuilder().setChain(chain.getKey()).setHead(toProto(chain.getValue().peekLast()));
            chain.getValue().forEach(position -> head.addRecent(toProto(position)));
            out.addChains(head);
          });
          return out.build();
        },
        bytes -> {
          Map<String, Deque<StreamPartition.Position>> chains = new HashMap<>();
          for (ChainHead chain : PartitionSnapshot.parseFrom(bytes).getChainsList()) {
            Deque<StreamPartition.Position> recent = new ArrayDeque<>();
            chain.getRecentList().forEach(position -> recent.addLast(fromProto(position)));
            chains.put(chain.getChain(), recent);
          }
          return new StreamPartition.State(chains);
        });
    bind("P", StreamPartition.Publish.class,
        c -> {
          var out = PublishEvent.newBuilder()
              .setMessage(ByteString.copyFrom(c.message()))
              .setChain(c.chain())
              .setPosition(toProto(c.position()))
              .setReplyTo(serialize(c.replyTo()));
          c.previous().ifPresent(previous -> out.setPrevious(toProto(previous)));
          return out.build();
        },
        bytes -> {
          PublishEvent c = PublishEvent.parseFrom(bytes);
          return new StreamPartition.Publish(c.getMessage().toByteArray(), c.getChain(), fromProto(c.getPosition()),
              c.hasPrevious() ? Optional.of(fromProto(c.getPrevious())) : Optional.empty(), resolve(c.getReplyTo()));
        });
    bind("PA", StreamPartition.Ack.class,
        ack -> PublishAck.newBuilder().setSequenceNr(ack.sequenceNr()).setDuplicate(ack.duplicate()).setGap(ack.gap()).build(),
        bytes -> {
          PublishAck ack = PublishAck.parseFrom(bytes);
          return new StreamPartition.Ack(ack.getSequenceNr(), ack.getDuplicate(), ack.getGap());
        });
    bind("GH", StreamPartition.GetHead.class,
        c -> GetPartitionHead.newBuilder().setReplyTo(serialize(c.replyTo())).build(),
        bytes -> new StreamPartition.GetHead(resolve(GetPartitionHead.parseFrom(bytes).getReplyTo())));
    bind("H", StreamPartition.Head.class,
        head -> PartitionHead.newBuilder().setLastSequenceNr(head.lastSequenceNr()).build(),
        bytes -> new StreamPartition.Head(PartitionHead.parseFrom(bytes).getLastSequenceNr()));
  }

  private static ChainPosition toProto(StreamPartition.Position position) {
    return ChainPosition.newBuilder().setTimestamp(position.timestamp()).setSequenceNumber(position.sequenceNumber()).build();
  }

  private static StreamPartition.Position fromProto(ChainPosition position) {
    return new StreamPartition.Position(position.getTimestamp(), position.getSequenceNumber());
  }
}
