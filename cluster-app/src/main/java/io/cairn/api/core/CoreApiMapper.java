package io.cairn.api.core;

import com.google.protobuf.ByteString;
import io.cairn.core.Core;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.CoreInfo;
import io.cairn.protocol.hypercore.CoreDescriptor;
import io.cairn.protocol.hypercore.Proof;
import io.cairn.protocol.hypercore.ProofProtos;
import io.cairn.protocol.hypercore.RangeProof;
import io.cairn.protocol.hypercore.SignedBatch;
import java.util.HexFormat;

/**
 * The core feature's public API messages to and from its domain records, for HTTP and WebSocket
 * alike. Proofs and batches keep the Hypercore formats {@link ProofProtos} writes.
 */
public final class CoreApiMapper {
  private CoreApiMapper() {}

  public static CoreInfo info(Core.Info info) {
    CoreInfo.Builder out =
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

  /** A core to register and its key, derived from what names it. */
  public record Registration(CoreDescriptor descriptor, byte[] key) {}

  /** A manifest or compat key that cannot be read is refused {@code INVALID_MANIFEST}. */
  public static Registration registration(io.cairn.protocol.api.v1.CoreDescriptor registration) {
    try {
      CoreDescriptor descriptor = ProofProtos.fromProto(registration);
      return new Registration(descriptor, descriptor.identity().key());
    } catch (IllegalArgumentException malformed) {
      throw new Rejection(
          ErrorCode.INVALID_MANIFEST, "cannot read the core: " + malformed.getMessage());
    }
  }

  public static io.cairn.protocol.api.v1.Proof proof(Proof proof) {
    return ProofProtos.toProto(proof);
  }

  public static io.cairn.protocol.api.v1.RangeProof rangeProof(RangeProof proof) {
    return ProofProtos.toProto(proof);
  }

  /** A batch whose tree nodes cannot be read is refused {@code INVALID_BATCH}. */
  public static SignedBatch batch(io.cairn.protocol.api.v1.SignedAppendBatch batch) {
    try {
      return ProofProtos.fromProto(batch);
    } catch (IllegalArgumentException malformed) {
      throw new Rejection(
          ErrorCode.INVALID_BATCH, "cannot read the batch: " + malformed.getMessage());
    }
  }

  /** A core key: 32 bytes, in hex in HTTP paths. */
  public static byte[] key(byte[] key) {
    if (key.length != 32) {
      throw new Rejection(ErrorCode.INVALID_CORE_KEY, "a core key has 32 bytes, not " + key.length);
    }
    return key;
  }

  /** A core key written in a path as 64 hex digits. */
  public static byte[] key(String hex) {
    if (!hex.matches("[0-9a-fA-F]{64}")) {
      throw new Rejection(
          ErrorCode.INVALID_CORE_KEY, "'" + hex + "' is not a core key (64 hex digits)");
    }
    return HexFormat.of().parseHex(hex);
  }
}
