package io.cairn.api.stream;

import io.cairn.keys.KeyCustodians;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.AddressPermissions;
import io.cairn.protocol.api.v1.ChainPosition;
import io.cairn.protocol.api.v1.PublishAck;
import io.cairn.protocol.api.v1.ResendOptions;
import io.cairn.protocol.api.v1.StreamDescription;
import io.cairn.protocol.api.v1.StreamList;
import io.cairn.protocol.stream.Permission;
import io.cairn.stream.Grantee;
import io.cairn.stream.Resends;
import io.cairn.stream.Stream;
import io.cairn.stream.StreamPartition;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stream feature's public API messages to and from its domain records, for HTTP and WebSocket
 * alike: the one place a stream, an acknowledgement or a resend filter changes form at the edge.
 */
public final class StreamApiMapper {
  private StreamApiMapper() {}

  /**
   * The answer to revoking subscribe: the stream after it, and where the rotation of its group key
   * stands; nothing about a rotation when it has no key custodian.
   */
  public static StreamDescription revoked(
      Stream.State state, KeyCustodians.RevokeRotation rotation) {
    StreamDescription described = description(state);
    return switch (rotation) {
      case DONE -> described.toBuilder().setKeyRotation("done").build();
      case PENDING -> described.toBuilder().setKeyRotation("pending").build();
      case NO_CUSTODIAN -> described;
    };
  }

  public static StreamDescription description(Stream.State state) {
    StreamDescription.Builder out =
        StreamDescription.newBuilder()
            .setId(state.streamId())
            .setOwner(state.owner().value())
            .setDescription(state.description())
            .setPartitions(state.partitions())
            .setCreatedAtMs(state.createdAt().toEpochMilli())
            .setUpdatedAtMs(state.updatedAt().toEpochMilli());
    state.permissions().entrySet().stream()
        .sorted(Map.Entry.comparingByKey(Comparator.comparing(address -> address.value())))
        .forEach(
            entry ->
                out.addPermissions(
                    AddressPermissions.newBuilder()
                        .setAddress(entry.getKey().value())
                        .addAllPermissions(
                            entry.getValue().stream().sorted().map(Permission::label).toList())
                        .setPublishExpiresAtMs(endMs(state, entry.getKey(), Permission.PUBLISH))
                        .setSubscribeExpiresAtMs(
                            endMs(state, entry.getKey(), Permission.SUBSCRIBE))));
    state.publicPermissions().stream()
        .sorted()
        .map(Permission::label)
        .forEach(out::addPublicPermissions);
    return out.build();
  }

  private static long endMs(Stream.State state, EthereumAddress address, Permission permission) {
    return state.access().expiry(address, permission).map(Instant::toEpochMilli).orElse(0L);
  }

  public static StreamList list(List<Stream.State> streams) {
    StreamList.Builder list = StreamList.newBuilder();
    streams.forEach(state -> list.addStreams(description(state)));
    return list.build();
  }

  public static PublishAck ack(StreamPartition.Ack ack) {
    return PublishAck.newBuilder()
        .setSequenceNr(ack.sequenceNr())
        .setDuplicate(ack.duplicate())
        .setGap(ack.gap())
        .build();
  }

  /** Everyone when {@code everyone} is set, otherwise the address. */
  public static Grantee grantee(boolean everyone, String address) {
    return everyone ? Grantee.EVERYONE : Grantee.of(EthereumAddress.parse(address));
  }

  public static StreamPartition.Position position(ChainPosition position) {
    return new StreamPartition.Position(position.getTimestamp(), position.getSequenceNumber());
  }

  /** The publisher and chain a WebSocket resend names, read as the HTTP query's are. */
  public static Resends.Filter filter(ResendOptions options) {
    return Resends.Filter.parse(
        Optional.of(options.getPublisherId()), Optional.of(options.getMsgChainId()));
  }
}
