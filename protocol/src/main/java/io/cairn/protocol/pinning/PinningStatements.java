package io.cairn.protocol.pinning;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.event.AddressRecovery;
import io.cairn.protocol.event.EventRejection;
import io.cairn.protocol.event.EvmSignature;
import io.cairn.protocol.event.EvmSigner;
import io.cairn.protocol.event.PersonalMessage;
import io.cairn.protocol.hypercore.Blake2b;
import io.cairn.protocol.pinning.v1.ReplicaCommitment;
import io.cairn.protocol.pinning.v1.ServiceContact;
import io.cairn.protocol.pinning.v1.SignedPinningStatement;
import io.cairn.protocol.pinning.v1.StorageAnswerStatement;
import io.cairn.protocol.pinning.v1.StorageChallengeAnswer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What hosters and encoders sign (PINNING.md §3.3–3.4), as Ethereum's {@code personal_sign} over
 * the serialized statement, with the same keys they register as providers under: a {@link
 * Commitment} that a replica id seals to a CommR (the cluster accepts a replica only when the
 * hoster's and the encoder's agree), and a hoster's statement over its answer to one storage
 * challenge, bound to the challenge's id and the CommR so that it cannot be replayed for another;
 * and a hoster's proof of contact for one block it served an attester ({@link Contact}). Each
 * statement names its purpose, so no signed statement is ever read as another.
 */
public final class PinningStatements {
  static final String COMMITMENT_PURPOSE = "cairn/replica-commitment/v1";
  static final String ANSWER_PURPOSE = "cairn/storage-answer/v1";
  static final String CONTACT_PURPOSE = "cairn/service-contact/v1";
  private static final int HASH_LENGTH = 32;

  private PinningStatements() {}

  /** A replica id sealing to {@code commR} over {@code nodeCount} 32-byte nodes. */
  public record Commitment(byte[] replicaId, byte[] commR, long nodeCount) {
    public Commitment {
      requireHash(replicaId, "replica id");
      requireHash(commR, "CommR");
      if (nodeCount < 1) {
        throw new IllegalArgumentException("a replica has at least one node, not " + nodeCount);
      }
      replicaId = replicaId.clone();
      commR = commR.clone();
    }

    @Override
    public byte[] replicaId() {
      return replicaId.clone();
    }

    @Override
    public byte[] commR() {
      return commR.clone();
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Commitment that
          && nodeCount == that.nodeCount
          && Arrays.equals(replicaId, that.replicaId)
          && Arrays.equals(commR, that.commR);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(replicaId) * 31 + Arrays.hashCode(commR);
    }

    @Override
    public String toString() {
      return "Commitment[" + hex(replicaId) + " → " + hex(commR) + ", " + nodeCount + " nodes]";
    }
  }

  /** A commitment whose signature was checked, with the address that signed it. */
  public record SignedCommitment(EthereumAddress signer, Commitment commitment) {}

  public static SignedPinningStatement signCommitment(EvmSigner signer, Commitment commitment) {
    return sign(
        signer,
        ReplicaCommitment.newBuilder()
            .setPurpose(COMMITMENT_PURPOSE)
            .setReplicaId(ByteString.copyFrom(commitment.replicaId()))
            .setCommR(ByteString.copyFrom(commitment.commR()))
            .setNodeCount(commitment.nodeCount())
            .build()
            .toByteArray());
  }

  /**
   * The commitment and who signed it; {@code INVALID_SIGNATURE} for a statement that is not a
   * replica commitment or a signature no key made.
   */
  public static SignedCommitment openCommitment(
      SignedPinningStatement signed, AddressRecovery recovery) {
    ReplicaCommitment statement;
    try {
      statement = ReplicaCommitment.parseFrom(signed.getStatement());
    } catch (InvalidProtocolBufferException malformed) {
      throw new Rejection(ErrorCode.INVALID_SIGNATURE, "the statement is not a replica commitment");
    }
    if (!COMMITMENT_PURPOSE.equals(statement.getPurpose())) {
      throw new Rejection(
          ErrorCode.INVALID_SIGNATURE,
          "the statement's purpose is '" + statement.getPurpose() + "', not " + COMMITMENT_PURPOSE);
    }
    Commitment commitment;
    try {
      commitment =
          new Commitment(
              statement.getReplicaId().toByteArray(),
              statement.getCommR().toByteArray(),
              statement.getNodeCount());
    } catch (IllegalArgumentException malformed) {
      throw new Rejection(ErrorCode.INVALID_SIGNATURE, malformed.getMessage());
    }
    return new SignedCommitment(signerOf(signed, recovery), commitment);
  }

  /** The hoster's signature over its answer to challenge {@code challengeId} of {@code commR}. */
  public static SignedPinningStatement signAnswer(
      EvmSigner hoster, byte[] challengeId, byte[] commR, StorageChallengeAnswer answer) {
    return sign(hoster, answerStatement(challengeId, commR, answer).toByteArray());
  }

  /**
   * Who signed {@code signed} as the answer {@code answer} to challenge {@code challengeId} of
   * {@code commR}; {@code INVALID_SIGNATURE} when the statement is about another challenge, replica
   * or answer, or no key made the signature. Whether the answer itself holds is {@link
   * StorageProofs#verify}'s to say.
   */
  public static EthereumAddress answerSigner(
      SignedPinningStatement signed,
      byte[] challengeId,
      byte[] commR,
      StorageChallengeAnswer answer,
      AddressRecovery recovery) {
    byte[] expected = answerStatement(challengeId, commR, answer).toByteArray();
    if (!Arrays.equals(expected, signed.getStatement().toByteArray())) {
      throw new Rejection(
          ErrorCode.INVALID_SIGNATURE,
          "the signed statement is not about challenge "
              + hex(challengeId)
              + " of this replica and this answer");
    }
    return signerOf(signed, recovery);
  }

