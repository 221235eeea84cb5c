package io.cairn.protocol.event;

import com.google.protobuf.ByteString;
import io.cairn.protocol.api.v1.SignatureType;
import io.cairn.protocol.api.v1.StreamMessage;
import java.util.HexFormat;

/** Signs events as their publisher: sets the publisher id, the signature type and the signature. */
public final class EventSigner {
  private final EvmSigner signer;

  public EventSigner(EvmSigner signer) {
    this.signer = signer;
  }

  /** {@code unsigned} with its publisher id set to the signer's address, signed. */
  public StreamMessage sign(StreamMessage unsigned) {
    byte[] publisher = HexFormat.of().parseHex(signer.address().value().substring(2));
    StreamMessage.Builder builder = unsigned.toBuilder();
    builder.getMessageIdBuilder().setPublisherId(ByteString.copyFrom(publisher));
    builder.setSignatureType(SignatureType.ECDSA_SECP256K1_EVM).clearSignature();
    byte[] digest = PersonalMessage.digest(SignaturePayload.of(builder.build()));
    return builder.setSignature(ByteString.copyFrom(signer.sign(digest).encode())).build();
  }
}
