package io.cairn.protocol.hypercore;

import com.google.protobuf.ByteString;
import io.cairn.protocol.api.v1.BlockProof;
import io.cairn.protocol.api.v1.SignedAppendBatch;
import io.cairn.protocol.api.v1.UpgradeProof;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps the proof records to and from their protobuf messages ({@code cairn/api/v1/core.proto}).
 * Protobuf is only the envelope: a decoded proof is verified like any other, so nothing here is
 * trusted.
 */
public final class ProofProtos {
  private ProofProtos() {}

  public static io.cairn.protocol.api.v1.TreeNode toProto(TreeNode node) {
    return io.cairn.protocol.api.v1.TreeNode.newBuilder()
        .setIndex(node.index())
        .setSize(node.size())
        .setHash(ByteString.copyFrom(node.hash()))
        .build();
  }

  /**
   * @throws IllegalArgumentException for a negative index or size, or a hash not of 32 bytes
   */
  public static TreeNode fromProto(io.cairn.protocol.api.v1.TreeNode node) {
    return new TreeNode(node.getIndex(), node.getSize(), node.getHash().toByteArray());
  }

  public static io.cairn.protocol.api.v1.Proof toProto(Proof proof) {
    var out = io.cairn.protocol.api.v1.Proof.newBuilder().setFork(proof.fork());
    Proof.Block block = proof.block();
    if (block != null) {
      out.setBlock(
          BlockProof.newBuilder()
              .setIndex(block.index())
              .setValue(ByteString.copyFrom(block.value()))
              .addAllNodes(toProtos(block.nodes())));
    }
    Proof.Upgrade upgrade = proof.upgrade();
    if (upgrade != null) {
      var u =
          UpgradeProof.newBuilder()
              .setStart(upgrade.start())
              .setLength(upgrade.length())
              .addAllNodes(toProtos(upgrade.nodes()))
              .addAllAdditionalNodes(toProtos(upgrade.additionalNodes()));
      if (upgrade.signature() != null) {
        u.setSignature(ByteString.copyFrom(upgrade.signature()));
      }
      out.setUpgrade(u);
    }
    return out.build();
  }

  /**
   * @throws IllegalArgumentException for values no proof record can hold
   */
  public static Proof fromProto(io.cairn.protocol.api.v1.Proof proof) {
    Proof.Block block = null;
    if (proof.hasBlock()) {
      BlockProof b = proof.getBlock();
      block =
          new Proof.Block(b.getIndex(), b.getValue().toByteArray(), fromProtos(b.getNodesList()));
    }
    Proof.Upgrade upgrade = null;
    if (proof.hasUpgrade()) {
      UpgradeProof u = proof.getUpgrade();
      upgrade =
          new Proof.Upgrade(
              u.getStart(),
              u.getLength(),
              fromProtos(u.getNodesList()),
              fromProtos(u.getAdditionalNodesList()),
              u.getSignature().isEmpty() ? null : u.getSignature().toByteArray());
    }
    return new Proof(proof.getFork(), block, upgrade);
  }

  /** The batch of {@code blocks} that took the core to {@code head}. */
  public static io.cairn.protocol.api.v1.RangeProof toProto(RangeProof proof) {
    var out =
        io.cairn.protocol.api.v1.RangeProof.newBuilder()
            .setFork(proof.fork())
            .setLength(proof.length())
            .setStart(proof.start())
            .addAllNodes(toProtos(proof.nodes()));
    for (byte[] value : proof.values()) {
      out.addValues(ByteString.copyFrom(value));
    }
    if (proof.signature() != null) {
      out.setSignature(ByteString.copyFrom(proof.signature()));
    }
    return out.build();
  }

  public static RangeProof fromProto(io.cairn.protocol.api.v1.RangeProof proof) {
    List<byte[]> values = new ArrayList<>(proof.getValuesCount());
    for (ByteString value : proof.getValuesList()) {
      values.add(value.toByteArray());
    }
    return new RangeProof(
        proof.getFork(),
        proof.getLength(),
        proof.getStart(),
        values,
        fromProtos(proof.getNodesList()),
        proof.getSignature().isEmpty() ? null : proof.getSignature().toByteArray());
  }

  public static io.cairn.protocol.api.v1.CoreDescriptor toProto(CoreDescriptor descriptor) {
    var out = io.cairn.protocol.api.v1.CoreDescriptor.newBuilder();
    if (descriptor instanceof CoreDescriptor.ByManifest manifest) {
      out.setManifest(ByteString.copyFrom(manifest.encoded()));
    } else {
      out.setCompatPublicKey(
          ByteString.copyFrom(((CoreDescriptor.CompatKey) descriptor).publicKey()));
    }
    return out.build();
  }

  /** The descriptor a message names; one naming neither a manifest nor a key is malformed. */
  public static CoreDescriptor fromProto(io.cairn.protocol.api.v1.CoreDescriptor descriptor) {
    return switch (descriptor.getKindCase()) {
      case MANIFEST -> new CoreDescriptor.ByManifest(descriptor.getManifest().toByteArray());
      case COMPAT_PUBLIC_KEY ->
          new CoreDescriptor.CompatKey(descriptor.getCompatPublicKey().toByteArray());
      case KIND_NOT_SET ->
          throw new MalformedEncodingException(
              "the core names neither a manifest nor a compat key");
    };
  }

  public static SignedAppendBatch toProto(SignedBatch batch) {
    var out =
        SignedAppendBatch.newBuilder()
            .setFork(batch.fork())
            .setStart(batch.start())
            .addAllRoots(toProtos(batch.roots()));
    for (byte[] block : batch.blocks()) {
      out.addBlocks(ByteString.copyFrom(block));
    }
    if (batch.signature() != null) {
      out.setSignature(ByteString.copyFrom(batch.signature()));
    }
    return out.build();
  }

  public static SignedBatch fromProto(SignedAppendBatch batch) {
    List<byte[]> blocks = new ArrayList<>(batch.getBlocksCount());
    for (ByteString block : batch.getBlocksList()) {
      blocks.add(block.toByteArray());
    }
    return new SignedBatch(
        batch.getFork(),
        batch.getStart(),
        blocks,
        fromProtos(batch.getRootsList()),
        batch.getSignature().isEmpty() ? null : batch.getSignature().toByteArray());
  }

  private static List<io.cairn.protocol.api.v1.TreeNode> toProtos(List<TreeNode> nodes) {
    List<io.cairn.protocol.api.v1.TreeNode> out = new ArrayList<>(nodes.size());
    for (TreeNode node : nodes) {
      out.add(toProto(node));
    }
    return out;
  }

  private static List<TreeNode> fromProtos(List<io.cairn.protocol.api.v1.TreeNode> nodes) {
    List<TreeNode> out = new ArrayList<>(nodes.size());
    for (var node : nodes) {
      out.add(fromProto(node));
    }
    return out;
  }
}
