package io.cairn.api.stream;

import io.cairn.keys.KeyCustodians;
import io.cairn.protocol.proto.stream.AddressPermissions;
import io.cairn.protocol.proto.stream.StreamDescription;
import io.cairn.protocol.stream.Permission;
import io.cairn.stream.Stream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Map;

/** The API's view of a stream's state. */
final class StreamJson {
  private StreamJson() {}

  static StreamDescription describe(Stream.State state) {
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
                            entry.getValue().stream().sorted().map(Permission::label).toList())));
    state.publicPermissions().stream()
        .sorted()
        .map(Permission::label)
        .forEach(out::addPublicPermissions);
    return out.build();
  }

  /**
   * The answer to revoking subscribe: the stream after it, and where the rotation of its group key
   * stands; nothing about a rotation when it has no key custodian.
   */
  static StreamDescription revoked(Stream.State state, KeyCustodians.RevokeRotation rotation) {
    StreamDescription described = describe(state);
    return switch (rotation) {
      case DONE -> described.toBuilder().setKeyRotation("done").build();
      case PENDING -> described.toBuilder().setKeyRotation("pending").build();
      case NO_CUSTODIAN -> described;
    };
  }

  /** A stream id as one path segment: its slash percent-encoded. */
  static String encodeId(String streamId) {
    return URLEncoder.encode(streamId, StandardCharsets.UTF_8);
  }
}
