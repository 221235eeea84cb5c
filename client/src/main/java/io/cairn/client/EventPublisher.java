package io.cairn.client;

import com.google.protobuf.ByteString;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.api.v1.ContentType;
import io.cairn.protocol.api.v1.MessageRef;
import io.cairn.protocol.api.v1.PublishAck;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.encryption.StreamEncryption;
import io.cairn.protocol.event.EventSigner;
import io.cairn.protocol.event.EvmSigner;
import io.cairn.protocol.stream.PartitionKeys;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Publishes one publisher's events, signed in this process: each stream partition gets a message
 * chain whose events name their predecessor, as Streamr publishers do, so the node keeps them in
 * order and subscribers see any gap.
 */
public final class EventPublisher {
  private final CairnClient client;
  private final EventSigner signer;
  private final MessageChain chain = new MessageChain();
  private final Map<String, MessageRef> heads = new HashMap<>();
  private final Map<String, Integer> partitionCounts = new HashMap<>();

  public EventPublisher(CairnClient client, EvmSigner signer) {
    this.client = client;
    this.signer = new EventSigner(signer);
  }

  /**
   * Signs a JSON event for {@code streamId}'s partition and publishes it; answered once it is
   * stored.
   */
  public synchronized PublishAck publishJson(String streamId, int partition, String json) {
    return publish(
        streamId, partition, Optional.empty(), ByteString.copyFromUtf8(json), ContentType.JSON);
  }

  public synchronized PublishAck publishBinary(String streamId, int partition, byte[] content) {
    return publish(
        streamId, partition, Optional.empty(), ByteString.copyFrom(content), ContentType.BINARY);
  }

  /**
   * Publishes a JSON event whose content is encrypted with the stream's group key, as a Streamr
   * publisher does ({@link StreamEncryption}): only holders of that key can read it, and the
   * signature covers the ciphertext.
   */
  public synchronized PublishAck publishEncryptedJson(
      String streamId, int partition, String json, GroupKey key) {
    return publish(
        streamId,
        partition,
        Optional.empty(),
        ByteString.copyFromUtf8(json),
        ContentType.JSON,
        Optional.of(key));
  }

  /**
   * Signs a JSON event for the partition {@code partitionKey} maps to, as a Streamr client maps it
   * ({@link PartitionKeys}), so that one key's events stay in one partition, in order; the node
   * checks the partition against the key. The stream's partition count is read once and kept.
   */
  public synchronized PublishAck publishJson(String streamId, String partitionKey, String json) {
    return publishByKey(streamId, partitionKey, ByteString.copyFromUtf8(json), ContentType.JSON);
  }

  public synchronized PublishAck publishBinary(
      String streamId, String partitionKey, byte[] content) {
    return publishByKey(streamId, partitionKey, ByteString.copyFrom(content), ContentType.BINARY);
  }

  private PublishAck publishByKey(
      String streamId, String partitionKey, ByteString content, ContentType type) {
    int partitions =
        partitionCounts.computeIfAbsent(streamId, id -> client.stream(id).getPartitions());
    try {
      return publish(
          streamId,
          PartitionKeys.partitionOf(partitionKey, partitions),
          Optional.of(partitionKey),
          content,
          type);
    } catch (CairnApiException refused) {
      if (!refused.code().equals(ErrorCode.PARTITION_KEY_MISMATCH.name())) {
        throw refused;
      }
      // partitions only grow: when the stream gained some since they were counted, keys map anew
      int grown = client.stream(streamId).getPartitions();
      if (grown == partitions) {
        throw refused;
      }
      partitionCounts.put(streamId, grown);
      return publish(
          streamId,
          PartitionKeys.partitionOf(partitionKey, grown),
          Optional.of(partitionKey),
          content,
          type);
    }
  }

  private PublishAck publish(
      String streamId,
      int partition,
      Optional<String> partitionKey,
      ByteString content,
      ContentType type) {
    return publish(streamId, partition, partitionKey, content, type, Optional.empty());
  }

  private PublishAck publish(
      String streamId,
      int partition,
      Optional<String> partitionKey,
      ByteString content,
      ContentType type,
      Optional<GroupKey> encryption) {
    String part = streamId + "#" + partition;
    StreamMessage.Builder event = chain.next(streamId, partition, heads.get(part), content, type);
    StreamMessage unsigned =
        encryption
            .map(key -> StreamEncryption.encryptContent(event.build(), key))
            .orElseGet(event::build);
    StreamMessage signed = signer.sign(unsigned);
    PublishAck ack =
        partitionKey.isPresent()
            ? client.publish(signed, partitionKey.get())
            : client.publish(signed);
    // the chain moves on only once the event is stored: a refused one leaves no gap
    heads.put(part, MessageChain.refOf(event));
    return ack;
  }
}
