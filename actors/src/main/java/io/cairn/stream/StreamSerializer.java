package io.cairn.stream;

import io.cairn.cluster.proto.stream.CreateStream;
import io.cairn.cluster.proto.stream.DeleteStream;
import io.cairn.cluster.proto.stream.ExpirePermission;
import io.cairn.cluster.proto.stream.GetStream;
import io.cairn.cluster.proto.stream.GrantEndReached;
import io.cairn.cluster.proto.stream.GrantEndWatched;
import io.cairn.cluster.proto.stream.GrantPermission;
import io.cairn.cluster.proto.stream.PermissionExpired;
import io.cairn.cluster.proto.stream.PermissionExpiry;
import io.cairn.cluster.proto.stream.PermissionGranted;
import io.cairn.cluster.proto.stream.PermissionRevocation;
import io.cairn.cluster.proto.stream.PermissionRevoked;
import io.cairn.cluster.proto.stream.PermissionSet;
import io.cairn.cluster.proto.stream.RevokePermission;
import io.cairn.cluster.proto.stream.StreamCreated;
import io.cairn.cluster.proto.stream.StreamDeleted;
import io.cairn.cluster.proto.stream.StreamState;
import io.cairn.cluster.proto.stream.StreamUpdated;
import io.cairn.cluster.proto.stream.UpdateStream;
import io.cairn.cluster.proto.stream.WatchGrantEnd;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.stream.Permission;
import io.cairn.serialization.ProtobufSerializer;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.ExtendedActorSystem;

/**
 * Writes the Stream entity's commands, events and state as the protobuf messages of {@code
 * cairn/cluster/stream.proto}. The manifests are stored with every event: never reuse or rename
 * one.
 */
public final class StreamSerializer extends ProtobufSerializer {

