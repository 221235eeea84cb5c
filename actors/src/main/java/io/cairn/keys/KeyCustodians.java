package io.cairn.keys;

import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.StreamMessage;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The streams' key custodians as the API sees them: each call goes to the sharded {@link
 * KeyCustodian}.
 */
public final class KeyCustodians {
  private final ClusterSharding sharding;
  private final Duration askTimeout;

  public KeyCustodians(ActorSystem<?> system, Duration askTimeout) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = askTimeout;
  }

  public CompletionStage<KeyCustodian.Info> appoint(String streamId, EthereumAddress requester) {
    return custodian(streamId)
        .askWithStatus(replyTo -> new KeyCustodian.Appoint(requester, replyTo), askTimeout);
  }

  /** Fails with CUSTODIAN_NOT_FOUND when the stream has none. */
  public CompletionStage<KeyCustodian.Info> info(String streamId) {
    return custodian(streamId).askWithStatus(KeyCustodian.GetInfo::new, askTimeout);
  }

  public CompletionStage<KeyCustodian.Info> rotate(String streamId, EthereumAddress requester) {
    return custodian(streamId)
        .askWithStatus(replyTo -> new KeyCustodian.Rotate(requester, replyTo), askTimeout);
  }

  /** The signed group key response to a signed group key request on the stream. */
  public CompletionStage<StreamMessage> requestKeys(String streamId, StreamMessage request) {
    return custodian(streamId)
        .<KeyCustodian.KeyResponse>askWithStatus(
            replyTo -> new KeyCustodian.RequestKeys(request, replyTo), askTimeout)
        .thenApply(KeyCustodian.KeyResponse::message);
  }

  private EntityRef<KeyCustodian.Command> custodian(String streamId) {
    return sharding.entityRefFor(KeyCustodian.ENTITY_KEY, streamId);
  }
}
