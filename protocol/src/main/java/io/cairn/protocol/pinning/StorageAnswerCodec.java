package io.cairn.protocol.pinning;

import com.google.protobuf.ByteString;
import io.cairn.protocol.pinning.v1.NodeOpening;
import io.cairn.protocol.pinning.v1.StorageChallengeAnswer;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps a {@link StorageAnswer} to and from its wire message {@code cairn.pinning.v1
 * .StorageChallengeAnswer}. Decoding checks only what the domain types need (a 32-byte replica id,
 * indices that fit a node index); the lengths of leaves and siblings are judged by {@link
 * StorageProofs#verify}, which names the opening that fails.
 */
public final class StorageAnswerCodec {
  private StorageAnswerCodec() {}

  /** The wire message for {@code answer} to round {@code roundNo} of {@code replicaId}. */
  public static StorageChallengeAnswer toProto(
      ReplicaId replicaId, long roundNo, StorageAnswer answer) {
    StorageChallengeAnswer.Builder message =
        StorageChallengeAnswer.newBuilder()
            .setReplicaId(ByteString.copyFrom(replicaId.bytes()))
            .setRoundNo(roundNo);
    for (StorageAnswer.Opening opening : answer.openings()) {
      NodeOpening.Builder node =
          NodeOpening.newBuilder()
              .setIndex(opening.index())
              .setLeaf(ByteString.copyFrom(opening.leaf()));
      for (byte[] sibling : opening.siblings()) {
        node.addSiblings(ByteString.copyFrom(sibling));
      }
      message.addOpenings(node);
    }
    return message.build();
  }

  /** The replica id a wire answer claims to be for. */
  public static ReplicaId replicaId(StorageChallengeAnswer message) {
    return ReplicaId.fromBytes(message.getReplicaId().toByteArray());
  }

  /** The openings of a wire answer. */
  public static StorageAnswer fromProto(StorageChallengeAnswer message) {
    List<StorageAnswer.Opening> openings = new ArrayList<>(message.getOpeningsCount());
    for (NodeOpening node : message.getOpeningsList()) {
      if (node.getIndex() < 0 || node.getIndex() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "opening index " + Long.toUnsignedString(node.getIndex()) + " is no node index");
      }
      List<byte[]> siblings = new ArrayList<>(node.getSiblingsCount());
      for (ByteString sibling : node.getSiblingsList()) {
        siblings.add(sibling.toByteArray());
      }
      openings.add(
          new StorageAnswer.Opening(node.getIndex(), node.getLeaf().toByteArray(), siblings));
    }
    return new StorageAnswer(openings);
  }
}
