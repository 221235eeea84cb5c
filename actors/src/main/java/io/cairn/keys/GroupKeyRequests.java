package io.cairn.keys;

import io.cairn.cluster.ServiceIdentity;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Randomness;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.AsymmetricEncryptionType;
import io.cairn.protocol.api.v1.GroupKeyRequest;
import io.cairn.protocol.api.v1.MessageId;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.encryption.GroupKeySealing;
import io.cairn.protocol.encryption.InvalidPublicKeyException;
import io.cairn.protocol.event.EventVerification;
import io.cairn.protocol.event.EventVerifier;
import java.util.HexFormat;
import java.util.List;

/**
 * What a signed group key request must be before a custodian looks at the keys it asks for, as
 * Streamr's publishers check one ({@code PublisherKeyExchange.ts}, {@code validateStreamMessage}):
 * a {@code GroupKeyRequest} body on this stream, a valid signature (the requester is the signing
 * publisher id), addressed to the responder ({@code recipientId} = the cluster's service address),
 * asking for RSA sealing to a usable public key. The requester's {@code subscribe} permission is
 * checked afterwards, against the stream's state at that moment.
 */
final class GroupKeyRequests {
  private final EventVerifier verifier;
  private final ServiceIdentity responder;

  GroupKeyRequests(EventVerifier verifier, ServiceIdentity responder) {
    this.verifier = verifier;
    this.responder = responder;
  }

  /**
   * The requester's address.
   *
   * @throws Rejection with the first check that fails
   */
  EthereumAddress check(StreamMessage message, String streamId) {
    if (message.getBodyCase() != StreamMessage.BodyCase.GROUP_KEY_REQUEST) {
      throw new Rejection(
          ErrorCode.INVALID_KEY_REQUEST,
          "the message is not a group key request but " + message.getBodyCase());
    }
    String declared = message.getMessageId().getStreamId();
    if (!declared.equals(streamId)) {
      throw new Rejection(
          ErrorCode.STREAM_MISMATCH,
          "the request is for stream '" + declared + "', not " + streamId);
    }
    EventVerification verification = verifier.verify(message);
    if (!verification.accepted()) {
      throw verification.rejection();
    }
    GroupKeyRequest request = message.getGroupKeyRequest();
    if (request.getRequestId().isEmpty()) {
      throw new Rejection(ErrorCode.INVALID_KEY_REQUEST, "the request has no requestId");
    }
    String recipient = "0x" + HexFormat.of().formatHex(request.getRecipientId().toByteArray());
    if (!recipient.equals(responder.address().value())) {
      throw new Rejection(
          ErrorCode.WRONG_RECIPIENT,
          "the request is addressed to "
              + recipient
              + ", not to this cluster's service address "
              + responder.address());
    }
    if (request.getEncryptionType() != AsymmetricEncryptionType.RSA) {
      throw new Rejection(
          ErrorCode.UNSUPPORTED_KEY_EXCHANGE,
          "the request asks for key exchange "
              + (request.getEncryptionType() == AsymmetricEncryptionType.UNRECOGNIZED
                  ? "number " + request.getEncryptionTypeValue()
                  : request.getEncryptionType().name())
              + "; Cairn seals group keys with RSA only");
    }
    try {
      GroupKeySealing.decodePublicKey(request.getRsaPublicKey().toByteArray());
    } catch (InvalidPublicKeyException e) {
      throw new Rejection(ErrorCode.INVALID_PUBLIC_KEY, e.getMessage());
    }
    return new EthereumAddress(
        "0x" + HexFormat.of().formatHex(message.getMessageId().getPublisherId().toByteArray()));
  }

  /**
   * The response to a checked request, signed by the responder: {@code keys} sealed to the
   * requester's public key, naming the ids they were picked for (the current key's when the request
   * named none), on a message chain of its own.
   */
  StreamMessage respond(StreamMessage request, List<GroupKey> keys) {
    StreamMessage.Builder asked = request.toBuilder();
    asked
        .getGroupKeyRequestBuilder()
        .clearGroupKeyIds()
        .addAllGroupKeyIds(keys.stream().map(GroupKey::id).toList());
    MessageId requestId = request.getMessageId();
    return responder.sign(
        StreamMessage.newBuilder()
            .setMessageId(
                MessageId.newBuilder()
                    .setStreamId(requestId.getStreamId())
                    .setStreamPartition(requestId.getStreamPartition())
                    .setTimestamp(System.currentTimeMillis())
                    .setSequenceNumber(0)
                    .setMessageChainId(HexFormat.of().formatHex(Randomness.bytes(10))))
            .setGroupKeyResponse(GroupKeySealing.respond(asked.build(), keys))
            .build());
  }
}
