package io.cairn.keys;

import com.google.protobuf.ByteString;
import io.cairn.cluster.proto.keys.AppointCustodian;
import io.cairn.cluster.proto.keys.CustodianAppointed;
import io.cairn.cluster.proto.keys.CustodianInfo;
import io.cairn.cluster.proto.keys.CustodianState;
import io.cairn.cluster.proto.keys.FindGroupKeys;
import io.cairn.cluster.proto.keys.GetCustodian;
import io.cairn.cluster.proto.keys.GroupKeyAnswer;
import io.cairn.cluster.proto.keys.GroupKeyRotated;
import io.cairn.cluster.proto.keys.GroupKeys;
import io.cairn.cluster.proto.keys.PlainGroupKey;
import io.cairn.cluster.proto.keys.RequestGroupKeys;
import io.cairn.cluster.proto.keys.RotateAfterRevoke;
import io.cairn.cluster.proto.keys.RotateGroupKey;
import io.cairn.cluster.proto.keys.StoredGroupKey;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.serialization.ProtobufSerializer;
import io.cairn.stream.GranteeMapper;
import java.time.Instant;
import java.util.Optional;
import org.apache.pekko.actor.ExtendedActorSystem;

/**
 * Writes the KeyCustodian entity's commands, events, state and replies as the protobuf messages of
 * {@code cairn/cluster/keys.proto}. The manifests are stored with every event: never reuse or
 * rename one.
 */
public final class KeyCustodianSerializer extends ProtobufSerializer {

