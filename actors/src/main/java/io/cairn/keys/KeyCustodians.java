package io.cairn.keys;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.StreamMessage;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.Patterns;

/**
 * The streams' key custodians as the API sees them: each call goes to the sharded {@link
 * KeyCustodian}.
 */
public final class KeyCustodians {
  /** Where the rotation after a revocation of subscribe stands. */
  public enum RevokeRotation {
    /** The stream's current group key was made after the revocation. */
    DONE,
    /** Not yet: the cluster goes on trying until it is done. */
    PENDING,
    /** The stream has no key custodian: there is no key to rotate. */
    NO_CUSTODIAN
  }

  /** How often {@link #rotationAfterRevoke} asks the custodian whether it rotated. */
  private static final Duration ASK_AGAIN_AFTER = Duration.ofMillis(100);

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final KeySettings settings;

  public KeyCustodians(ActorSystem<?> system, KeySettings settings) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.settings = settings;
  }

  public CompletionStage<KeyCustodian.Info> appoint(String streamId, EthereumAddress requester) {
    return custodian(streamId)
        .askWithStatus(
            replyTo -> new KeyCustodian.Appoint(requester, replyTo), settings.askTimeout());
  }

  /** Fails with CUSTODIAN_NOT_FOUND when the stream has none. */
  public CompletionStage<KeyCustodian.Info> info(String streamId) {
    return custodian(streamId).askWithStatus(KeyCustodian.GetInfo::new, settings.askTimeout());
  }

  public CompletionStage<KeyCustodian.Info> rotate(String streamId, EthereumAddress requester) {
    return custodian(streamId)
        .askWithStatus(
            replyTo -> new KeyCustodian.Rotate(requester, replyTo), settings.askTimeout());
  }

  /** The signed group key response to a signed group key request on the stream. */
  public CompletionStage<StreamMessage> requestKeys(String streamId, StreamMessage request) {
    return custodian(streamId)
        .<KeyCustodian.KeyResponse>askWithStatus(
            replyTo -> new KeyCustodian.RequestKeys(request, replyTo), settings.askTimeout())
        .thenApply(KeyCustodian.KeyResponse::message);
  }

  /**
   * Whether the stream's custodian rotated its key after the revocation of {@code subscribe} that
   * is the stream's event {@code revokeSequenceNr}, waiting for it up to {@code
   * cairn.keys.revoke-rotation-wait}. The rotation itself is {@link
   * io.cairn.keys.RevokeRotation}'s; this only watches for it.
   */
  public CompletionStage<RevokeRotation> rotationAfterRevoke(
      String streamId, long revokeSequenceNr) {
    return rotationAfterRevoke(
        streamId, revokeSequenceNr, System.nanoTime() + settings.revokeRotationWait().toNanos());
  }

  private CompletionStage<RevokeRotation> rotationAfterRevoke(
      String streamId, long revokeSequenceNr, long deadline) {
    Duration left = Duration.ofNanos(deadline - System.nanoTime());
    Duration ask = left.compareTo(settings.askTimeout()) < 0 ? left : settings.askTimeout();
    return custodian(streamId)
        .<KeyCustodian.Info>askWithStatus(
            KeyCustodian.GetInfo::new, ask.compareTo(ASK_AGAIN_AFTER) < 0 ? ASK_AGAIN_AFTER : ask)
        .handle(
            (info, failure) -> {
              if (info != null && info.rotatedAfterRevoke() >= revokeSequenceNr) {
                return CompletableFuture.completedFuture(RevokeRotation.DONE);
              }
              if (failure != null && hasNoCustodian(failure)) {
                return CompletableFuture.completedFuture(RevokeRotation.NO_CUSTODIAN);
              }
              if (System.nanoTime() + ASK_AGAIN_AFTER.toNanos() >= deadline) {
                return CompletableFuture.completedFuture(RevokeRotation.PENDING);
              }
              return Patterns.after(
                  ASK_AGAIN_AFTER,
                  system.classicSystem().scheduler(),
                  system.executionContext(),
                  () -> rotationAfterRevoke(streamId, revokeSequenceNr, deadline));
            })
        .thenCompose(rotation -> rotation);
  }

  private static boolean hasNoCustodian(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    return cause instanceof Rejection rejection
        && rejection.code() == ErrorCode.CUSTODIAN_NOT_FOUND;
  }

  private EntityRef<KeyCustodian.Command> custodian(String streamId) {
    return sharding.entityRefFor(KeyCustodian.ENTITY_KEY, streamId);
  }
}
