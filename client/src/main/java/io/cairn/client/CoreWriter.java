package io.cairn.client;

import io.cairn.protocol.api.v1.CoreInfo;
import io.cairn.protocol.hypercore.CoreDescriptor;
import io.cairn.protocol.hypercore.CoreIdentity;
import io.cairn.protocol.hypercore.CoreKeyPair;
import io.cairn.protocol.hypercore.CoreTree;
import io.cairn.protocol.hypercore.InMemoryTreeStore;
import io.cairn.protocol.hypercore.ProofProtos;
import io.cairn.protocol.hypercore.RejectReason;
import io.cairn.protocol.hypercore.SignedBatch;
import io.cairn.protocol.hypercore.TreeHead;
import io.cairn.protocol.hypercore.TreeNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends to one's own core through a Cairn node. The key pair never leaves this process: blocks
 * are hashed and the tree signed here, and the node only checks and stores the signed batches.
 */
public final class CoreWriter {
  /** The node's default limit on one batch; larger appends are sent as several batches. */
  public static final long DEFAULT_MAX_BATCH_BYTES = 8L * 1024 * 1024;

  private final CairnClient client;
  private final CoreKeyPair keyPair;
  private final CoreIdentity identity;
  private final long maxBatchBytes;
  private io.cairn.protocol.hypercore.CoreWriter writer;

  private CoreWriter(CairnClient client, CoreKeyPair keyPair, long maxBatchBytes) {
    this.client = client;
    this.keyPair = keyPair;
    this.identity = CoreIdentity.ofPublicKey(keyPair.publicKey());
    this.maxBatchBytes = maxBatchBytes;
  }

  /**
   * Registers the key pair's core with the node (nothing happens if it already is) and continues
   * from the length the node holds, after checking that this key pair signed it.
   */
  public static CoreWriter open(CairnClient client, CoreKeyPair keyPair) {
    CoreWriter writer = new CoreWriter(client, keyPair, DEFAULT_MAX_BATCH_BYTES);
    writer.resume(client.registerCore(CoreDescriptor.of(writer.identity)));
    return writer;
  }

  public byte[] key() {
    return identity.key();
  }

  public byte[] discoveryKey() {
    return identity.discoveryKey();
  }

  public CoreIdentity identity() {
    return identity;
  }

  public TreeHead head() {
    return writer.head();
  }

  public TreeHead append(byte[] block) {
    return append(List.of(block));
  }

  /**
   * Appends the blocks in order, in as few signed batches as the node's batch limit allows. A batch
   * the node refuses leaves this writer where the node is; the refusal is thrown.
   */
  public TreeHead append(List<byte[]> blocks) {
    List<byte[]> batch = new ArrayList<>();
    long bytes = 0;
    for (byte[] block : blocks) {
      if (!batch.isEmpty() && bytes + block.length > maxBatchBytes) {
        send(batch);
        batch = new ArrayList<>();
        bytes = 0;
      }
      batch.add(block);
      bytes += block.length;
    }
    if (!batch.isEmpty()) {
      send(batch);
    }
    return writer.head();
  }

  private void send(List<byte[]> blocks) {
    SignedBatch batch = SignedBatch.of(writer.append(blocks), blocks);
    try {
      client.appendBatch(identity.key(), batch);
    } catch (RuntimeException refusedOrLost) {
      // the node is the record of what was stored: continue from what it holds
      resume(client.coreInfo(identity.key()));
      throw refusedOrLost;
    }
  }

  private void resume(CoreInfo info) {
    List<TreeNode> roots = new ArrayList<>();
    info.getRootsList().forEach(root -> roots.add(ProofProtos.fromProto(root)));
    TreeHead head =
        info.getLength() == 0
            ? TreeHead.EMPTY
            : new TreeHead(
                info.getFork(), info.getLength(), roots, info.getSignature().toByteArray());
    if (head.length() > 0) {
      byte[] signable = CoreTree.restore(identity, new InMemoryTreeStore(), head).signable(head);
      RejectReason invalid = identity.verify(signable, head.signature());
      if (invalid != null) {
        throw new ProofRejectedException(
            invalid, "the node's copy of this core is not signed by this key pair");
      }
    }
    writer =
        io.cairn.protocol.hypercore.CoreWriter.resume(
            keyPair, identity, new InMemoryTreeStore(), head);
  }
}
