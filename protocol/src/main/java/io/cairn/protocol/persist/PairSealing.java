package io.cairn.protocol.persist;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.protocol.api.v1.PairRecord;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.encryption.StreamEncryption;

/**
 * One pair sealed under a stream's group key, as a persistor keeps it at rest and serves it in
 * catch-up pages: {@code IV (16 bytes) || AES-256-CTR(group key, PairRecord)}, the record being the
 * protobuf {@code {address, key (32 raw bytes)}}, with the {@link StreamEncryption} cipher. Each
 * pair is sealed on its own so that a page can start and end at any pair without the node
 * decrypting or encrypting anything. Like stream content, a sealed pair is not authenticated: a
 * reader checks what it opens against the signed checkpoint's root.
 */
public final class PairSealing {
  private PairSealing() {}

  public static byte[] seal(Pair pair, GroupKey key) {
    return seal(pair, StreamEncryption.encryptor(key));
  }

  /** As {@link #seal(Pair, GroupKey)}, with the key's encryptor: for the pairs of one event. */
  public static byte[] seal(Pair pair, StreamEncryption.Encryptor encryptor) {
    return encryptor.encrypt(
        PairRecord.newBuilder()
            .setAddress(pair.address())
            .setKey(ByteString.copyFrom(pair.key()))
            .build()
            .toByteArray());
  }

  /**
   * The pair sealed in {@code sealed}.
   *
   * @throws MalformedPairContentException when it does not open to a pair (a wrong key, or changed
   *     bytes)
   */
  public static Pair open(byte[] sealed, GroupKey key) {
    return open(sealed, StreamEncryption.decryptor(key), key);
  }

  /**
   * As {@link #open(byte[], GroupKey)}, with {@code key}'s decryptor: for the pairs of one page.
   */
  public static Pair open(byte[] sealed, StreamEncryption.Decryptor decryptor, GroupKey key) {
    try {
      PairRecord record = PairRecord.parseFrom(decryptor.decrypt(sealed));
      return new Pair(record.getAddress(), record.getKey().toByteArray());
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      throw new MalformedPairContentException(
          "a sealed pair did not open with " + key + ": " + e.getMessage());
    }
  }
}
