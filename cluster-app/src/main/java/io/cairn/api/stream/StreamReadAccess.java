package io.cairn.api.stream;

import io.cairn.api.auth.Authentication;
import io.cairn.stream.StreamAccess;
import io.cairn.stream.Streams;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The HTTP side of {@link StreamAccess}: a route that reads a stream's events, or what its
 * persistor keeps, runs only for a request that the rule lets read them, asked with the session the
 * request names, if any.
 */
public final class StreamReadAccess extends AllDirectives {
  private final Streams streams;
  private final Authentication authentication;

  public StreamReadAccess(Streams streams, Authentication authentication) {
    this.streams = streams;
    this.authentication = authentication;
  }

  /** {@code inner} if the request may read the stream's events. */
  public Route readable(String streamId, Supplier<Route> inner) {
    return onSuccess(
        streams.get(streamId),
        stream ->
            authentication.optionallyAuthenticated(
                reader -> {
                  StreamAccess.requireSubscriber(stream, reader);
                  return inner.get();
                }));
  }

  /** {@code inner} if the stream has {@code partition} and the request may read its events. */
  public Route readable(String streamId, int partition, Supplier<Route> inner) {
    return onSuccess(
        streams.get(streamId),
        stream ->
            authentication.optionallyAuthenticated(
                reader -> {
                  StreamAccess.requireSubscriber(stream, partition, reader);
                  return inner.get();
                }));
  }
}
