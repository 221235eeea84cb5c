package io.cairn.persist;

import io.cairn.protocol.api.v1.ContentType;
import io.cairn.protocol.api.v1.EncryptionType;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.encryption.EncryptionException;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.encryption.StreamEncryption;
import io.cairn.protocol.persist.MalformedPairContentException;
import io.cairn.protocol.persist.Pair;
import io.cairn.protocol.persist.PairContent;
import io.cairn.protocol.persist.PairSealing;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.LongPredicate;

/**
 * The pairs of one stored event, as a persistor records them: decrypted with the event's group key,
 * decoded, each address once, and sealed again under that key for the journal. Pure apart from the
 * fresh IV of each sealed pair: the same event and key give the same pairs, leaves and
 * fingerprints, so it runs anywhere, off the entity's thread.
 */
final class PairExtraction {
  private PairExtraction() {}

  /**
   * The distinct pairs of the event {@code sequenceNr} of a partition, in order: pair {@code i} is
   * {@code sealedPairs[i]} under group key {@code groupKeyId}, with its 32-byte leaf at {@code
   * leaves[32 i]} and its address fingerprint {@code fingerprints[i]}; {@code skipped} says why
   * each other entry was left out.
   */
  record Pairs(
      long sequenceNr,
      String groupKeyId,
      List<byte[]> sealedPairs,
      byte[] leaves,
      long[] fingerprints,
      List<String> skipped) {
    Pairs {
      sealedPairs = List.copyOf(sealedPairs);
      skipped = List.copyOf(skipped);
    }

    int size() {
      return sealedPairs.size();
    }
  }

  /**
   * The group key id of an event a persistor reads pairs from: AES-encrypted content of a publisher
   * other than {@code serviceId} (the persistor's own events carry no pairs to record).
   */
  static Optional<String> keyIdOf(StreamMessage message, byte[] serviceId) {
    if (Arrays.equals(message.getMessageId().getPublisherId().toByteArray(), serviceId)
        || message.getBodyCase() != StreamMessage.BodyCase.CONTENT_MESSAGE
        || message.getContentMessage().getEncryptionType() != EncryptionType.AES) {
      return Optional.empty();
    }
    return Optional.of(message.getContentMessage().getGroupKeyId());
  }

  /**
   * The pairs of {@code message}, the event {@code sequenceNr} of its partition, encrypted under
   * {@code key}; empty when its content is not JSON.
   *
   * @throws EncryptionException when {@code key} does not decrypt it
   * @throws MalformedPairContentException when its content is not a pair event's
   */
  static Optional<Pairs> extract(long sequenceNr, StreamMessage message, GroupKey key) {
    StreamEncryption.Decrypted plain = StreamEncryption.decryptContent(message, key);
    if (message.getContentMessage().getContentType() != ContentType.JSON) {
      return Optional.empty();
    }
    PairContent.Decoded decoded = PairContent.decode(plain.content());
    StreamEncryption.Encryptor encryptor = StreamEncryption.encryptor(key);
    List<byte[]> sealed = new ArrayList<>(decoded.pairs().size());
    ByteArrayOutputStream leaves = new ByteArrayOutputStream();
    FingerprintSet fingerprints = new FingerprintSet();
    long[] kept = new long[decoded.pairs().size()];
    for (Pair pair : decoded.pairs()) {
      long fingerprint = pair.addressFingerprint();
      if (fingerprints.add(fingerprint)) {
        kept[sealed.size()] = fingerprint;
        sealed.add(PairSealing.seal(pair, encryptor));
        leaves.writeBytes(pair.leaf());
      }
    }
    return Optional.of(
        new Pairs(
            sequenceNr,
            key.id(),
            sealed,
            leaves.toByteArray(),
            Arrays.copyOf(kept, sealed.size()),
            decoded.skipped()));
  }

  /**
   * The events recording the new pairs of {@code pairs}, events of {@code partition} in order:
   * those after {@code position} (the ones before were recorded already), without the addresses
   * {@code recorded} or met earlier among them, numbered on from pair {@code firstIndex}.
   */
  static List<Persistor.PairsRecorded> newPairs(
      List<Pairs> pairs, int partition, long position, long firstIndex, LongPredicate recorded) {
    List<Persistor.PairsRecorded> events = new ArrayList<>();
    FingerprintSet met = new FingerprintSet();
    long next = firstIndex;
    for (Pairs event : pairs) {
      if (event.sequenceNr() <= position) {
        continue;
      }
      List<byte[]> sealed = new ArrayList<>(event.size());
      ByteArrayOutputStream leaves = new ByteArrayOutputStream();
      long[] fingerprints = new long[event.size()];
      for (int i = 0; i < event.size(); i++) {
        long fingerprint = event.fingerprints()[i];
        if (!recorded.test(fingerprint) && met.add(fingerprint)) {
          fingerprints[sealed.size()] = fingerprint;
          sealed.add(event.sealedPairs().get(i));
          leaves.write(event.leaves(), i * 32, 32);
        }
      }
      if (!sealed.isEmpty()) {
        events.add(
            new Persistor.PairsRecorded(
                partition,
                event.sequenceNr(),
                next,
                event.groupKeyId(),
                sealed,
                leaves.toByteArray(),
                Arrays.copyOf(fingerprints, sealed.size())));
        next += sealed.size();
      }
    }
    return events;
  }
}
