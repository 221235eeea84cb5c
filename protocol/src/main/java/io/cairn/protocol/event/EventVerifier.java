package io.cairn.protocol.event;

import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.SignatureType;
import io.cairn.protocol.api.v1.StreamMessage;

/**
 * Decides whether an event is acceptable: every field on its own ({@link EventFieldRules}), then
 * the signature over the {@link SignaturePayload}, recovered to an address that must be the
 * publisher id.
 */
public final class EventVerifier {
  private final EventFieldRules rules;
  private final AddressRecovery recovery;

  public EventVerifier(EventFieldRules rules, AddressRecovery recovery) {
    this.rules = rules;
    this.recovery = recovery;
  }

  /** The standard rules on the system clock, with the process's preferred recovery. */
  public static EventVerifier standard() {
    return new EventVerifier(EventFieldRules.standard(), AddressRecoveries.preferred());
  }

  /** Checks the fields, then the signature. */
  public EventVerification verify(StreamMessage message) {
    try {
      rules.check(message);
      checkSignature(message);
      return EventVerification.ok();
    } catch (EventRejection rejection) {
      return EventVerification.rejected(rejection);
    }
  }

  /**
   * Streamr's verdict on a message, as any Streamr node gives it: its fields by Streamr's rules,
   * then its signature (with Cairn's stricter low-s and v of 27 or 28). Whether this node would
   * store it is {@link #publishingPolicy}'s answer, apart: a message Streamr accepts is never
   * called badly signed because of where or when it was published.
   */
  public EventVerification verifyAsStreamr(StreamMessage message) {
    try {
      rules.checkMessage(message);
      checkSignature(message);
      return EventVerification.ok();
    } catch (EventRejection rejection) {
      return EventVerification.rejected(rejection);
    }
  }

  /**
   * Whether this node would store a message Streamr accepts: its stream id, timestamps and chain id
   * by this node's rules ({@link EventFieldRules#checkPolicy}).
   */
  public EventVerification publishingPolicy(StreamMessage message) {
    try {
      rules.checkPolicy(message);
      return EventVerification.ok();
    } catch (EventRejection rejection) {
      return EventVerification.rejected(rejection);
    }
  }

  /**
   * As {@link #verify}, for an event that arrived on the stream part {@code streamId}, {@code
   * partition}: one addressed to any other is refused, whatever its signature.
   */
  public EventVerification verifyArrival(StreamMessage message, String streamId, int partition) {
    if (!message.hasMessageId()) {
      return verify(message);
    }
    String declaredStream = message.getMessageId().getStreamId();
    int declaredPartition = message.getMessageId().getStreamPartition();
    if (!declaredStream.equals(streamId) || declaredPartition != partition) {
      return EventVerification.rejected(
          new EventRejection(
              EventRejectReason.STREAM_PART_MISMATCH,
              "the event is addressed to "
                  + declaredStream
                  + "#"
                  + declaredPartition
                  + " but arrived on "
                  + streamId
                  + "#"
                  + partition));
    }
    return verify(message);
  }

  /**
   * The signature alone: whether the publisher id signed the payload bytes. This is never enough to
   * accept an event, because the same bytes can be read as other field values; the node uses {@link
   * #verify} or {@link #verifyArrival}.
   */
  public EventVerification verifySignature(StreamMessage message) {
    try {
      checkSignature(message);
      return EventVerification.ok();
    } catch (EventRejection rejection) {
      return EventVerification.rejected(rejection);
    }
  }

  private void checkSignature(StreamMessage message) {
    if (message.getSignatureType() != SignatureType.ECDSA_SECP256K1_EVM) {
      String type =
          message.getSignatureType() == SignatureType.UNRECOGNIZED
              ? "number " + message.getSignatureTypeValue()
              : message.getSignatureType().name();
      throw new EventRejection(
          EventRejectReason.UNSUPPORTED_SIGNATURE_TYPE,
          "signature type " + type + " is not supported; Cairn accepts ECDSA_SECP256K1_EVM only");
    }
    EvmSignature signature = EvmSignature.decode(message.getSignature().toByteArray());
    byte[] digest = PersonalMessage.digest(SignaturePayload.of(message));
    EthereumAddress signer = recovery.recover(digest, signature);
    if (signer == null) {
      throw new EventRejection(
          EventRejectReason.SIGNATURE_INVALID,
          "no public key recovers from the signature: r is not a point of secp256k1");
    }
    String publisher = SignaturePayload.publisherHex(message.getMessageId().getPublisherId());
    if (!signer.value().equals(publisher)) {
      throw new EventRejection(
          EventRejectReason.ADDRESS_MISMATCH,
          "signed by " + signer + ", but the publisher id is " + publisher);
    }
  }
}
