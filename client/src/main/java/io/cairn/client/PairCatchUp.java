package io.cairn.client;

import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.EncryptionType;
import io.cairn.protocol.api.v1.PairPage;
import io.cairn.protocol.api.v1.SignedCheckpoint;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.encryption.GroupKeyLookup;
import io.cairn.protocol.encryption.StreamEncryption;
import io.cairn.protocol.event.EventVerification;
import io.cairn.protocol.event.EventVerifier;
import io.cairn.protocol.persist.Checkpoint;
import io.cairn.protocol.persist.Pair;
import io.cairn.protocol.persist.PairAccumulator;
import io.cairn.protocol.persist.PairSealing;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * A late subscriber catching up with a stream's persistor: it checks the persistor's signed
 * checkpoint, reads the pairs it lacks from {@code GET /streams/{id}/pairs} page by page as they
 * arrive (never the whole body at once), opens each page with the stream's group keys, feeds every
 * pair to its accumulator and to the caller, and at the end requires the accumulator's count and
 * root to be the checkpoint's. A pair handed to the caller is therefore only trusted once {@link
 * #catchUp} returns.
 */
public final class PairCatchUp {
  private final CairnClient client;
  private final String streamId;
  private final EthereumAddress service;
  private final GroupKeyLookup keys;
  private final EventVerifier verifier;

  /**
   * @param service the address the cluster's persistors sign with, learnt from a source the
   *     subscriber trusts (not from the node it reads from)
   */
  public PairCatchUp(
      CairnClient client, String streamId, EthereumAddress service, GroupKeyLookup keys) {
    this.client = client;
    this.streamId = streamId;
    this.service = service;
    this.keys = keys;
    this.verifier = EventVerifier.standard();
  }

  /**
   * The checkpoint the signed event carries, after checking the event: a valid signature by the
   * service address, on this stream, unencrypted, with a checkpoint content equal to the {@code
   * count} and {@code root} the node reported beside it.
   */
  public Checkpoint verify(SignedCheckpoint signed) {
    StreamMessage event = signed.getMessage();
    EventVerification verification = verifier.verify(event);
    if (!verification.accepted()) {
      throw new CheckpointRejectedException(
          "the checkpoint's signature does not hold: " + verification);
    }
    String publisher =
        "0x" + HexFormat.of().formatHex(event.getMessageId().getPublisherId().toByteArray());
    if (!publisher.equals(service.value())) {
      throw new CheckpointRejectedException(
          "the checkpoint is signed by " + publisher + ", not the service address " + service);
    }
    if (!event.getMessageId().getStreamId().equals(streamId)
        || event.getContentMessage().getEncryptionType() != EncryptionType.NONE) {
      throw new CheckpointRejectedException(
          "the checkpoint event is not an unencrypted event of " + streamId);
    }
    Checkpoint checkpoint =
        Checkpoint.fromContent(event.getContentMessage().getContent().toByteArray())
            .orElseThrow(
                () -> new CheckpointRejectedException("the signed event holds no checkpoint"));
    if (checkpoint.count() != signed.getCount() || !checkpoint.rootHex().equals(signed.getRoot())) {
      throw new CheckpointRejectedException(
          "the node reports "
              + signed.getCount()
              + "/"
              + signed.getRoot()
              + " but the signed event says "
              + checkpoint);
    }
    return checkpoint;
  }

  /**
   * Reads pairs [{@code accumulator.count()}, checkpoint count) and hands each to {@code onPair} in
   * order; {@code accumulator} holds the pairs the subscriber had (none for a new one).
   *
   * @throws CheckpointRejectedException when the checkpoint or the pairs read do not hold
   */
  public Checkpoint catchUp(
      SignedCheckpoint signed, PairAccumulator accumulator, Consumer<Pair> onPair) {
    Checkpoint checkpoint = verify(signed);
    if (accumulator.count() > checkpoint.count()) {
      throw new CheckpointRejectedException(
          "the subscriber holds "
              + accumulator.count()
              + " pairs, more than the checkpoint's "
              + checkpoint.count());
    }
    try (InputStream pages = client.pairPages(streamId, accumulator.count(), checkpoint.count())) {
      PairPage page;
      while ((page = PairPage.parseDelimitedFrom(pages)) != null) {
        if (page.getFirstIndex() != accumulator.count()) {
          throw new CheckpointRejectedException(
              "a page starts at pair " + page.getFirstIndex() + ", not " + accumulator.count());
        }
        String keyId = page.getGroupKeyId();
        long first = page.getFirstIndex();
        GroupKey key =
            keys.find(keyId)
                .orElseThrow(
                    () ->
                        new CheckpointRejectedException(
                            "the pairs from "
                                + first
                                + " are sealed under group key "
                                + keyId
                                + ", which the subscriber lacks"));
        StreamEncryption.Decryptor decryptor = StreamEncryption.decryptor(key);
        for (var sealed : page.getPairsList()) {
          Pair pair = PairSealing.open(sealed.toByteArray(), decryptor, key);
          accumulator.append(pair);
          onPair.accept(pair);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "the pairs of " + streamId + " were cut off: " + e.getMessage(), e);
    }
    if (accumulator.count() != checkpoint.count()
        || !accumulator.rootHex().equals(checkpoint.rootHex())) {
      throw new CheckpointRejectedException(
          "the pairs read give "
              + accumulator.count()
              + "/"
              + accumulator.rootHex()
              + ", not the checkpoint's "
              + checkpoint);
    }
    return checkpoint;
  }
}
