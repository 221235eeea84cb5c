package io.cairn.agent;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.SealSettings;
import io.cairn.protocol.api.v1.SealTask;
import io.cairn.protocol.hypercore.CoreKeyPair;
import io.cairn.protocol.hypercore.CoreWriter;
import io.cairn.protocol.hypercore.InMemoryTreeStore;
import io.cairn.protocol.hypercore.MerkleHasher;
import io.cairn.protocol.hypercore.Proof;
import io.cairn.protocol.hypercore.ProofBuilder;
import io.cairn.protocol.hypercore.ProofProtos;
import io.cairn.protocol.hypercore.ProofRequest;
import io.cairn.protocol.hypercore.TreeHead;
import io.cairn.protocol.pinning.ReplicaId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A core written in memory, its blocks with the proofs a node gives from length 0, and the seal
 * tasks a cluster would send for it: what agent tests seal without a node.
 */
final class SealFixture {
  static final SealSettings FAST =
      SealSettings.newBuilder().setMinLayers(2).setOpsMin(0).setSectorCapBytes(1 << 20).build();

  final CoreWriter core;
  final List<byte[]> blocks = new ArrayList<>();
  final List<byte[]> proofs = new ArrayList<>();

  SealFixture(int blockCount) {
    core = CoreWriter.create(CoreKeyPair.generate(), new InMemoryTreeStore());
    for (int i = 0; i < blockCount; i++) {
      blocks.add(("block " + i + " " + "x".repeat(i * 7 % 300)).getBytes(StandardCharsets.UTF_8));
    }
    core.append(blocks);
    TreeHead head = core.head();
    ProofBuilder builder = new ProofBuilder(core.store());
    for (int i = 0; i < blockCount; i++) {
      Proof proof =
          builder.build(head, ProofRequest.blockAndUpgrade(i, 0, head.length()), blocks.get(i));
      proofs.add(SectorFetcher.withoutValue(proof));
    }
  }

  byte[] key() {
    return core.identity().key();
  }

  /** The sector of the whole core, as {@link SectorFetcher} answers it. */
  SectorFetcher.VerifiedSector sector() {
    return new SectorFetcher.VerifiedSector(blocks, proofs);
  }

  /** The proof of block {@code index} from length 0, with its value, as a client decodes it. */
  Proof proof(int index) throws InvalidProtocolBufferException {
    Proof decoded =
        ProofProtos.fromProto(io.cairn.protocol.api.v1.Proof.parseFrom(proofs.get(index)));
    return new Proof(
        decoded.fork(),
        new Proof.Block(index, blocks.get(index), decoded.block().nodes()),
        decoded.upgrade());
  }

  /** The task to seal the whole core for {@code hoster} in slot {@code slot} of job {@code job}. */
  SealTask task(EthereumAddress hoster, AgentRole role, byte[] job, int slot) {
    byte[] treeHash = new MerkleHasher().treeHash(core.head().roots());
    long end = core.head().length();
    ReplicaId id =
        ReplicaId.of(
            HexFormat.of().parseHex(hoster.value().substring(2)),
            key(),
            0,
            end,
            treeHash,
            job,
            ByteBuffer.allocate(4).putInt(slot).array());
    return SealTask.newBuilder()
        .setJobId("0x" + HexFormat.of().formatHex(job))
        .setSlot(slot)
        .setRole(role.inTask())
        .setHoster(hoster.value())
        .setCoreKey(HexFormat.of().formatHex(key()))
        .setRangeStart(0)
        .setRangeEnd(end)
        .setTreeLength(end)
        .setTreeHash(HexFormat.of().formatHex(treeHash))
        .setReplicaId("0x" + id)
        .setSettings(FAST)
        .build();
  }
}
