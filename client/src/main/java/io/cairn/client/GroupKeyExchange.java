package io.cairn.client;

import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.CustodianDescription;
import io.cairn.protocol.api.v1.GroupKeyResponse;
import io.cairn.protocol.api.v1.MessageId;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.encryption.GroupKeyLookup;
import io.cairn.protocol.encryption.GroupKeySealing;
import io.cairn.protocol.event.EventSigner;
import io.cairn.protocol.event.EventVerification;
import io.cairn.protocol.event.EventVerifier;
import io.cairn.protocol.event.EvmSigner;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A subscriber's side of the key exchange with a stream's key custodian: it asks for group keys
 * with signed Streamr {@code GroupKeyRequest}s, sealed to an RSA key pair of its own, checks that
 * the response is signed by the custodian's service address and answers this request, opens the
 * keys and keeps them by id. Refusals are {@link CairnApiException}s with the node's code ({@code
 * NOT_PERMITTED} without {@code subscribe}, {@code UNKNOWN_GROUP_KEY}, ...).
 */
public final class GroupKeyExchange {
  private final CairnClient client;
  private final EventSigner signer;
  private final EthereumAddress subscriber;
  private final RSAPublicKey publicKey;
  private final RSAPrivateKey privateKey;
  private final EventVerifier verifier = EventVerifier.standard();
  private final Map<String, GroupKey> keys = new ConcurrentHashMap<>();

  /**
   * With a fresh RSA key pair of Streamr's size, {@value GroupKeySealing#STREAMR_KEY_SIZE} bits.
   */
  public GroupKeyExchange(CairnClient client, EvmSigner signer) {
    this(client, signer, GroupKeySealing.STREAMR_KEY_SIZE);
  }

  /**
   * With a fresh RSA key pair of {@code rsaBits} bits, at least {@value
   * GroupKeySealing#MIN_KEY_SIZE}.
   */
  public GroupKeyExchange(CairnClient client, EvmSigner signer, int rsaBits) {
    KeyPair pair = GroupKeySealing.generateKeyPair(rsaBits);
    this.client = client;
    this.signer = new EventSigner(signer);
    this.subscriber = signer.address();
    this.publicKey = (RSAPublicKey) pair.getPublic();
    this.privateKey = (RSAPrivateKey) pair.getPrivate();
  }

  /**
   * The key new content of the stream is encrypted with: the custodian names its id, and the key is
   * fetched unless it is known already.
   */
  public GroupKey current(String streamId) {
    CustodianDescription custodian = client.custodian(streamId);
    return find(streamId, custodian.getCurrentGroupKeyId(), custodian);
  }

  /** The key with this id, known already or fetched from the stream's custodian. */
  public GroupKey find(String streamId, String groupKeyId) {
    GroupKey known = keys.get(groupKeyId);
    return known != null ? known : find(streamId, groupKeyId, client.custodian(streamId));
  }

  /**
   * Looks keys up here, fetching those missing from the stream's custodian, for decrypting its
   * content.
   */
  public GroupKeyLookup lookup(String streamId) {
    return groupKeyId -> Optional.of(find(streamId, groupKeyId));
  }

  private GroupKey find(String streamId, String groupKeyId, CustodianDescription custodian) {
    GroupKey known = keys.get(groupKeyId);
    if (known != null) {
      return known;
    }
    for (GroupKey key : fetch(streamId, custodian, groupKeyId)) {
      keys.put(key.id(), key);
    }
    GroupKey fetched = keys.get(groupKeyId);
    if (fetched == null) {
      throw new IllegalStateException(
          "the custodian of " + streamId + " answered without group key " + groupKeyId);
    }
    return fetched;
  }

  private List<GroupKey> fetch(String streamId, CustodianDescription custodian, String groupKeyId) {
    EthereumAddress service = EthereumAddress.parse(custodian.getServiceAddress());
    String requestId = UUID.randomUUID().toString();
    StreamMessage request =
        signer.sign(
            StreamMessage.newBuilder()
                .setMessageId(
                    MessageId.newBuilder()
                        .setStreamId(streamId)
                        .setStreamPartition(0)
                        .setTimestamp(System.currentTimeMillis())
                        .setSequenceNumber(0)
                        .setMessageChainId(UUID.randomUUID().toString()))
                .setGroupKeyRequest(
                    GroupKeySealing.request(requestId, service, publicKey, List.of(groupKeyId)))
                .build());
    StreamMessage response = client.requestKeys(streamId, request);
    check(response, service, requestId);
    return GroupKeySealing.open(response.getGroupKeyResponse(), privateKey);
  }

  /** A response counts only when the custodian signed it, for this request, to this subscriber. */
  private void check(StreamMessage response, EthereumAddress service, String requestId) {
    EventVerification verification = verifier.verify(response);
    String publisher =
        "0x" + HexFormat.of().formatHex(response.getMessageId().getPublisherId().toByteArray());
    GroupKeyResponse body = response.getGroupKeyResponse();
    String recipient = "0x" + HexFormat.of().formatHex(body.getRecipientId().toByteArray());
    if (!verification.accepted()
        || !publisher.equals(service.value())
        || response.getBodyCase() != StreamMessage.BodyCase.GROUP_KEY_RESPONSE
        || !body.getRequestId().equals(requestId)
        || !recipient.equals(subscriber.value())) {
      throw new IllegalStateException(
          "the node answered a group key request with a response that is not the"
              + " custodian's ("
              + service
              + ") answer to it: "
              + verification);
    }
  }
}