  public StreamSerializer(ExtendedActorSystem system) {
    super(system, 7710);
    bind(
        "SC",
        Stream.Created.class,
        e ->
            StreamCreated.newBuilder()
                .setStreamId(e.streamId())
                .setOwner(e.owner().value())
                .setDescription(e.description())
                .setPartitions(e.partitions())
                .setCreatedAtMs(e.at().toEpochMilli())
                .build(),
        bytes -> {
          StreamCreated e = StreamCreated.parseFrom(bytes);
          return new Stream.Created(
              e.getStreamId(),
              new EthereumAddress(e.getOwner()),
              e.getDescription(),
              e.getPartitions(),
              Instant.ofEpochMilli(e.getCreatedAtMs()));
        });
    bind(
        "SU",
        Stream.Updated.class,
        e ->
            StreamUpdated.newBuilder()
                .setDescription(e.description())
                .setPartitions(e.partitions())
                .setUpdatedBy(e.by().value())
                .setUpdatedAtMs(e.at().toEpochMilli())
                .build(),
        bytes -> {
          StreamUpdated e = StreamUpdated.parseFrom(bytes);
          return new Stream.Updated(
              e.getDescription(),
              e.getPartitions(),
              new EthereumAddress(e.getUpdatedBy()),
              Instant.ofEpochMilli(e.getUpdatedAtMs()));
        });
    bind(
        "PG",
        Stream.Granted.class,
        e ->
            PermissionGranted.newBuilder()
                .setGrantee(GranteeMapper.toProto(e.grantee()))
                .setPermission(toProto(e.permission()))
                .setGrantedBy(e.by().value())
                .setUntilMs(e.until().map(Instant::toEpochMilli).orElse(0L))
                .build(),
        bytes -> {
          PermissionGranted e = PermissionGranted.parseFrom(bytes);
          return new Stream.Granted(
              GranteeMapper.fromProto(e.getGrantee()),
              fromProto(e.getPermission()),
              new EthereumAddress(e.getGrantedBy()),
              until(e.getUntilMs()));
        });
    bind(
        "PX",
        Stream.Expired.class,
        e ->
            PermissionExpired.newBuilder()
                .setAddress(e.address().value())
                .setPermission(toProto(e.permission()))
                .setAtMs(e.at().toEpochMilli())
                .build(),
        bytes -> {
          PermissionExpired e = PermissionExpired.parseFrom(bytes);
          return new Stream.Expired(
              new EthereumAddress(e.getAddress()),
              fromProto(e.getPermission()),
              Instant.ofEpochMilli(e.getAtMs()));
        });
    bind(
        "GW",
        GrantExpiry.Watching.class,
        e ->
            GrantEndWatched.newBuilder()
                .setAddress(e.address().value())
                .setPermission(toProto(e.permission()))
                .setAtMs(e.at().toEpochMilli())
                .build(),
        bytes -> {
          GrantEndWatched e = GrantEndWatched.parseFrom(bytes);
          return new GrantExpiry.Watching(
              new EthereumAddress(e.getAddress()),
              fromProto(e.getPermission()),
              Instant.ofEpochMilli(e.getAtMs()));
        });
    bind(
        "GE",
        GrantExpiry.Ended.class,
        e ->
            GrantEndReached.newBuilder()
                .setAddress(e.address().value())
                .setPermission(toProto(e.permission()))
                .setAtMs(e.at().toEpochMilli())
                .build(),
        bytes -> {
          GrantEndReached e = GrantEndReached.parseFrom(bytes);
          return new GrantExpiry.Ended(
              new EthereumAddress(e.getAddress()),
              fromProto(e.getPermission()),
              Instant.ofEpochMilli(e.getAtMs()));
        });
    bind(
        "GC",
        GrantExpiry.Watch.class,
        c ->
            WatchGrantEnd.newBuilder()
                .setAddress(c.address().value())
                .setPermission(toProto(c.permission()))
                .setAtMs(c.at().toEpochMilli())
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          WatchGrantEnd c = WatchGrantEnd.parseFrom(bytes);
          return new GrantExpiry.Watch(
              new EthereumAddress(c.getAddress()),
              fromProto(c.getPermission()),
              Instant.ofEpochMilli(c.getAtMs()),
              resolve(c.getReplyTo()));
        });
    bind(
        "CX",
        Stream.Expire.class,
        c ->
            ExpirePermission.newBuilder()
                .setAddress(c.address().value())
                .setPermission(toProto(c.permission()))
                .setAtMs(c.at().toEpochMilli())
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          ExpirePermission c = ExpirePermission.parseFrom(bytes);
          return new Stream.Expire(
              new EthereumAddress(c.getAddress()),
              fromProto(c.getPermission()),
              Instant.ofEpochMilli(c.getAtMs()),
              resolve(c.getReplyTo()));
        });
    bind(
        "PR",
        Stream.Revoked.class,
        e ->
            PermissionRevoked.newBuilder()
                .setGrantee(GranteeMapper.toProto(e.grantee()))
                .setPermission(toProto(e.permission()))
                .setRevokedBy(e.by().value())
                .build(),
        bytes -> {
          PermissionRevoked e = PermissionRevoked.parseFrom(bytes);
          return new Stream.Revoked(
              GranteeMapper.fromProto(e.getGrantee()),
              fromProto(e.getPermission()),
              new EthereumAddress(e.getRevokedBy()));
        });
    bind(
        "SD",
        Stream.Deleted.class,
        e ->
            StreamDeleted.newBuilder()
                .setDeletedBy(e.by().value())
                .setDeletedAtMs(e.at().toEpochMilli())
                .build(),
        bytes -> {
          StreamDeleted e = StreamDeleted.parseFrom(bytes);
          return new Stream.Deleted(
              new EthereumAddress(e.getDeletedBy()), Instant.ofEpochMilli(e.getDeletedAtMs()));
        });
    bind(
        "S",
        Stream.State.class,
        StreamSerializer::toProto,
        bytes -> fromProto(StreamState.parseFrom(bytes)));
    bind(
        "RA",
        Stream.Revocation.class,
        r ->
            PermissionRevocation.newBuilder()
                .setState(toProto(r.state()))
                .setSequenceNr(r.sequenceNr())
                .build(),
        bytes -> {
          PermissionRevocation r = PermissionRevocation.parseFrom(bytes);
          return new Stream.Revocation(fromProto(r.getState()), r.getSequenceNr());
        });

    bind(
        "C",
        Stream.Create.class,
        c ->
            CreateStream.newBuilder()
                .setOwner(c.requester().value())
                .setDescription(c.description())
                .setPartitions(c.partitions())
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          CreateStream c = CreateStream.parseFrom(bytes);
          return new Stream.Create(
              new EthereumAddress(c.getOwner()),
              c.getDescription(),
              c.getPartitions(),
              resolve(c.getReplyTo()));
        });
    bind(
        "U",
        Stream.Update.class,
        c ->
            UpdateStream.newBuilder()
                .setRequester(c.requester().value())
                .setDescription(c.description())
                .setPartitions(c.partitions())
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          UpdateStream c = UpdateStream.parseFrom(bytes);
          return new Stream.Update(
              new EthereumAddress(c.getRequester()),
              c.getDescription(),
              c.getPartitions(),
              resolve(c.getReplyTo()));
        });
    bind(
        "G",
        Stream.Grant.class,
        c ->
            GrantPermission.newBuilder()
                .setRequester(c.requester().value())
                .setGrantee(GranteeMapper.toProto(c.grantee()))
                .setPermission(toProto(c.permission()))
                .setUntilMs(c.until().map(Instant::toEpochMilli).orElse(0L))
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          GrantPermission c = GrantPermission.parseFrom(bytes);
          return new Stream.Grant(
              new EthereumAddress(c.getRequester()),
              GranteeMapper.fromProto(c.getGrantee()),
              fromProto(c.getPermission()),
              until(c.getUntilMs()),
              resolve(c.getReplyTo()));
        });
    bind(
        "RV",
        Stream.Revoke.class,
        c ->
            RevokePermission.newBuilder()
                .setRequester(c.requester().value())
                .setGrantee(GranteeMapper.toProto(c.grantee()))
                .setPermission(toProto(c.permission()))
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          RevokePermission c = RevokePermission.parseFrom(bytes);
          return new Stream.Revoke(
              new EthereumAddress(c.getRequester()),
              GranteeMapper.fromProto(c.getGrantee()),
              fromProto(c.getPermission()),
              resolve(c.getReplyTo()));
        });
    bind(
        "D",
        Stream.Delete.class,
        c ->
            DeleteStream.newBuilder()
                .setRequester(c.requester().value())
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          DeleteStream c = DeleteStream.parseFrom(bytes);
          return new Stream.Delete(new EthereumAddress(c.getRequester()), resolve(c.getReplyTo()));
        });
    bind(
        "Q",
        Stream.Get.class,
        c -> GetStream.newBuilder().setReplyTo(serialize(c.replyTo())).build(),
        bytes -> new Stream.Get(resolve(GetStream.parseFrom(bytes).getReplyTo())));
  }

  private static StreamState toProto(Stream.State state) {
    StreamState.Builder builder =
        StreamState.newBuilder()
            .setStreamId(state.streamId())
            .setExists(state.status() != Stream.Status.NEW)
            .setDeleted(state.status() == Stream.Status.DELETED)
            .setDescription(state.description())
            .setPartitions(state.partitions())
            .setCreatedAtMs(state.createdAt().toEpochMilli())
            .setUpdatedAtMs(state.updatedAt().toEpochMilli())
            .addAllPublicPermissions(toProto(state.publicPermissions()));
    if (state.owner() != null) {
      builder.setOwner(state.owner().value());
    }
    // sorted, so that equal states serialize to equal bytes
    state.permissions().entrySet().stream()
        .sorted(Map.Entry.comparingByKey((a, b) -> a.value().compareTo(b.value())))
        .forEach(
            entry ->
                builder.addPermissions(
                    PermissionSet.newBuilder()
                        .setAddress(entry.getKey().value())
                        .addAllPermissions(toProto(entry.getValue()))));
    state.access().expirations().entrySet().stream()
        .sorted(
            Map.Entry.comparingByKey(
                (a, b) ->
                    (a.address().value() + a.permission())
                        .compareTo(b.address().value() + b.permission())))
        .forEach(
            entry ->
                builder.addExpirations(
                    PermissionExpiry.newBuilder()
                        .setAddress(entry.getKey().address().value())
                        .setPermission(toProto(entry.getKey().permission()))
                        .setAtMs(entry.getValue().toEpochMilli())));
    return builder.build();
  }

  private static Stream.State fromProto(StreamState state) {
    Stream.Status status =
        !state.getExists()
            ? Stream.Status.NEW
            : state.getDeleted() ? Stream.Status.DELETED : Stream.Status.ACTIVE;
    Map<EthereumAddress, Set<Permission>> permissions = new HashMap<>();
    for (PermissionSet set : state.getPermissionsList()) {
      permissions.put(new EthereumAddress(set.getAddress()), fromProto(set.getPermissionsList()));
    }
    Map<StreamPermissions.Expiring, Instant> expirations = new HashMap<>();
    for (PermissionExpiry expiry : state.getExpirationsList()) {
      expirations.put(
          new StreamPermissions.Expiring(
              new EthereumAddress(expiry.getAddress()), fromProto(expiry.getPermission())),
          Instant.ofEpochMilli(expiry.getAtMs()));
    }
    return new Stream.State(
        state.getStreamId(),
        status,
        state.getOwner().isEmpty() ? null : new EthereumAddress(state.getOwner()),
        state.getDescription(),
        state.getPartitions(),
        Instant.ofEpochMilli(state.getCreatedAtMs()),
        Instant.ofEpochMilli(state.getUpdatedAtMs()),
        new StreamPermissions(
            permissions, fromProto(state.getPublicPermissionsList()), expirations));
  }

  private static Optional<Instant> until(long untilMs) {
    return untilMs == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(untilMs));
  }

  private static io.cairn.cluster.proto.stream.Permission toProto(Permission permission) {
    return io.cairn.cluster.proto.stream.Permission.valueOf(permission.name());
  }

  private static Permission fromProto(io.cairn.cluster.proto.stream.Permission permission) {
    if (permission == io.cairn.cluster.proto.stream.Permission.PERMISSION_UNSPECIFIED
        || permission == io.cairn.cluster.proto.stream.Permission.UNRECOGNIZED) {
      throw new IllegalArgumentException("unknown permission " + permission);
    }
    return Permission.valueOf(permission.name());
  }

  private static List<io.cairn.cluster.proto.stream.Permission> toProto(
      Collection<Permission> permissions) {
    return permissions.stream().sorted().map(StreamSerializer::toProto).toList();
  }

  private static Set<Permission> fromProto(
      List<io.cairn.cluster.proto.stream.Permission> permissions) {
    EnumSet<Permission> set = EnumSet.noneOf(Permission.class);
    permissions.forEach(permission -> set.add(fromProto(permission)));
    return set;
  }
}
