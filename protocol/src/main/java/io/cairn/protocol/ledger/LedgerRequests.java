package io.cairn.protocol.ledger;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.LedgerRequest;
import io.cairn.protocol.api.v1.SignedLedgerRequest;
import io.cairn.protocol.event.AddressRecovery;
import io.cairn.protocol.event.EventRejection;
import io.cairn.protocol.event.EvmSignature;
import io.cairn.protocol.event.EvmSigner;
import io.cairn.protocol.event.PersonalMessage;

/**
 * Signs and opens the embedded ledger's requests. The signature is Ethereum's {@code personal_sign}
 * over the serialized {@link LedgerRequest}: the signer signs {@code keccak256("\x19Ethereum Signed
 * Message:\n" || decimal length || request bytes)}, so a wallet can sign one as it signs a Streamr
 * event. The bytes travel as signed, never re-serialized.
 */
public final class LedgerRequests {
  private LedgerRequests() {}

  /** A request whose signature has been checked, with the address that made it. */
  public record Opened(EthereumAddress signer, LedgerRequest request) {}

  public static SignedLedgerRequest sign(EvmSigner signer, LedgerRequest request) {
    byte[] bytes = request.toByteArray();
    EvmSignature signature = signer.sign(PersonalMessage.digest(bytes));
    return SignedLedgerRequest.newBuilder()
        .setRequest(ByteString.copyFrom(bytes))
        .setSignature(ByteString.copyFrom(signature.encode()))
        .build();
  }

  /**
   * Recovers the signer and parses the request; refuses a malformed request or signature with
   * {@code INVALID_LEDGER_REQUEST} / {@code INVALID_SIGNATURE}. The ledger id, nonce and expiry are
   * the ledger's to check.
   */
  public static Opened open(SignedLedgerRequest signed, AddressRecovery recovery) {
    LedgerRequest request;
    try {
      request = LedgerRequest.parseFrom(signed.getRequest());
    } catch (InvalidProtocolBufferException malformed) {
      throw new Rejection(
          ErrorCode.INVALID_LEDGER_REQUEST, "the signed request is not a LedgerRequest");
    }
    if (request.getOperationCase() == LedgerRequest.OperationCase.OPERATION_NOT_SET) {
      throw new Rejection(ErrorCode.INVALID_LEDGER_REQUEST, "the request names no operation");
    }
    EthereumAddress signer;
    try {
      EvmSignature signature = EvmSignature.decode(signed.getSignature().toByteArray());
      signer =
          recovery.recover(PersonalMessage.digest(signed.getRequest().toByteArray()), signature);
    } catch (EventRejection invalid) {
      throw new Rejection(ErrorCode.INVALID_SIGNATURE, invalid.getMessage());
    }
    if (signer == null) {
      throw new Rejection(ErrorCode.INVALID_SIGNATURE, "no key made this signature");
    }
    return new Opened(signer, request);
  }
}
