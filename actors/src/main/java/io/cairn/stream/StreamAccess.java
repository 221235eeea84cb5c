package io.cairn.stream;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.stream.Permission;
import java.time.Instant;
import java.util.Optional;

/**
 * Who may read or publish a stream's events, or commit the cluster to work for it, now: the one
 * place that decides it. Every way in asks here (the HTTP data and persistor routes, the WebSocket
 * handler, the publisher), and so will anything that must decide again later, such as an expiring
 * licence, so that a rule changed here holds on every transport. A grant with an end (a licence's)
 * counts only before it, by this node's clock. Changes to the stream itself (edit, grant, revoke,
 * delete) are decided by the {@link Stream} entity, the only way to make them.
 */
public final class StreamAccess {
  private StreamAccess() {}

  /**
   * {@code stream} if {@code reader} may read its events (subscribe, resend, read what its
   * persistor keeps): everyone on a stream whose subscribe permission is public, otherwise an
   * address holding subscribe. Refused {@code UNAUTHENTICATED} when nobody is named and the stream
   * is not public, {@code NOT_PERMITTED} when the address lacks the permission.
   */
  public static Stream.State requireSubscriber(
      Stream.State stream, Optional<EthereumAddress> reader) {
    if (stream.publicPermissions().contains(Permission.SUBSCRIBE)) {
      return stream;
    }
    EthereumAddress who =
        reader.orElseThrow(
            () ->
                new Rejection(
                    ErrorCode.UNAUTHENTICATED,
                    "authenticate first: stream " + stream.streamId() + " is not public"));
    if (!stream.may(who, Permission.SUBSCRIBE, Instant.now())) {
      throw lacks(stream, who, Permission.SUBSCRIBE);
    }
    return stream;
  }

  /** As {@link #requireSubscriber(Stream.State, Optional)}, for one partition the stream has. */
  public static Stream.State requireSubscriber(
      Stream.State stream, int partition, Optional<EthereumAddress> reader) {
    stream.requirePartition(partition);
    return requireSubscriber(stream, reader);
  }

  /** Refuses {@code NOT_PERMITTED} a publisher that lacks the publish permission on the stream. */
  public static void requirePublisher(Stream.State stream, EthereumAddress publisher) {
    if (!stream.may(publisher, Permission.PUBLISH, Instant.now())) {
      throw lacks(stream, publisher, Permission.PUBLISH);
    }
  }

  /**
   * Refuses {@code NOT_PERMITTED} anyone but the stream's owner: what commits the cluster to work
   * for a stream, such as appointing its persistor, is the owner's to ask. {@code action} completes
   * the refusal, e.g. "appoints its persistor".
   */
  public static void requireOwner(Stream.State stream, EthereumAddress requester, String action) {
    if (!stream.owner().equals(requester)) {
      throw new Rejection(
          ErrorCode.NOT_PERMITTED, "only the owner of " + stream.streamId() + " " + action);
    }
  }

  private static Rejection lacks(Stream.State stream, EthereumAddress who, Permission permission) {
    return new Rejection(
        ErrorCode.NOT_PERMITTED,
        who + " lacks the " + permission.label() + " permission on " + stream.streamId());
  }
}
