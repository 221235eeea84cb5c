package io.cairn.stream;

import com.google.protobuf.ByteString;
import io.cairn.cluster.proto.stream.ChainHead;
import io.cairn.cluster.proto.stream.ChainPosition;
import io.cairn.cluster.proto.stream.EventStored;
import io.cairn.cluster.proto.stream.GetPartitionHead;
import io.cairn.cluster.proto.stream.IncomingEvent;
import io.cairn.cluster.proto.stream.IndexPage;
import io.cairn.cluster.proto.stream.PartitionHead;
import io.cairn.cluster.proto.stream.PartitionSnapshot;
import io.cairn.cluster.proto.stream.PositionBounds;
import io.cairn.cluster.proto.stream.PublishAck;
import io.cairn.cluster.proto.stream.PublishEventBatch;
import io.cairn.cluster.proto.stream.PublishOutcome;
import io.cairn.cluster.proto.stream.PublishOutcomes;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.serialization.ProtobufSerializer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.ExtendedActorSystem;

/**
 * Writes the StreamPartition entity's events, snapshot, commands and replies as {@code
 * cairn/cluster/partition.proto}.
 */
public final class StreamPartitionSerializer extends ProtobufSerializer {
  public StreamPartitionSerializer(ExtendedActorSystem system) {
    super(system, 7712);
    bind(
        "ES",
        StreamPartition.Stored.class,
        e -> {
          var out =
              EventStored.newBuilder()
                  .setMessage(ByteString.copyFrom(e.message()))
                  .setChain(e.chain())
                  .setPosition(toProto(e.position()));
          e.gap()
              .ifPresent(
                  gap -> {
                    gap.from().ifPresent(from -> out.setGapFrom(toProto(from)));
                    out.setGapTo(toProto(gap.to()));
                  });
          e.fills()
              .ifPresent(
                  page ->
                      out.setFills(
                          IndexPage.newBuilder()
                              .setFirstSequenceNr(page.firstSequenceNr())
                              .setBounds(toProto(page.bounds()))));
          return out.build();
        },
        bytes -> {
          EventStored e = EventStored.parseFrom(bytes);
          Optional<StreamPartition.Gap> gap =
              e.hasGapTo()
                  ? Optional.of(
                      new StreamPartition.Gap(
                          e.hasGapFrom()
                              ? Optional.of(fromProto(e.getGapFrom()))
                              : Optional.empty(),
                          fromProto(e.getGapTo())))
                  : Optional.empty();
          return new StreamPartition.Stored(
              e.getMessage().toByteArray(),
              e.getChain(),
              fromProto(e.getPosition()),
              gap,
              e.hasFills()
                  ? Optional.of(
                      new PartitionIndex.Page(
                          e.getFills().getFirstSequenceNr(), fromProto(e.getFills().getBounds())))
                  : Optional.empty());
        });
    bind(
        "PS",
        StreamPartition.State.class,
        state -> {
          var out = PartitionSnapshot.newBuilder().setPagesKept(true);
          state.page().ifPresent(page -> out.setPage(toProto(page)));
          state.chains().entrySet().stream()
              .sorted(Map.Entry.comparingByKey())
              .forEach(
                  chain -> {
                    var head =
                        ChainHead.newBuilder()
                            .setChain(chain.getKey())
                            .setHead(toProto(chain.getValue().head()));
                    chain
                        .getValue()
                        .positions()
                        .forEach(position -> head.addRecent(toProto(position)));
                    out.addChains(head);
                  });
          return out.build();
        },
        bytes -> {
          PartitionSnapshot snapshot = PartitionSnapshot.parseFrom(bytes);
          Map<String, ChainWindow> chains = new HashMap<>();
          for (ChainHead chain : snapshot.getChainsList()) {
            chains.put(
                chain.getChain(),
                new ChainWindow(
                    chain.getRecentList().stream()
                        .map(StreamPartitionSerializer::fromProto)
                        .toList()));
          }
          PartitionIndex.Bounds page =
              !snapshot.getPagesKept()
                  ? PartitionIndex.Bounds.UNKNOWN
                  : snapshot.hasPage() ? fromProto(snapshot.getPage()) : null;
          return new StreamPartition.State(chains, page);
        });
    bind(
        "PB",
        StreamPartition.PublishBatch.class,
        c -> {
          var out = PublishEventBatch.newBuilder().setReplyTo(serialize(c.replyTo()));
          for (StreamPartition.Incoming event : c.events()) {
            var incoming =
                IncomingEvent.newBuilder()
                    .setMessage(ByteString.copyFrom(event.message()))
                    .setChain(event.chain())
                    .setPosition(toProto(event.position()));
            event.previous().ifPresent(previous -> incoming.setPrevious(toProto(previous)));
            out.addEvents(incoming);
          }
          return out.build();
        },
        bytes -> {
          PublishEventBatch c = PublishEventBatch.parseFrom(bytes);
          List<StreamPartition.Incoming> events = new ArrayList<>(c.getEventsCount());
          for (IncomingEvent event : c.getEventsList()) {
            events.add(
                new StreamPartition.Incoming(
                    event.getMessage().toByteArray(),
                    event.getChain(),
                    fromProto(event.getPosition()),
                    event.hasPrevious()
                        ? Optional.of(fromProto(event.getPrevious()))
                        : Optional.empty()));
          }
          return new StreamPartition.PublishBatch(events, resolve(c.getReplyTo()));
        });
    bind(
        "PO",
        StreamPartition.Outcomes.class,
        outcomes -> {
          var out = PublishOutcomes.newBuilder();
          for (StreamPartition.Outcome outcome : outcomes.outcomes()) {
            var one = PublishOutcome.newBuilder();
            outcome.ack().ifPresent(ack -> one.setAck(toProto(ack)));
            outcome
                .refused()
                .ifPresent(
                    refused ->
                        one.setRefusedCode(refused.code().name())
                            .setRefusedMessage(refused.getMessage()));
            out.addOutcomes(one);
          }
          return out.build();
        },
        bytes -> {
          List<StreamPartition.Outcome> outcomes = new ArrayList<>();
          for (PublishOutcome outcome : PublishOutcomes.parseFrom(bytes).getOutcomesList()) {
            outcomes.add(
                outcome.hasAck()
                    ? new StreamPartition.Outcome(
                        Optional.of(fromProto(outcome.getAck())), Optional.empty())
                    : new StreamPartition.Outcome(
                        Optional.empty(),
                        Optional.of(
                            new Rejection(
                                ErrorCode.valueOf(outcome.getRefusedCode()),
                                outcome.getRefusedMessage()))));
          }
          return new StreamPartition.Outcomes(outcomes);
        });
    bind(
        "GH",
        StreamPartition.GetHead.class,
        c -> GetPartitionHead.newBuilder().setReplyTo(serialize(c.replyTo())).build(),
        bytes ->
            new StreamPartition.GetHead(resolve(GetPartitionHead.parseFrom(bytes).getReplyTo())));
    bind(
        "H",
        StreamPartition.Head.class,
        head -> PartitionHead.newBuilder().setLastSequenceNr(head.lastSequenceNr()).build(),
        bytes -> new StreamPartition.Head(PartitionHead.parseFrom(bytes).getLastSequenceNr()));
  }

