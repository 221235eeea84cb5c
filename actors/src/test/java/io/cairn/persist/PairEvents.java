package io.cairn.persist;

import com.google.protobuf.ByteString;
import io.cairn.protocol.api.v1.ContentMessage;
import io.cairn.protocol.api.v1.ContentType;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.encryption.StreamEncryption;
import io.cairn.protocol.event.EventSigner;
import io.cairn.protocol.event.EvmSigner;
import io.cairn.protocol.persist.Pair;
import io.cairn.protocol.persist.PairContent;
import java.util.List;

/**
 * One publisher's chain of pair events, as a Resourced publisher sends them: encrypted, then
 * signed.
 */
final class PairEvents {
  private final EventSigner signer;
  private final String streamId;
  private final String chain;
  private long timestamp = System.currentTimeMillis() - 60_000;
  private StreamMessage previous;

  PairEvents(EvmSigner signer, String streamId, String chain) {
    this.signer = new EventSigner(signer);
    this.streamId = streamId;
    this.chain = chain;
  }

  static Pair pair(String address) {
    return new Pair(address, GroupKey.generate().data());
  }

  StreamMessage pairs(int partition, GroupKey key, List<Pair> pairs) {
    return content(partition, key, PairContent.encode(pairs));
  }

  /** Any content, encrypted under {@code key}. */
  StreamMessage content(int partition, GroupKey key, byte[] content) {
    StreamMessage.Builder builder = StreamMessage.newBuilder();
    builder
        .getMessageIdBuilder()
        .setStreamId(streamId)
        .setStreamPartition(partition)
        .setTimestamp(++timestamp)
        .setMessageChainId(chain + "-" + partition);
    if (previous != null && previous.getMessageId().getStreamPartition() == partition) {
      builder.getPreviousMessageRefBuilder().setTimestamp(previous.getMessageId().getTimestamp());
    }
    StreamMessage plain =
        builder
            .setContentMessage(
                ContentMessage.newBuilder()
                    .setContent(ByteString.copyFrom(content))
                    .setContentType(ContentType.JSON))
            .build();
    previous = signer.sign(StreamEncryption.encryptContent(plain, key));
    return previous;
  }
}