  public KeyCustodianSerializer(ExtendedActorSystem system) {
    super(system, 7740);
    bind(
        "KA",
        KeyCustodian.Appointed.class,
        e ->
            CustodianAppointed.newBuilder()
                .setAppointedBy(e.by().value())
                .setFirstKey(toProto(e.firstKey()))
                .build(),
        bytes -> {
          CustodianAppointed e = CustodianAppointed.parseFrom(bytes);
          return new KeyCustodian.Appointed(
              new EthereumAddress(e.getAppointedBy()), fromProto(e.getFirstKey()));
        });
    bind(
        "KR",
        KeyCustodian.Rotated.class,
        e ->
            GroupKeyRotated.newBuilder()
                .setKey(toProto(e.key()))
                .setRotatedBy(e.by().map(EthereumAddress::value).orElse(""))
                .setAfterRevoke(e.afterRevoke())
                .build(),
        bytes -> {
          GroupKeyRotated e = GroupKeyRotated.parseFrom(bytes);
          return new KeyCustodian.Rotated(
              fromProto(e.getKey()),
              e.getRotatedBy().isEmpty()
                  ? Optional.empty()
                  : Optional.of(new EthereumAddress(e.getRotatedBy())),
              e.getAfterRevoke());
        });
    bind(
        "K",
        KeyCustodian.State.class,
        state ->
            CustodianState.newBuilder()
                .setStreamId(state.streamId())
                .setAppointed(state.appointed())
                .addAllKeys(state.keys().stream().map(KeyCustodianSerializer::toProto).toList())
                .setRotatedAfterRevoke(state.rotatedAfterRevoke())
                .build(),
        bytes -> {
          CustodianState state = CustodianState.parseFrom(bytes);
          return new KeyCustodian.State(
              state.getStreamId(),
              state.getAppointed(),
              state.getKeysList().stream().map(KeyCustodianSerializer::fromProto).toList(),
              state.getRotatedAfterRevoke());
        });

    bind(
        "A",
        KeyCustodian.Appoint.class,
        c ->
            AppointCustodian.newBuilder()
                .setRequester(c.requester().value())
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          AppointCustodian c = AppointCustodian.parseFrom(bytes);
          return new KeyCustodian.Appoint(
              new EthereumAddress(c.getRequester()), resolve(c.getReplyTo()));
        });
    bind(
        "R",
        KeyCustodian.Rotate.class,
        c ->
            RotateGroupKey.newBuilder()
                .setRequester(c.requester().value())
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          RotateGroupKey c = RotateGroupKey.parseFrom(bytes);
          return new KeyCustodian.Rotate(
              new EthereumAddress(c.getRequester()), resolve(c.getReplyTo()));
        });
    bind(
        "RR",
        KeyCustodian.RotateAfterRevoke.class,
        c ->
            RotateAfterRevoke.newBuilder()
                .setRevoked(GranteeMapper.toProto(c.revoked()))
                .setRevokeSequenceNr(c.revokeSequenceNr())
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          RotateAfterRevoke c = RotateAfterRevoke.parseFrom(bytes);
          return new KeyCustodian.RotateAfterRevoke(
              GranteeMapper.fromProto(c.getRevoked()),
              c.getRevokeSequenceNr(),
              resolve(c.getReplyTo()));
        });
    bind(
        "G",
        KeyCustodian.GetInfo.class,
        c -> GetCustodian.newBuilder().setReplyTo(serialize(c.replyTo())).build(),
        bytes -> new KeyCustodian.GetInfo(resolve(GetCustodian.parseFrom(bytes).getReplyTo())));
    bind(
        "Q",
        KeyCustodian.RequestKeys.class,
        c ->
            RequestGroupKeys.newBuilder()
                .setRequest(c.request())
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          RequestGroupKeys c = RequestGroupKeys.parseFrom(bytes);
          return new KeyCustodian.RequestKeys(c.getRequest(), resolve(c.getReplyTo()));
        });
    bind(
        "F",
        KeyCustodian.FindKeys.class,
        c ->
            FindGroupKeys.newBuilder()
                .addAllGroupKeyIds(c.groupKeyIds())
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          FindGroupKeys c = FindGroupKeys.parseFrom(bytes);
          return new KeyCustodian.FindKeys(c.getGroupKeyIdsList(), resolve(c.getReplyTo()));
        });

    bind(
        "I",
        KeyCustodian.Info.class,
        r ->
            CustodianInfo.newBuilder()
                .setStreamId(r.streamId())
                .setAppointed(r.appointed())
                .setCurrentGroupKeyId(r.currentGroupKeyId())
                .setServiceAddress(r.serviceAddress().value())
                .setGroupKeys(r.groupKeys())
                .setRotatedAfterRevoke(r.rotatedAfterRevoke())
                .build(),
        bytes -> {
          CustodianInfo r = CustodianInfo.parseFrom(bytes);
          return new KeyCustodian.Info(
              r.getStreamId(),
              r.getAppointed(),
              r.getCurrentGroupKeyId(),
              new EthereumAddress(r.getServiceAddress()),
              r.getGroupKeys(),
              r.getRotatedAfterRevoke());
        });
    bind(
        "KS",
        KeyCustodian.KeyResponse.class,
        r -> GroupKeyAnswer.newBuilder().setResponse(r.message()).build(),
        bytes -> new KeyCustodian.KeyResponse(GroupKeyAnswer.parseFrom(bytes).getResponse()));
    bind(
        "KP",
        KeyCustodian.Keys.class,
        r ->
            GroupKeys.newBuilder()
                .addAllKeys(
                    r.keys().stream()
                        .map(
                            key ->
                                PlainGroupKey.newBuilder()
                                    .setId(key.id())
                                    .setData(ByteString.copyFrom(key.data()))
                                    .build())
                        .toList())
                .build(),
        bytes ->
            new KeyCustodian.Keys(
                GroupKeys.parseFrom(bytes).getKeysList().stream()
                    .map(key -> new GroupKey(key.getId(), key.getData().toByteArray()))
                    .toList()));
  }

  private static StoredGroupKey toProto(KeyCustodian.StoredKey key) {
    return StoredGroupKey.newBuilder()
        .setId(key.id())
        .setSealed(key.sealed())
        .setCreatedAtMs(key.createdAt().toEpochMilli())
        .build();
  }

  private static KeyCustodian.StoredKey fromProto(StoredGroupKey key) {
    return new KeyCustodian.StoredKey(
        key.getId(), key.getSealed(), Instant.ofEpochMilli(key.getCreatedAtMs()));
  }
}
