package io.cairn.core;

import com.google.protobuf.ByteString;
import io.cairn.cluster.proto.core.AppendBatch;
import io.cairn.cluster.proto.core.BlockAppended;
import io.cairn.cluster.proto.core.CoreInfo;
import io.cairn.cluster.proto.core.CoreRegistered;
import io.cairn.cluster.proto.core.CoreRegistration;
import io.cairn.cluster.proto.core.GetBlockProof;
import io.cairn.cluster.proto.core.GetCoreInfo;
import io.cairn.cluster.proto.core.GetRangeProof;
import io.cairn.cluster.proto.core.GetUpgradeProof;
import io.cairn.cluster.proto.core.RegisterCore;
import io.cairn.protocol.hypercore.MerkleHasher;
import io.cairn.protocol.hypercore.ProofProtos;
import io.cairn.protocol.hypercore.TreeHead;
import io.cairn.protocol.hypercore.TreeNode;
import io.cairn.serialization.ProtobufSerializer;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ExtendedActorSystem;

/**
 * Writes the Core entity's events, commands and info replies as the messages of {@code
 * cairn/cluster/core.proto}. Proof replies are the protocol's own records, bound here too and
 * written in the public Hypercore formats of {@code cairn/api/v1/core.proto}. Manifests are stored
 * with every event: never reuse or rename one.
 */
public final class CoreSerializer extends ProtobufSerializer {

  public CoreSerializer(ExtendedActorSystem system) {
    super(system, 7720);
    bind(
        "CR",
        Core.Registered.class,
        e ->
            CoreRegistered.newBuilder()
                .setRegistration(ProofProtos.toProto(e.descriptor()))
                .build(),
        bytes ->
            new Core.Registered(
                ProofProtos.fromProto(CoreRegistered.parseFrom(bytes).getRegistration())));
    bind(
        "BA",
        Core.BlockAppended.class,
        e -> {
          var out =
              BlockAppended.newBuilder()
                  .setIndex(e.index())
                  .setValue(ByteString.copyFrom(e.value()))
                  .setFork(e.fork());
          e.nodes().forEach(node -> out.addNodes(ProofProtos.toProto(node)));
          if (e.signature() != null) {
            out.setSignature(ByteString.copyFrom(e.signature()));
          }
          return out.build();
        },
        bytes -> {
          BlockAppended e = BlockAppended.parseFrom(bytes);
          return new Core.BlockAppended(
              e.getIndex(),
              e.getValue().toByteArray(),
              nodes(e.getNodesList()),
              e.getFork(),
              e.getSignature().isEmpty() ? null : e.getSignature().toByteArray());
        });

    bind(
        "I",
        Core.Info.class,
        CoreSerializer::toProto,
        bytes -> fromProto(CoreInfo.parseFrom(bytes)));
    bind(
        "R",
        Core.Registration.class,
        r ->
            CoreRegistration.newBuilder()
                .setInfo(toProto(r.info()))
                .setCreated(r.created())
                .build(),
        bytes -> {
          CoreRegistration r = CoreRegistration.parseFrom(bytes);
          return new Core.Registration(fromProto(r.getInfo()), r.getCreated());
        });
    bind(
        "P",
        io.cairn.protocol.hypercore.Proof.class,
        ProofProtos::toProto,
        bytes -> ProofProtos.fromProto(io.cairn.protocol.api.v1.Proof.parseFrom(bytes)));
    bind(
        "RP",
        io.cairn.protocol.hypercore.RangeProof.class,
        ProofProtos::toProto,
        bytes -> ProofProtos.fromProto(io.cairn.protocol.api.v1.RangeProof.parseFrom(bytes)));

    bind(
        "C",
        Core.Register.class,
        c ->
            RegisterCore.newBuilder()
                .setRegistration(ProofProtos.toProto(c.descriptor()))
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          RegisterCore c = RegisterCore.parseFrom(bytes);
          return new Core.Register(
              ProofProtos.fromProto(c.getRegistration()), resolve(c.getReplyTo()));
        });
    bind(
        "A",
        Core.Append.class,
        c ->
            AppendBatch.newBuilder()
                .setBatch(ProofProtos.toProto(c.batch()))
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          AppendBatch c = AppendBatch.parseFrom(bytes);
          return new Core.Append(ProofProtos.fromProto(c.getBatch()), resolve(c.getReplyTo()));
        });
    bind(
        "Q",
        Core.GetInfo.class,
        c -> GetCoreInfo.newBuilder().setReplyTo(serialize(c.replyTo())).build(),
        bytes -> new Core.GetInfo(resolve(GetCoreInfo.parseFrom(bytes).getReplyTo())));
    bind(
        "QB",
        Core.GetBlockProof.class,
        c ->
            GetBlockProof.newBuilder()
                .setIndex(c.index())
                .setTrustedLength(c.trustedLength())
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          GetBlockProof c = GetBlockProof.parseFrom(bytes);
          return new Core.GetBlockProof(
              c.getIndex(), c.getTrustedLength(), resolve(c.getReplyTo()));
        });
    bind(
        "QR",
        Core.GetRangeProof.class,
        c ->
            GetRangeProof.newBuilder()
                .setStart(c.start())
                .setEnd(c.end())
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          GetRangeProof c = GetRangeProof.parseFrom(bytes);
          return new Core.GetRangeProof(c.getStart(), c.getEnd(), resolve(c.getReplyTo()));
        });
    bind(
        "QU",
        Core.GetUpgradeProof.class,
        c ->
            GetUpgradeProof.newBuilder()
                .setFrom(c.from())
                .setTo(c.to())
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          GetUpgradeProof c = GetUpgradeProof.parseFrom(bytes);
          return new Core.GetUpgradeProof(c.getFrom(), c.getTo(), resolve(c.getReplyTo()));
        });
  }

  private static CoreInfo toProto(Core.Info info) {
    var out =
        CoreInfo.newBuilder()
            .setKey(ByteString.copyFrom(info.key()))
            .setDiscoveryKey(ByteString.copyFrom(info.discoveryKey()))
            .setRegistration(ProofProtos.toProto(info.descriptor()))
            .setLength(info.head().length())
            .setByteLength(info.byteLength())
            .setFork(info.head().fork())
            .setTreeHash(ByteString.copyFrom(info.treeHash()));
    info.head().roots().forEach(root -> out.addRoots(ProofProtos.toProto(root)));
    if (info.head().signature() != null) {
      out.setSignature(ByteString.copyFrom(info.head().signature()));
    }
    return out.build();
  }

  private static Core.Info fromProto(CoreInfo info) {
    List<TreeNode> roots = nodes(info.getRootsList());
    TreeHead head =
        new TreeHead(
            info.getFork(),
            info.getLength(),
            roots,
            info.getSignature().isEmpty() ? null : info.getSignature().toByteArray());
    return new Core.Info(
        ProofProtos.fromProto(info.getRegistration()),
        info.getKey().toByteArray(),
        info.getDiscoveryKey().toByteArray(),
        head,
        new MerkleHasher().treeHash(roots));
  }

  private static List<TreeNode> nodes(List<io.cairn.protocol.api.v1.TreeNode> nodes) {
    List<TreeNode> out = new ArrayList<>(nodes.size());
    nodes.forEach(node -> out.add(ProofProtos.fromProto(node)));
    return out;
  }
}