  private static PublishAck toProto(StreamPartition.Ack ack) {
    return PublishAck.newBuilder()
        .setSequenceNr(ack.sequenceNr())
        .setDuplicate(ack.duplicate())
        .setGap(ack.gap())
        .build();
  }

  private static StreamPartition.Ack fromProto(PublishAck ack) {
    return new StreamPartition.Ack(ack.getSequenceNr(), ack.getDuplicate(), ack.getGap());
  }

  private static PositionBounds toProto(PartitionIndex.Bounds bounds) {
    return PositionBounds.newBuilder()
        .setLowest(toProto(bounds.lowest()))
        .setHighest(toProto(bounds.highest()))
        .build();
  }

  private static PartitionIndex.Bounds fromProto(PositionBounds bounds) {
    return new PartitionIndex.Bounds(fromProto(bounds.getLowest()), fromProto(bounds.getHighest()));
  }

  private static ChainPosition toProto(StreamPartition.Position position) {
    return ChainPosition.newBuilder()
        .setTimestamp(position.timestamp())
        .setSequenceNumber(position.sequenceNumber())
        .build();
  }

  private static StreamPartition.Position fromProto(ChainPosition position) {
    return new StreamPartition.Position(position.getTimestamp(), position.getSequenceNumber());
  }
}