  /**
   * What a hoster states when it serves block {@code index} of core {@code coreKey} to the attester
   * making check {@code checkId}: the block it sent hashed to {@code blockHash} (BLAKE2b-256 of the
   * block's bytes). Every field is 32 bytes but the index.
   */
  public record Contact(byte[] checkId, byte[] coreKey, long index, byte[] blockHash) {
    public Contact {
      requireHash(checkId, "check id");
      requireHash(coreKey, "core key");
      requireHash(blockHash, "block hash");
      if (index < 0) {
        throw new IllegalArgumentException("a block index is 0 or more, not " + index);
      }
      checkId = checkId.clone();
      coreKey = coreKey.clone();
      blockHash = blockHash.clone();
    }

    @Override
    public byte[] checkId() {
      return checkId.clone();
    }

    @Override
    public byte[] coreKey() {
      return coreKey.clone();
    }

    @Override
    public byte[] blockHash() {
      return blockHash.clone();
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Contact that
          && index == that.index
          && Arrays.equals(checkId, that.checkId)
          && Arrays.equals(coreKey, that.coreKey)
          && Arrays.equals(blockHash, that.blockHash);
    }

    @Override
    public int hashCode() {
      return (Arrays.hashCode(checkId) * 31 + Arrays.hashCode(blockHash)) * 31
          + Long.hashCode(index);
    }

    @Override
    public String toString() {
      return "Contact[check " + hex(checkId) + ", block " + index + " → " + hex(blockHash) + "]";
    }
  }

  /** A proof of contact whose signature was checked, with the address that signed it. */
  public record SignedContact(EthereumAddress signer, Contact contact) {}

  /** The hoster's proof of contact: {@code personal_sign} over the serialized ServiceContact. */
  public static SignedPinningStatement signContact(EvmSigner hoster, Contact contact) {
    return sign(
        hoster,
        ServiceContact.newBuilder()
            .setPurpose(CONTACT_PURPOSE)
            .setCheckId(ByteString.copyFrom(contact.checkId()))
            .setCoreKey(ByteString.copyFrom(contact.coreKey()))
            .setIndex(contact.index())
            .setBlockHash(ByteString.copyFrom(contact.blockHash()))
            .build()
            .toByteArray());
  }

  /**
   * The contact and who signed it; {@code INVALID_SIGNATURE} for a statement that is not a proof of
   * contact or a signature no key made. Whether the signer is the hoster, and the contact the
   * check's, is the caller's to compare.
   */
  public static SignedContact openContact(SignedPinningStatement signed, AddressRecovery recovery) {
    ServiceContact statement;
    try {
      statement = ServiceContact.parseFrom(signed.getStatement());
    } catch (InvalidProtocolBufferException malformed) {
      throw new Rejection(ErrorCode.INVALID_SIGNATURE, "the statement is not a proof of contact");
    }
    if (!CONTACT_PURPOSE.equals(statement.getPurpose())) {
      throw new Rejection(
          ErrorCode.INVALID_SIGNATURE,
          "the statement's purpose is '" + statement.getPurpose() + "', not " + CONTACT_PURPOSE);
    }
    Contact contact;
    try {
      contact =
          new Contact(
              statement.getCheckId().toByteArray(),
              statement.getCoreKey().toByteArray(),
              statement.getIndex(),
              statement.getBlockHash().toByteArray());
    } catch (IllegalArgumentException malformed) {
      throw new Rejection(ErrorCode.INVALID_SIGNATURE, malformed.getMessage());
    }
    return new SignedContact(signerOf(signed, recovery), contact);
  }

  private static StorageAnswerStatement answerStatement(
      byte[] challengeId, byte[] commR, StorageChallengeAnswer answer) {
    requireHash(challengeId, "challenge id");
    requireHash(commR, "CommR");
    return StorageAnswerStatement.newBuilder()
        .setPurpose(ANSWER_PURPOSE)
        .setChallengeId(ByteString.copyFrom(challengeId))
        .setCommR(ByteString.copyFrom(commR))
        .setAnswerHash(ByteString.copyFrom(Blake2b.hash(answer.toByteArray())))
        .build();
  }

  private static SignedPinningStatement sign(EvmSigner signer, byte[] statement) {
    EvmSignature signature = signer.sign(PersonalMessage.digest(statement));
    return SignedPinningStatement.newBuilder()
        .setStatement(ByteString.copyFrom(statement))
        .setSignature(ByteString.copyFrom(signature.encode()))
        .build();
  }

  private static EthereumAddress signerOf(SignedPinningStatement signed, AddressRecovery recovery) {
    EthereumAddress signer;
    try {
      EvmSignature signature = EvmSignature.decode(signed.getSignature().toByteArray());
      signer =
          recovery.recover(PersonalMessage.digest(signed.getStatement().toByteArray()), signature);
    } catch (EventRejection invalid) {
      throw new Rejection(ErrorCode.INVALID_SIGNATURE, invalid.getMessage());
    }
    if (signer == null) {
      throw new Rejection(ErrorCode.INVALID_SIGNATURE, "no key made this signature");
    }
    return signer;
  }

  private static void requireHash(byte[] bytes, String what) {
    if (bytes == null || bytes.length != HASH_LENGTH) {
      throw new IllegalArgumentException(
          "a " + what + " is " + HASH_LENGTH + " bytes, not " + (bytes == null ? 0 : bytes.length));
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
