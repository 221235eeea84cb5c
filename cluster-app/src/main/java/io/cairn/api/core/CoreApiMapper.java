package io.cairn.api.core;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import io.cairn.core.Core;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.CoreInfo;
import io.cairn.protocol.api.v1.TreeNode;
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

  /**
   * What a person reads of a core over HTTP: its keys and hashes in hex, as the CLI prints them and
   * URLs take them, and every number, {@code fork} and {@code length} included when 0. The SDK asks
   * for {@link CoreInfo} itself as protobuf instead.
   */
  public static JsonObject readable(CoreInfo info) {
    HexFormat hex = HexFormat.of();
    JsonObject out = new JsonObject();
    out.addProperty("key", hex.formatHex(info.getKey().toByteArray()));
    out.addProperty("discoveryKey", hex.formatHex(info.getDiscoveryKey().toByteArray()));
    out.addProperty("length", info.getLength());
    out.addProperty("byteLength", info.getByteLength());
    out.addProperty("fork", info.getFork());
    out.addProperty("treeHash", hex.formatHex(info.getTreeHash().toByteArray()));
    out.addProperty(
        "signature",
        info.getSignature().isEmpty() ? null : hex.formatHex(info.getSignature().toByteArray()));
    JsonArray roots = new JsonArray();
    for (TreeNode root : info.getRootsList()) {
      JsonObject node = new JsonObject();
      node.addProperty("index", root.getIndex());
      node.addProperty("size", root.getSize());
      node.addProperty("hash", hex.formatHex(root.getHash().toByteArray()));
      roots.add(node);
    }
    out.add("roots", roots);
    JsonObject registration = new JsonObject();
    switch (info.getRegistration().getKindCase()) {
      case MANIFEST ->
          registration.addProperty(
              "manifest", hex.formatHex(info.getRegistration().getManifest().toByteArray()));
      case COMPAT_PUBLIC_KEY ->
          registration.addProperty(
              "compatPublicKey",
              hex.formatHex(info.getRegistration().getCompatPublicKey().toByteArray()));
      case KIND_NOT_SET -> {
        // every registered core has one; nothing to show otherwise
      }
    }
    out.add("registration", registration);
    return out;
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
