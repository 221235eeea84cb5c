package io.cairn.protocol.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.event.AddressRecoveries;
import io.cairn.protocol.event.AddressRecovery;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.pinning.PinningStatements.Commitment;
import io.cairn.protocol.pinning.PinningStatements.SignedCommitment;
import io.cairn.protocol.pinning.v1.SignedPinningStatement;
import io.cairn.protocol.pinning.v1.StorageChallengeAnswer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PinningStatementsTest {
  private static final AddressRecovery RECOVERY = AddressRecoveries.preferred();

  private final PrivateKeySigner hoster = PrivateKeySigner.generate();
  private final PrivateKeySigner encoder = PrivateKeySigner.generate();
  private final Commitment commitment = new Commitment(filled(1), filled(2), 1_000);

  @Test
  void aCommitmentOpensToItsSignerAndWhatItStates() {
    SignedCommitment byHoster =
        PinningStatements.openCommitment(
            PinningStatements.signCommitment(hoster, commitment), RECOVERY);
    SignedCommitment byEncoder =
        PinningStatements.openCommitment(
            PinningStatements.signCommitment(encoder, commitment), RECOVERY);
    assertEquals(hoster.address(), byHoster.signer());
    assertEquals(encoder.address(), byEncoder.signer());
    assertEquals(byHoster.commitment(), byEncoder.commitment(), "the two roots agree");
  }

  @Test
  void aChangedCommitmentNoLongerOpensToItsSigner() {
    SignedPinningStatement signed = PinningStatements.signCommitment(hoster, commitment);
    byte[] statement = signed.getStatement().toByteArray();
    statement[statement.length - 1] ^= 1;
    SignedPinningStatement changed =
        signed.toBuilder().setStatement(ByteString.copyFrom(statement)).build();
    assertNotEquals(hoster.address(), PinningStatements.openCommitment(changed, RECOVERY).signer());
  }

  @Test
  void anAnswerIsBoundToItsChallengeReplicaAndBytes() {
    StorageChallengeAnswer answer =
        StorageChallengeAnswer.newBuilder()
            .setReplicaId(ByteString.copyFrom(filled(1)))
            .setRoundNo(7)
            .build();
    byte[] challenge = filled(9);
    SignedPinningStatement signed =
        PinningStatements.signAnswer(hoster, challenge, commitment.commR(), answer);
    assertEquals(
        hoster.address(),
        PinningStatements.answerSigner(signed, challenge, commitment.commR(), answer, RECOVERY));

    Rejection otherChallenge =
        assertThrows(
            Rejection.class,
            () ->
                PinningStatements.answerSigner(
                    signed, filled(8), commitment.commR(), answer, RECOVERY));
    assertEquals(ErrorCode.INVALID_SIGNATURE, otherChallenge.code());
    assertThrows(
        Rejection.class,
        () -> PinningStatements.answerSigner(signed, challenge, filled(3), answer, RECOVERY));
    assertThrows(
        Rejection.class,
        () ->
            PinningStatements.answerSigner(
                signed,
                challenge,
                commitment.commR(),
                answer.toBuilder().setRoundNo(8).build(),
                RECOVERY));
  }

  @Test
  void oneKindOfStatementIsNeverReadAsTheOther() {
    StorageChallengeAnswer answer = StorageChallengeAnswer.newBuilder().setRoundNo(1).build();
    SignedPinningStatement anAnswer =
        PinningStatements.signAnswer(hoster, filled(9), commitment.commR(), answer);
    Rejection refused =
        assertThrows(Rejection.class, () -> PinningStatements.openCommitment(anAnswer, RECOVERY));
    assertEquals(ErrorCode.INVALID_SIGNATURE, refused.code());

    SignedPinningStatement noSignature =
        PinningStatements.signCommitment(hoster, commitment).toBuilder()
            .setSignature(ByteString.copyFrom(new byte[65]))
            .build();
    assertThrows(Rejection.class, () -> PinningStatements.openCommitment(noSignature, RECOVERY));
    assertThrows(IllegalArgumentException.class, () -> new Commitment(new byte[31], filled(2), 1));
    assertThrows(IllegalArgumentException.class, () -> new Commitment(filled(1), filled(2), 0));
  }

  private static byte[] filled(int value) {
    byte[] bytes = new byte[32];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }
}
